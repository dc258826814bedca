#!/usr/bin/env python3
"""Recomputes the Summary table of docs/conformance.md from the Status column of its item tables,
rewrites it in place, and checks every `Class#method` named in the file against the test sources.
Run from the repository root: scripts/conformance-summary.py"""
import collections
import glob
import re
import sys

PATH = "docs/conformance.md"
ROW = re.compile(r"^\| ((?:B|X|H|U|S)-[A-Z0-9.\-]+) \| [^|]* \| ([^|]*) \| ([^|]*) \| [^|]* \|$", re.M)
ORDER = ["implemented", "partial", "not implemented", "n/a", "in progress"]

doc = open(PATH, encoding="utf-8").read()
rows = ROW.findall(doc)
ids = [r[0] for r in rows]
dups = sorted({i for i in ids if ids.count(i) > 1})
counts = collections.Counter(r[1].strip() for r in rows)
unknown = set(counts) - set(ORDER)
SM_ROW = re.compile(r"^\| (SM-\d+) \| [^|]* \| ([^|]*) \| ([^|]*) \| [^|]* \|$", re.M)
sm_rows = SM_ROW.findall(doc)
sm_counts = collections.Counter(r[1].strip() for r in sm_rows)
unknown |= set(sm_counts) - set(ORDER)

table = ["| Status | Items |", "|---|---|"]
table += [f"| {s} | {counts[s]} |" for s in ORDER if counts[s]]
table += [f"| **total** (sections 1–5 and 7) | **{len(rows)}** |"]
doc = re.sub(r"\| Status \| Items \|\n(?:\|.*\|\n)+", "\n".join(table) + "\n", doc, count=1)
sm_table = ["| Status (section 6, SM-*) | Items |", "|---|---|"]
sm_table += [f"| {s} | {sm_counts[s]} |" for s in ORDER if sm_counts[s]]
sm_table += [f"| **total** | **{len(sm_rows)}** |"]
doc = re.sub(r"\| Status \(section 6, SM-\*\) \| Items \|\n(?:\|.*\|\n)+", "\n".join(sm_table) + "\n", doc, count=1)
open(PATH, "w", encoding="utf-8").write(doc)

sources = {}
for f in glob.glob("**/src/test/java/**/*.java", recursive=True):
    sources.setdefault(f.rsplit("/", 1)[1][:-5], []).append(open(f, encoding="utf-8").read())
missing = []
def text_of(cls, seen=()):
    """The class's source and its superclasses' (JUnit runs inherited test methods as the subclass's)."""
    text = "".join(sources.get(cls, []))
    for parent in re.findall(r"\bclass\s+" + cls + r"\b[^{]*?\bextends\s+(\w+)", text):
        if parent not in seen:
            text += text_of(parent, seen + (cls,))
    return text


for cls, method in sorted(set(re.findall(r"`([A-Z]\w+)#(\w+)`", doc))):
    text = text_of(cls)
    if cls == "Class":  # the notation in the introduction
        continue
    if not re.search(r"\bvoid\s+" + method + r"\s*\(", text):
        missing.append(f"{cls}#{method}")
untested = [r[0] for r in rows + sm_rows if r[1].strip() in ("implemented", "partial") and "`" not in r[2]]

print("\n".join(table))
print("\n".join(sm_table))
for label, items in (("duplicate rows", dups), ("unknown statuses", sorted(unknown)),
                     ("tests that do not exist", missing), ("implemented without a test", untested)):
    if items:
        print(f"{label}: {', '.join(items)}", file=sys.stderr)
sys.exit(1 if dups or unknown or missing else 0)
