#!/usr/bin/env node
// Runs one browser XMPP client scenario (page/<client>.mjs) in headless Debian Chromium via
// playwright-core. Clients:
//   strophe   strophe.js 5 (StropheBoshIT): chat echo, MUC join and groupchat, disconnect
//   converse  converse.js headless build (ConverseBoshIT): receive a chat message, reply, log out
//   stanza    Stanza (StanzaBoshIT), bundled for the browser with esbuild at start: same as converse
//
//   node run-client.mjs '{"client":"strophe","bosh":"http://127.0.0.1:5280/http-bind","jid":"a@boshcm.test",
//                         "password":"…","peer":"b@boshcm.test","room":"r@conference.boshcm.test","nick":"a","hold":1}'
//
// "mode":"reload" (strophe only) runs the page-reload scenario instead (no room/nick needed): log in
// with keepalive, chat, reload the page, restore() the cached session, chat again, disconnect. With
// "syncDir", the script writes <syncDir>/reloaded once the new page is up and waits for
// <syncDir>/go before restoring (the test sends a message meanwhile); "duringReload" is the body of
// the message the restored page must then receive.
//
// "mode":"stream" (strophe only; StropheZeroLossFlows; needs bosh, jid, password, peer): log in with
// SASL PLAIN only, send presence, then chat messages s2p-0, s2p-1, … to "peer" every "paceMs" (40)
// until "count" (400) are sent or, with "syncDir", until <syncDir>/stop exists; then s2p-end. Waits
// until the CM has answered the request carrying s2p-end and the peer's p2s-end has arrived. Never
// disconnects. Reports every chat body from the peer in handler order ("received") and in rid order
// ("receivedByRid"), the statuses, any terminate body or HTTP error, the sid at login and at the end,
// every distinct sid the BOSH POSTs carried ("sids"), how many POSTs repeated a rid ("retransmits"),
// the rids whose responses strophe processed after a higher rid's ("ridsOutOfOrder") and those that
// Chromium's network stack finished after a higher rid's ("networkOutOfOrder", from DevTools).
//
// The page is served from this process on its own loopback port: another origin than the BOSH URL,
// so every BOSH POST (Content-Type text/xml) is a CORS request with a preflight.
// Prints the full report as JSON, then a last line `SUMMARY {flat json}` for the ITs.
// Exit 0 when the scenario passed, 1 when it failed, 2 on a usage error.
import { createServer } from 'node:http';
import { readFile, writeFile, access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const defaults = {
  client: 'strophe', mode: 'scenario', wait: 10, hold: 1, stepTimeoutMs: 20000, totalTimeoutMs: 90000,
  paceMs: 40, count: 400,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
};
const required = {
  strophe: ['bosh', 'jid', 'password', 'peer', 'room', 'nick'],
  converse: ['bosh', 'jid', 'password', 'peer'],
  stanza: ['bosh', 'jid', 'password', 'peer'],
};

let cfg;
try {
  cfg = { ...defaults, ...JSON.parse(process.argv[2] ?? '') };
  if (!required[cfg.client]) throw new Error(`unknown client "${cfg.client}"`);
  if ((cfg.mode === 'reload' || cfg.mode === 'stream') && cfg.client !== 'strophe') {
    throw new Error(`mode "${cfg.mode}" is strophe only`);
  }
  const keys = cfg.mode === 'scenario' ? required[cfg.client] : ['bosh', 'jid', 'password', 'peer'];
  for (const key of keys) {
    if (!cfg[key]) throw new Error(`missing "${key}"`);
  }
} catch (e) {
  console.error(`usage: node run-client.mjs '<json config>': ${e.message}`);
  process.exit(2);
}

const JS = 'text/javascript; charset=utf-8';
const types = { '.js': JS, '.mjs': JS, '.json': 'application/json', '.map': 'application/json',
  '.html': 'text/html; charset=utf-8', '.wasm': 'application/wasm' };
// Fixed paths, then whole directories served under a prefix (converse loads emoji.json and lazy
// chunks from its assets_path).
const files = {
  '/': `page/${cfg.client}.html`,
  '/strophe.mjs': 'page/strophe.mjs',
  '/converse.mjs': 'page/converse.mjs',
  '/stanza.mjs': 'page/stanza.mjs',
  '/lib/strophe.esm.js': 'node_modules/strophe.js/dist/strophe.esm.js',
  '/lib/strophe.esm.js.map': 'node_modules/strophe.js/dist/strophe.esm.js.map',
};
const directories = { '/converse/': 'node_modules/converse.js/src/headless/dist/' };
const generated = {};

/** Stanza ships CommonJS for node and bundlers only: bundle it (and the `events` polyfill) in memory. */
async function bundleStanza() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: "import * as XMPP from 'stanza'; export default XMPP;", resolveDir: here, loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false,
    logLevel: 'error', define: { global: 'globalThis' },
  });
  generated['/lib/stanza.js'] = result.outputFiles[0].contents;
}

