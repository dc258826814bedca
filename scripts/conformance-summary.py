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
sm = len(set(re.findall(r"\bSM-\d+\b", doc.split("### 6.", 1)[1]))) if "### 6." in doc else 0

table = ["| Status | Items |", "|---|---|"]
table += [f"| {s} | {counts[s]} |" for s in ORDER if counts[s]]
table += [f"| **total** (sections 1–5 and 7) | **{len(rows)}** |", f"| issue 3 (section 6, SM-*) | {sm} |"]
doc = re.sub(r"\| Status \| Items \|\n(?:\|.*\|\n)+", "\n".join(table) + "\n", doc, count=1)
open(PATH, "w", encoding="utf-8").write(doc)

sources = {}
for f in glob.glob("**/src/test/java/**/*.java", recursive=True):
    sources.setdefault(f.rsplit("/", 1)[1][:-5], []).append(open(f, encoding="utf-8").read())
missing = []
for cls, method in sorted(set(re.findall(r"`([A-Z]\w+)#(\w+)`", doc))):
    text = "".join(sources.get(cls, []))
    if cls == "Class":  # the notation in the introduction
        continue
    if not re.search(r"\bvoid\s+" + method + r"\s*\(", text):
        missing.append(f"{cls}#{method}")
untested = [r[0] for r in rows if r[1].strip() in ("implemented", "partial") and "`" not in r[2]]

print("\n".join(table))
for label, items in (("duplicate rows", dups), ("unknown statuses", sorted(unknown)),
                     ("tests that do not exist", missing), ("implemented without a test", untested)):
    if items:
        print(f"{label}: {', '.join(items)}", file=sys.stderr)
sys.exit(1 if dups or unknown or missing else 0)
