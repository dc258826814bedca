// The browser side of StropheBoshIT (run-client.mjs, client "strophe"): one scenario against a BOSH
// endpoint on another origin.
// window.runScenario(cfg) resolves to { ok, steps, error?, jid?, session? }; every wait is bounded.
import { Strophe, $msg, $pres } from '/lib/strophe.esm.js';

const MUC_NS = 'http://jabber.org/protocol/muc';

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function statusName(status) {
  return Object.keys(Strophe.Status).find((k) => Strophe.Status[k] === status) ?? String(status);
}

/** Resolves on CONNECTED; rejects on any failure status before that; then calls onDisconnected. */
function connect(conn, cfg, statuses, onDisconnected) {
  let connected = false;
  return new Promise((resolve, reject) => {
    conn.connect(cfg.jid, cfg.password, (status, condition) => {
      statuses.push(statusName(status) + (condition ? `(${condition})` : ''));
      if (connected) {
        if (status === Strophe.Status.DISCONNECTED) onDisconnected();
      } else if (status === Strophe.Status.CONNECTED) {
        connected = true;
        resolve();
      } else if ([Strophe.Status.CONNFAIL, Strophe.Status.AUTHFAIL, Strophe.Status.ERROR,
                Strophe.Status.CONNTIMEOUT, Strophe.Status.DISCONNECTED].includes(status)) {
        reject(new Error(`connection ended with ${statusName(status)} ${condition ?? ''}`));
      }
    }, cfg.wait, cfg.hold);
  });
}

/** Resolves with the first stanza of `name` for which `test` holds. */
function nextStanza(conn, name, test) {
  return new Promise((resolve) => {
    conn.addHandler((stanza) => {
      if (!test(stanza)) return true; // keep waiting
      resolve(stanza);
      return false; // remove handler
    }, null, name);
  });
}

const bodyOf = (stanza) => stanza.getElementsByTagName('body')[0]?.textContent ?? null;
const bare = (jid) => Strophe.getBareJidFromJid(jid ?? '');

window.runScenario = async (cfg) => {
  const steps = [];
  const statuses = [];
  const conn = new Strophe.Connection(cfg.bosh);
  let onDisconnected;
  const disconnected = new Promise((resolve) => { onDisconnected = resolve; });
  try {
    await withTimeout(connect(conn, cfg, statuses, onDisconnected), cfg.stepTimeoutMs, 'login');
    steps.push('connected');
    conn.send($pres());

    const token = `strophe-${Date.now()}`;
    const echo = nextStanza(conn, 'message',
        (m) => bare(m.getAttribute('from')) === cfg.peer && bodyOf(m) === `echo: ${token}`);
    conn.send($msg({ to: cfg.peer, type: 'chat' }).c('body').t(token));
    steps.push('message-sent');
    await withTimeout(echo, cfg.stepTimeoutMs, 'the echo from the peer');
    steps.push('echo-received');

    const occupant = `${cfg.room}/${cfg.nick}`;
    const joined = nextStanza(conn, 'presence', (p) => p.getAttribute('from') === occupant
        && [...p.getElementsByTagName('status')].some((s) => s.getAttribute('code') === '110'));
    conn.send($pres({ to: occupant }).c('x', { xmlns: MUC_NS }).c('history', { maxstanzas: '0' }));
    await withTimeout(joined, cfg.stepTimeoutMs, 'the MUC self-presence (status 110)');
    steps.push('muc-joined');

    const groupToken = `groupchat-${token}`;
    const reflected = nextStanza(conn, 'message', (m) => m.getAttribute('type') === 'groupchat'
        && m.getAttribute('from') === occupant && bodyOf(m) === groupToken);
    conn.send($msg({ to: cfg.room, type: 'groupchat' }).c('body').t(groupToken));
    await withTimeout(reflected, cfg.stepTimeoutMs, 'our own groupchat message from the room');
    steps.push('groupchat-reflected');

    conn.disconnect('done');
    await withTimeout(disconnected, cfg.stepTimeoutMs, 'DISCONNECTED');
    steps.push('disconnected');
    return { ok: true, steps, statuses, jid: conn.jid, groupToken, token, hold: conn._proto.hold };
  } catch (e) {
    try { conn.reset?.(); } catch { /* best effort */ }
    return { ok: false, steps, statuses, error: String(e?.stack ?? e) };
  }
};