function resolve(path) {
  if (files[path]) return files[path];
  for (const [prefix, dir] of Object.entries(directories)) {
    if (path.startsWith(prefix)) {
      const rest = normalize(path.slice(prefix.length));
      if (!rest.startsWith('..')) return dir + rest;
    }
  }
  return null;
}

function serve() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
    if (generated[path]) {
      res.writeHead(200, { 'Content-Type': JS, 'Cache-Control': 'no-store' }).end(generated[path]);
      return;
    }
    const file = resolve(path);
    if (!file) { res.writeHead(404).end(); return; }
    try {
      const body = await readFile(join(here, file));
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store' }).end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' ? 404 : 500).end(String(e));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const attr = (xml, name) => xml?.match(new RegExp(`\\s${name}=['"]([^'"]*)['"]`))?.[1] ?? null;

/** Stream mode: CDP requestId → { rid, sent, finished }. */
const network = new Map();

const report = {
  ok: false, client: cfg.client, hold: cfg.hold, bosh: cfg.bosh, pageOrigin: null, steps: [], statuses: [],
  mode: cfg.mode, preflights: 0, boshPosts: 0, sessionCreations: 0, sessionCreation: null, console: [], pageErrors: [], error: null,
};

async function run() {
  if (cfg.client === 'stanza') await bundleStanza();
  const server = await serve();
  report.pageOrigin = `http://127.0.0.1:${server.address().port}`;
  const profile = await mkdtemp(join(tmpdir(), 'boshcm-chromium-'));
  let context;
  try {
    // launchPersistentContext gives Chromium a fresh --user-data-dir we own and delete.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: cfg.executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30000,
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(cfg.stepTimeoutMs);
    page.on('console', (m) => report.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => report.pageErrors.push(String(e)));

    // Chromium reports CORS preflights to DevTools as separate requests of type "Preflight". It
    // caches a successful preflight for Access-Control-Max-Age, so expect one per run, not per POST.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.type === 'Preflight' || e.request.method === 'OPTIONS') report.preflights++;
      else if (e.request.method === 'POST' && e.request.url === cfg.bosh) {
        report.boshPosts++;
        const rid = Number(attr(e.request.postData, 'rid'));
        if (cfg.mode === 'stream' && rid) network.set(e.requestId, { rid, sent: e.timestamp });
      }
    });
    // Stream mode: when Chromium's network stack had each BOSH response whole (CDP timestamp, seconds).
    cdp.on('Network.loadingFinished', (e) => {
      const r = network.get(e.requestId);
      if (r) r.finished = e.timestamp;
    });
    page.on('response', async (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || request.url() !== cfg.bosh) return;
      const sent = request.postData() ?? '';
      // Only the session creation request has no sid (Stanza sends it as sid="").
      if (/\ssid=['"][^'"]+['"]/.test(sent)) return;
      report.sessionCreations++;
      if (report.sessionCreation) return;
      report.sessionCreation = {
        request: sent,
        status: response.status(),
        allowOrigin: (await response.allHeaders())['access-control-allow-origin'] ?? null,
        response: await response.text().catch((e) => `(unavailable: ${e})`),
      };
    });

    if (cfg.mode === 'stream') {
      // Every sid the page's BOSH POSTs carried, and POSTs that repeated an earlier rid.
      const sids = new Set();
      const rids = new Set();
      report.sids = sids;
      report.retransmits = 0;
      page.on('request', (request) => {
        if (request.method() !== 'POST' || request.url() !== cfg.bosh) return;
        const sent = request.postData() ?? '';
        const sid = attr(sent, 'sid');
        const rid = attr(sent, 'rid');
        if (sid) sids.add(sid);
        if (rids.has(rid)) report.retransmits++;
        rids.add(rid);
      });
    }

    await page.goto(`${report.pageOrigin}/`);
    await page.waitForFunction(() => window.scenarioReady === true);
    if (cfg.mode === 'reload') {
      const before = await page.evaluate((c) => window.runReloadPhase1(c), cfg);
      report.beforeReload = before;
      report.steps = [...before.steps];
      report.statuses = [...before.statuses];
      if (!before.ok) {
        report.error = before.error;
        return;
      }
      // Chromium aborts the held BOSH request; sessionStorage survives the reload (same tab, same origin).
      await page.reload();
      await page.waitForFunction(() => window.scenarioReady === true);
      report.steps.push('reloaded');
      if (cfg.syncDir) {
        await writeFile(join(cfg.syncDir, 'reloaded'), '');
        await waitForFile(join(cfg.syncDir, 'go'), cfg.stepTimeoutMs);
      }
      const after = await page.evaluate((c) => window.runReloadPhase2(c), cfg);
      report.afterReload = after;
      report.steps.push(...after.steps);
      report.statuses.push('|', ...after.statuses);
      report.ok = after.ok;
      report.error = after.error ?? null;
    } else if (cfg.mode === 'stream') {
      let done = false;
      if (cfg.syncDir) {
        (async () => {
          while (!done) {
            try {
              await access(join(cfg.syncDir, 'stop'));
              await page.evaluate(() => window.stopStream());
              return;
            } catch {
              await new Promise((r) => setTimeout(r, 20));
            }
          }
        })();
      }
      try {
        const result = await page.evaluate((c) => window.runStream(c), cfg);
        Object.assign(report, result);
        report.steps = result.steps;
      } finally {
        done = true;
      }
    } else {
      const result = await page.evaluate((c) => window.runScenario(c), cfg);
      Object.assign(report, result);
    }
  } finally {
    await context?.close().catch(() => {});
    server.close();
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }
}

