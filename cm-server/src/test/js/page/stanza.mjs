// The browser side of StanzaBoshIT (run-client.mjs, client "stanza"): Stanza (legastero/stanza,
// bundled by run-client.mjs with esbuild) logs in over BOSH only (its default hold=2), fetches the
// roster, sends presence, waits for a chat message from the peer, replies, waits for the peer's
// acknowledgement, then disconnects. window.runScenario(cfg) resolves to { ok, steps, error? };
// every wait is bounded.
import XMPP from '/lib/stanza.js';

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
}

const bare = (jid) => (jid ?? '').split('/')[0];

window.runScenario = async (cfg) => {
  const steps = [];
  const statuses = [];
  const started = deferred();
  const disconnected = deferred();
  const terminated = deferred();
  const received = deferred();
  const acknowledged = deferred();

  const client = XMPP.createClient({
    jid: cfg.jid,
    password: cfg.password,
    resource: 'stanza',
    // An explicit URL: no XEP-0156 lookup; no WebSocket.
    transports: { bosh: cfg.bosh, websocket: false },
  });
  for (const event of ['connected', 'auth:success', 'auth:failed', 'session:started', 'session:end',
    'stream:management:enabled', 'stream:management:resumed', 'bosh:terminate', 'disconnected']) {
    client.on(event, () => statuses.push(event));
  }
  client.on('stream:error', (e) => statuses.push(`stream:error(${e?.condition})`));
  client.on('session:started', () => started.resolve());
  client.on('bosh:terminate', () => terminated.resolve());
  client.on('auth:failed', () => started.reject(new Error('authentication failed')));
  client.on('disconnected', () => {
    started.reject(new Error('disconnected before the session started'));
    disconnected.resolve();
  });
  client.on('chat', (msg) => {
    if (bare(msg.from) !== cfg.peer) return;
    if (msg.body?.startsWith('hello ')) received.resolve(msg);
    if (msg.body?.startsWith('ack: ')) acknowledged.resolve(msg.body);
  });
  if (cfg.debug) {
    client.on('raw:incoming', (xml) => console.debug(`in: ${xml}`));
    client.on('raw:outgoing', (xml) => console.debug(`out: ${xml}`));
  }

  try {
    client.connect();
    await withTimeout(started.promise, cfg.stepTimeoutMs, 'session:started');
    steps.push('connected');

    await withTimeout(client.getRoster(), cfg.stepTimeoutMs, 'the roster');
    client.sendPresence();
    const hello = await withTimeout(received.promise, cfg.stepTimeoutMs, 'the chat message from the peer');
    steps.push('message-received');

    client.sendMessage({ to: hello.from, type: 'chat', body: `reply: ${hello.body}` });
    steps.push('reply-sent');
    const ack = await withTimeout(acknowledged.promise, cfg.stepTimeoutMs, "the peer's acknowledgement");
    if (ack !== `ack: reply: ${hello.body}`) throw new Error(`unexpected acknowledgement "${ack}"`);
    steps.push('reply-acknowledged');

    const streamManagement = client.sm.started === true;
    const hold = client.transport?.maxHoldOpen ?? null;
    client.disconnect();
    // The CM's <body type='terminate'/> ends the session. Stanza 12 then emits 'disconnected' only
    // once its outgoing queue drains, and with XEP-0198 on, an <a/> it queued while both request
    // channels were busy is never written after the terminate: 'disconnected' never comes (a
    // Stanza bug, not the CM's; see docs/testing.md). So either event counts.
    await withTimeout(Promise.race([disconnected.promise, terminated.promise]), cfg.stepTimeoutMs,
        "the CM's terminate acknowledgement");
    steps.push('disconnected');
    return { ok: true, steps, statuses, streamManagement, clientHold: hold };
  } catch (e) {
    try { client.disconnect(); } catch { /* best effort */ }
    return { ok: false, steps, statuses, error: String(e?.stack ?? e) };
  }
};

window.scenarioReady = true;