/** Sends a chat message to cfg.peer and waits for the peer's "echo: …" answer. */
async function echoRoundTrip(conn, cfg, token) {
  const echo = nextStanza(conn, 'message',
      (m) => bare(m.getAttribute('from')) === cfg.peer && bodyOf(m) === `echo: ${token}`);
  conn.send($msg({ to: cfg.peer, type: 'chat' }).c('body').t(token));
  await withTimeout(echo, cfg.stepTimeoutMs, `the echo of ${token}`);
}

/** The BOSH tokens strophe.js keeps in sessionStorage with `keepalive: true`. */
function cachedSession() {
  return JSON.parse(sessionStorage.getItem('strophe-bosh-session') ?? 'null');
}

// Page reload (mode "reload" of run-client.mjs). Phase 1, before the reload: log in with
// `keepalive: true` and chat once. The session is left running, with a request held by the CM.
window.runReloadPhase1 = async (cfg) => {
  const steps = [];
  const statuses = [];
  const conn = new Strophe.Connection(cfg.bosh, { keepalive: true });
  try {
    await withTimeout(connect(conn, cfg, statuses, () => {}), cfg.stepTimeoutMs, 'login');
    steps.push('connected');
    await echoRoundTrip(conn, cfg, `before-reload-${Date.now()}`);
    steps.push('echo-before-reload');
    return { ok: true, steps, statuses, jid: conn.jid, sid: conn._proto.sid, cached: cachedSession() };
  } catch (e) {
    return { ok: false, steps, statuses, error: String(e?.stack ?? e) };
  }
};

// Phase 2, on the reloaded page: `restore()` re-attaches to the cached sid/rid (no new session), chats
// again and disconnects.
window.runReloadPhase2 = async (cfg) => {
  const steps = [];
  const statuses = [];
  const cached = cachedSession();
  const conn = new Strophe.Connection(cfg.bosh, { keepalive: true });
  let onDisconnected;
  const disconnected = new Promise((resolve) => { onDisconnected = resolve; });
  // Registered before restore(): the first poll of the restored session may already carry it.
  const duringReload = cfg.duringReload ? nextStanza(conn, 'message',
      (m) => bare(m.getAttribute('from')) === cfg.peer && bodyOf(m) === cfg.duringReload) : null;
  try {
    const attached = new Promise((resolve, reject) => {
      let attachedOnce = false;
      conn.restore(cfg.jid, (status, condition) => {
        statuses.push(statusName(status) + (condition ? `(${condition})` : ''));
        if (status === Strophe.Status.ATTACHED) {
          attachedOnce = true;
          resolve();
        } else if (attachedOnce && status === Strophe.Status.DISCONNECTED) {
          onDisconnected();
        } else if (!attachedOnce && [Strophe.Status.CONNFAIL, Strophe.Status.ERROR,
            Strophe.Status.DISCONNECTED].includes(status)) {
          reject(new Error(`restore ended with ${statusName(status)} ${condition ?? ''}`));
        }
      }, cfg.wait, cfg.hold);
    });
    await withTimeout(attached, cfg.stepTimeoutMs, 'ATTACHED');
    steps.push('attached');
    const sidAfterRestore = conn._proto.sid;
    if (duringReload) {
      await withTimeout(duringReload, cfg.stepTimeoutMs, 'the message sent during the reload');
      steps.push('during-reload-received');
    }
    await echoRoundTrip(conn, cfg, `after-reload-${Date.now()}`);
    steps.push('echo-after-reload');
    conn.disconnect('done');
    await withTimeout(disconnected, cfg.stepTimeoutMs, 'DISCONNECTED');
    steps.push('disconnected');
    return { ok: true, steps, statuses, jid: conn.jid, sid: sidAfterRestore, cached };
  } catch (e) {
    try { conn.reset?.(); } catch { /* best effort */ }
    return { ok: false, steps, statuses, cached, error: String(e?.stack ?? e) };
  }
};

window.scenarioReady = true;