let timer;
const overall = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error(`scenario exceeded ${cfg.totalTimeoutMs} ms`)), cfg.totalTimeoutMs);
});
try {
  await Promise.race([run(), overall]);
} catch (e) {
  report.ok = false;
  report.error = String(e?.stack ?? e);
} finally {
  clearTimeout(timer);
}

async function waitForFile(path, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await access(path);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no ${path} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const summary = {
  ok: report.ok === true,
  client: cfg.client,
  steps: report.steps.join(','),
  requestedHold: attr(report.sessionCreation?.request, 'hold'),
  requestedWait: attr(report.sessionCreation?.request, 'wait'),
  grantedHold: attr(report.sessionCreation?.response, 'hold'),
  grantedRequests: attr(report.sessionCreation?.response, 'requests'),
  grantedWait: attr(report.sessionCreation?.response, 'wait'),
  streamManagement: report.streamManagement ?? null,
  preflights: report.preflights,
  boshPosts: report.boshPosts,
  allowOrigin: report.sessionCreation?.allowOrigin ?? null,
  sessionCreations: report.sessionCreations,
  jidBefore: report.beforeReload?.jid ?? null,
  sidBefore: report.beforeReload?.sid ?? null,
  jidAfter: report.afterReload?.jid ?? null,
  sidAfter: report.afterReload?.sid ?? null,
  cachedSid: report.afterReload?.cached?.sid ?? null,
  pageOrigin: report.pageOrigin,
  error: report.error,
};
if (cfg.mode === 'stream') {
  report.sids = [...(report.sids ?? [])];
  // Responses whose body Chromium's network stack finished after a higher rid's (by rid, not by the
  // page's processing): with ridsOutOfOrder, tells the network from the page's task order.
  const finished = [...network.values()].filter((r) => r.finished).sort((a, b) => a.finished - b.finished);
  report.networkOutOfOrder = finished.filter((r, i) => finished.slice(0, i).some((p) => p.rid > r.rid)).map((r) => r.rid).join(',');
  // For each rid the page processed late, it and the rid after it: rid:finished (ms after the first POST).
  const t0 = Math.min(...[...network.values()].map((r) => r.sent));
  const byRid = new Map([...network.values()].map((r) => [r.rid, r]));
  const ms = (t) => (t === undefined ? '?' : Math.round((t - t0) * 1000));
  report.lateTimings = String(report.ridsOutOfOrder ?? '').split(',').filter((x) => x).flatMap((rid) => [Number(rid), Number(rid) + 1])
      .map((rid) => `${rid}:${ms(byRid.get(rid)?.finished)}`).join(' ');
  Object.assign(summary, {
    statuses: report.statuses.join(','),
    mechanisms: report.mechanisms ?? null,
    sent: report.sent ?? 0,
    received: report.received ?? '',
    receivedByRid: report.receivedByRid ?? '',
    ridsOutOfOrder: report.ridsOutOfOrder ?? '',
    networkOutOfOrder: report.networkOutOfOrder,
    lateTimings: report.lateTimings,
    arrivals: report.arrivals ?? '',
    failure: report.failure ?? null,
    terminates: report.terminates ?? '',
    httpErrors: report.httpErrors ?? '',
    sidAtConnect: report.sidAtConnect ?? null,
    sidAtEnd: report.sidAtEnd ?? null,
    sids: report.sids.join(','),
    retransmits: report.retransmits ?? 0,
    jid: report.jid ?? null,
  });
}
console.log(JSON.stringify(report, null, 2));
console.log(`SUMMARY ${JSON.stringify(summary)}`);
process.exit(summary.ok ? 0 : 1);
