// The browser side of StropheBoshIT, BoshResilienceIT (page reload) and StropheZeroLossFlows (stream)
// (run-client.mjs, client "strophe"): scenarios against a BOSH endpoint on another origin.
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

// Zero-loss stream (mode "stream" of run-client.mjs; StropheZeroLossFlows). Logs in with SASL PLAIN
// only (so boshcm in managed XEP-0198 mode can capture the credential), sends presence, then chat
// messages `s2p-0`, `s2p-1`, … to cfg.peer every cfg.paceMs until window.stopStream() (or cfg.count
// messages), then `s2p-end`. Records every chat body from the peer in the order strophe's handlers
// see it, and per response (by the rid of the request it answers) the chat bodies it carried, every
// connection status, HTTP error and terminate body. Never disconnects: the test checks that nothing
// ended the session. Resolves once `s2p-end` has been answered (the CM has it) and `p2s-end` came.
let stopRequested = false;
window.stopStream = () => { stopRequested = true; };

window.runStream = async (cfg) => {
  const steps = [];
  const statuses = [];
  const received = [];                 // chat bodies from the peer, in handler order
  const responses = [];                // { rid, chats } per response carrying chat bodies, arrival order
  const terminates = [];
  const httpErrors = [];
  let answeredRid = -1;                // the highest rid whose response strophe has processed
  let connected = false;
  let failure = null;                  // the first failure status after CONNECTED
  let sent = 0;
  let sidAtConnect = null;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // strophe.js logs at DEBUG by default: thousands of console lines for a stream.
  if (!cfg.debug) Strophe.setLogLevel(Strophe.LogLevel.WARN);
  const conn = new Strophe.Connection(cfg.bosh, { mechanisms: [Strophe.SASLPlain] });

  // Every response after login goes through _dataRecv (bound per request when the request is built,
  // so overriding it before connect() covers them all).
  const dataRecv = conn._dataRecv.bind(conn);
  conn._dataRecv = (req, raw) => {
    try {
      const body = req.getResponse?.();
      if (body) {
        if (body.getAttribute('type') === 'terminate') {
          terminates.push(`rid ${req.rid}: ${Strophe.serialize(body)}`);
        }
        const chats = [...body.getElementsByTagName('message')]
            .filter((m) => bare(m.getAttribute('from')) === bare(cfg.peer)).map(bodyOf).filter((b) => b !== null);
        if (chats.length > 0) responses.push({ rid: req.rid, chats, at: Math.round(performance.now()) });
        answeredRid = Math.max(answeredRid, req.rid);
      }
    } catch (e) {
      terminates.push(`unparsable response to rid ${req?.rid}: ${e}`);
    }
    return dataRecv(req, raw);
  };
  if (cfg.debug) {
    conn.rawInput = (data) => console.log(`in: ${data}`);
    conn.rawOutput = (data) => console.log(`out: ${data}`);
  }
  // Called with each request body strophe posts (resends too).
  let endRid = null;
  conn.xmlOutput = (body) => {
    if (endRid === null && [...body.getElementsByTagName('body')].some((b) => b.textContent === 's2p-end')) {
      endRid = Number(body.getAttribute('rid'));
    }
  };
  const hitError = conn._proto._hitError.bind(conn._proto);
  conn._proto._hitError = (status) => {
    httpErrors.push(status);
    return hitError(status);
  };
  conn.addHandler((m) => {
    if (bare(m.getAttribute('from')) === bare(cfg.peer)) {
      const text = bodyOf(m);
      if (text !== null) received.push(text);
    }
    return true;
  }, null, 'message', 'chat');

  const failed = [Strophe.Status.CONNFAIL, Strophe.Status.AUTHFAIL, Strophe.Status.ERROR,
    Strophe.Status.CONNTIMEOUT, Strophe.Status.DISCONNECTING, Strophe.Status.DISCONNECTED];
  const login = new Promise((resolve, reject) => {
    conn.connect(cfg.jid, cfg.password, (status, condition) => {
      const name = statusName(status) + (condition ? `(${condition})` : '');
      statuses.push(name);
      if (status === Strophe.Status.CONNECTED && !connected) {
        connected = true;
        resolve();
      } else if (failed.includes(status)) {
        if (connected) failure ??= name;
        else reject(new Error(`login ended with ${name}`));
      }
    }, cfg.wait, cfg.hold);
  });
  const result = () => ({
    steps, statuses, sent, received: received.join(','),
    receivedByRid: [...responses].sort((a, b) => a.rid - b.rid).flatMap((r) => r.chats).join(','),
    // rids whose response strophe processed after a higher rid's (two concurrent responses)
    ridsOutOfOrder: responses.filter((r, i) => responses.slice(0, i).some((p) => p.rid > r.rid)).map((r) => r.rid).join(','),
    // each response with chat bodies, in the order strophe processed them: rid:bodies@ms
    arrivals: responses.map((r) => `${r.rid}:${r.chats.join('+')}@${r.at}`).join(' '),
    failure, terminates: terminates.join(' | '), httpErrors: httpErrors.join(','),
    jid: conn.jid, sidAtConnect, sidAtEnd: conn._proto.sid ?? null,
    mechanisms: Object.keys(conn.mechanisms).join(','),
  });
  try {
    await withTimeout(login, cfg.stepTimeoutMs, 'login');
    sidAtConnect = conn._proto.sid;
    steps.push('connected');
    conn.send($pres());
    conn.flush();

    // Each send() postpones strophe's BOSH flush (its idle timer) by 100 ms: sends every 40 ms
    // would never leave. flush() posts what is queued at once (when fewer than two requests are out;
    // otherwise the next idle tick or flush does).
    const send = (text) => {
      conn.send($msg({ to: cfg.peer, type: 'chat' }).c('body').t(text));
      conn.flush();
    };
    while (!stopRequested && sent < cfg.count && failure === null) {
      send(`s2p-${sent}`);
      sent++;
      await sleep(cfg.paceMs);
    }
    send('s2p-end');
    steps.push('end-sent');
    // The CM has s2p-end once the request carrying it is answered.
    const deadline = Date.now() + cfg.stepTimeoutMs;
    while ((endRid === null || answeredRid < endRid) && failure === null && Date.now() < deadline) await sleep(10);
    if (endRid === null || answeredRid < endRid) throw new Error(`the request carrying s2p-end (rid ${endRid}) was not answered`);
    steps.push('end-delivered');
    while (!received.includes('p2s-end') && failure === null && Date.now() < deadline) await sleep(10);
    if (!received.includes('p2s-end')) throw new Error('no p2s-end from the peer');
    steps.push('peer-end-received');
    if (failure !== null) throw new Error(`the connection failed: ${failure}`);
    return { ok: terminates.length === 0, ...result() };
  } catch (e) {
    return { ok: false, error: String(e?.stack ?? e), ...result() };
  }
};

window.scenarioReady = true;
