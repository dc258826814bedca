#!/usr/bin/env node
// Runs the strophe.js scenario (page/client.mjs) in headless Debian Chromium via playwright-core.
//
//   node run-strophe.mjs '{"bosh":"http://127.0.0.1:5280/http-bind","jid":"a@boshcm.test","password":"…",
//                          "peer":"b@boshcm.test","room":"r@conference.boshcm.test","nick":"a","hold":1}'
//
// "mode":"reload" runs the page-reload scenario instead (no room/nick needed): log in with
// keepalive, chat, reload the page, restore() the cached session, chat again, disconnect. With
// "syncDir", the script writes <syncDir>/reloaded once the new page is up and waits for
// <syncDir>/go before restoring (the test sends a message meanwhile); "duringReload" is the body of
// the message the restored page must then receive.
//
// The page is served from this process on its own loopback port: another origin than the BOSH URL,
// so every BOSH POST (Content-Type text/xml) is a CORS request with a preflight.
// Prints the full report as JSON, then a last line `SUMMARY {flat json}` for StropheBoshIT.
// Exit 0 when the scenario passed, 1 when it failed, 2 on a usage error.
import { createServer } from 'node:http';
import { readFile, writeFile, access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const defaults = {
  mode: 'scenario', wait: 10, hold: 1, stepTimeoutMs: 20000, totalTimeoutMs: 90000,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
};

let cfg;
try {
  cfg = { ...defaults, ...JSON.parse(process.argv[2] ?? '') };
  const required = cfg.mode === 'reload' ? ['bosh', 'jid', 'password', 'peer']
    : ['bosh', 'jid', 'password', 'peer', 'room', 'nick'];
  for (const key of required) {
    if (!cfg[key]) throw new Error(`missing "${key}"`);
  }
} catch (e) {
  console.error(`usage: node run-strophe.mjs '<json config>': ${e.message}`);
  process.exit(2);
}

const files = {
  '/': ['page/index.html', 'text/html; charset=utf-8'],
  '/client.mjs': ['page/client.mjs', 'text/javascript; charset=utf-8'],
  '/strophe.esm.js': ['node_modules/strophe.js/dist/strophe.esm.js', 'text/javascript; charset=utf-8'],
  '/strophe.esm.js.map': ['node_modules/strophe.js/dist/strophe.esm.js.map', 'application/json'],
};

function serve() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
    const entry = files[path];
    if (!entry) { res.writeHead(404).end(); return; }
    try {
      const body = await readFile(join(here, entry[0]));
      res.writeHead(200, { 'Content-Type': entry[1], 'Cache-Control': 'no-store' }).end(body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const report = {
  ok: false, hold: cfg.hold, bosh: cfg.bosh, pageOrigin: null, steps: [], statuses: [],
  mode: cfg.mode, preflights: 0, boshPosts: 0, sessionCreations: 0, sessionCreation: null, console: [], pageErrors: [], error: null,
};

async function run() {
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
      else if (e.request.method === 'POST' && e.request.url === cfg.bosh) report.boshPosts++;
    });
    page.on('response', async (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || request.url() !== cfg.bosh) return;
      const sent = request.postData() ?? '';
      if (/\ssid=/.test(sent)) return; // only the session creation request has no sid
      report.sessionCreations++;
      if (report.sessionCreation) return;
      report.sessionCreation = {
        request: sent,
        status: response.status(),
        allowOrigin: (await response.allHeaders())['access-control-allow-origin'] ?? null,
        response: await response.text().catch((e) => `(unavailable: ${e})`),
      };
    });

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

const attr = (name) => report.sessionCreation?.response?.match(new RegExp(`\\s${name}=['"]([^'"]*)['"]`))?.[1] ?? null;
const summary = {
  ok: report.ok === true,
  steps: report.steps.join(','),
  requestedHold: cfg.hold,
  grantedHold: attr('hold'),
  grantedRequests: attr('requests'),
  grantedWait: attr('wait'),
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
console.log(JSON.stringify(report, null, 2));
console.log(`SUMMARY ${JSON.stringify(summary)}`);
process.exit(summary.ok ? 0 : 1);
