#!/usr/bin/env node
// Takes the screenshot in docs/demo.png from a running scripts/demo, and checks the demo end to end
// on the way: two headless Chromium contexts (separate storage) open the demo page (bob on its
// localhost origin), log in as alice and as bob through boshcm, alice writes to bob, bob answers,
// and alice's window is saved once the answer is on screen.
//
//   scripts/demo &                                   # wait for "boshcm demo is running"
//   node scripts/demo-screenshot.mjs [docs/demo.png]
//
// Needs playwright-core, taken from cm-server/src/test/js/node_modules (`npm ci` there, as
// scripts/test.sh does), and Chromium at /usr/bin/chromium (Debian's `chromium`; or set CHROMIUM).
// Reads the demo's URL and accounts from $BOSHCM_DEMO_DIR/demo.json (default /tmp/boshcm-demo).
// Exit 0 when the screenshot was saved, 1 when a step failed (with a screenshot of each window
// next to the output file, *-failed-<user>.png).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = resolve(process.argv[2] ?? join(repo, 'docs', 'demo.png'));
const demoDir = process.env.BOSHCM_DEMO_DIR || '/tmp/boshcm-demo';
const stepTimeoutMs = 30000;

let chromium;
try {
  ({ chromium } = createRequire(join(repo, 'cm-server/src/test/js/package.json'))('playwright-core'));
} catch (e) {
  console.error(`playwright-core not found (${e.code ?? e.message}); run: (cd cm-server/src/test/js && npm ci)`);
  process.exit(1);
}

let demo;
try {
  demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8'));
} catch (e) {
  console.error(`no running demo described in ${demoDir}/demo.json (${e.code ?? e.message}); start scripts/demo first`);
  process.exit(1);
}
const [alice, bob] = demo.users;
const local = (jid) => jid.split('@')[0];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: 30000,
});

/** A window of its own (cookies, localStorage, IndexedDB) on url, logged in as user; resolves once the roster shows. */
async function login(user, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(stepTimeoutMs);
  page.on('pageerror', (e) => console.error(`[${local(user.jid)}] page error: ${e}`));
  await page.goto(url);
  await page.fill('#converse-login-jid', local(user.jid));   // the page sets default_domain
  await page.fill('#converse-login-password', user.password);
  await page.click('#converse-login button[type=submit]');
  await page.waitForSelector('converse-roster .roster-contacts');
  console.log(`${user.jid} logged in on ${url} through ${demo.bosh}`);
  return page;
}

/** Opens the chat with peer from the roster and sends text. */
async function say(page, peer, text) {
  await page.click(`converse-roster a.open-chat[data-jid="${peer.jid}"]`);
  const box = page.locator(`converse-chat[jid="${peer.jid}"] textarea.chat-textarea`);
  await box.fill(text);
  await box.press('Enter');
  await waitForText(page, peer, text);
}

/** Waits until text shows up as a message in the chat with peer. */
async function waitForText(page, peer, text) {
  await page.locator(`converse-chat[jid="${peer.jid}"] .chat-msg__text`, { hasText: text }).first()
    .waitFor({ state: 'visible' });
}

const pages = {};
let failed = false;
try {
  // Bob on the page's other origin, as the demo suggests for two logins in one browser.
  pages.bob = await login(bob, demo.otherPage);
  pages.alice = await login(alice, demo.page);
  // Bob's presence reached alice (both subscribed): the contact turns online in her roster.
  await pages.alice.waitForSelector(`converse-roster li[data-status="online"] a[data-jid="${bob.jid}"]`);

  const hello = 'Hi Bob! This went from my browser over BOSH to boshcm, then over XMPP to Prosody.';
  const reply = 'Hi Alice, got it. Same way back: Prosody, boshcm, a held BOSH request.';
  await say(pages.alice, bob, hello);
  await say(pages.bob, alice, reply);     // bob opens the chat from his roster, sees hello, answers
  await waitForText(pages.bob, alice, hello);
  await waitForText(pages.alice, bob, reply);
  console.log('message and answer delivered both ways');

  await pages.alice.waitForTimeout(500);  // let avatars and the scroll position settle
  await pages.alice.screenshot({ path: output });
  console.log(`saved ${output}`);
} catch (e) {
  failed = true;
  console.error(`failed: ${e.message}`);
  for (const [name, page] of Object.entries(pages)) {
    const file = output.replace(/\.png$/, '') + `-failed-${name}.png`;
    await page.screenshot({ path: file }).catch(() => {});
    console.error(`screenshot of ${name}'s window: ${file}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
