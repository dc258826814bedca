// The browser side of ConverseBoshIT (run-client.mjs, client "converse"): converse.js's headless
// build logs in over BOSH (jid + password), waits for a chat message from the peer, answers it
// through its chat API, waits for the peer's acknowledgement, then logs out. window.runScenario(cfg) resolves to { ok, steps, error? };
// every wait is bounded.
import converse from '/converse/converse-headless.min.js';

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

const bare = (jid) => (jid ?? '').split('/')[0];
const bodyOf = (stanza) => stanza?.getElementsByTagName('body')[0]?.textContent ?? null;

window.runScenario = async (cfg) => {
  const steps = [];
  const statuses = [];
  const connected = deferred();
  const disconnected = deferred();
  const received = deferred();
  const acknowledged = deferred();
  let api;

  // A plugin is the documented way to reach converse's API before login starts.
  converse.plugins.add('boshcm-it', {
    initialize() {
      api = this._converse.api;
      api.listen.on('connected', () => connected.resolve());
      api.listen.on('disconnected', () => disconnected.resolve());
      api.listen.on('message', (data) => {
        const stanza = data?.stanza;
        const from = stanza?.getAttribute('from');
        const body = bodyOf(stanza);
        if (bare(from) !== cfg.peer) return;
        if (body?.startsWith('hello ')) received.resolve({ from, body });
        if (body?.startsWith('ack: ')) acknowledged.resolve(body);
      });
      this._converse.state.connfeedback?.on('change', (m) => {
        statuses.push(`${m.get('connection_status')}${m.get('message') ? `(${m.get('message')})` : ''}`);
        // A failed login ends in DISCONNECTED without 'connected'.
        if (!steps.includes('connected') && m.get('connection_status') === 6 /* Strophe.Status.DISCONNECTED */) {
          connected.resolve(new Error(`login failed: ${m.get('message') ?? 'disconnected'}`));
        }
      });
    },
  });

  try {
    await converse.initialize({
      whitelisted_plugins: ['boshcm-it'],
      bosh_service_url: cfg.bosh,
      // No XEP-0156 lookup (it would fetch https://<domain>/.well-known/host-meta), no WebSocket,
      // no reconnect, no cached session or SCRAM keys: one plain BOSH login per run.
      discover_connection_methods: false,
      websocket_url: undefined,
      auto_reconnect: false,
      keepalive: false,
      reuse_scram_keys: false,
      authentication: 'login',
      auto_login: true,
      jid: `${cfg.jid}/converse`,
      password: cfg.password,
      persistent_store: 'sessionStorage',
      clear_cache_on_logout: true,
      assets_path: '/converse/',
      loglevel: cfg.debug ? 'debug' : 'info',
    });
    const outcome = await withTimeout(connected.promise, cfg.stepTimeoutMs, 'login (converse "connected")');
    if (outcome instanceof Error) throw outcome;
    steps.push('connected');

    const hello = await withTimeout(received.promise, cfg.stepTimeoutMs, 'the chat message from the peer');
    steps.push('message-received');

    const chat = await api.chats.get(cfg.peer, {}, true);
    const sent = await chat.sendMessage({ body: `reply: ${hello.body}` });
    if (!sent) throw new Error('converse did not send the reply (canPostMessages false?)');
    steps.push('reply-sent');
    // converse's sendMessage resolves before the stanza leaves; a logout right away would put the
    // terminate request first and the message after it, in a request the CM must refuse.
    const ack = await withTimeout(acknowledged.promise, cfg.stepTimeoutMs, "the peer's acknowledgement");
    if (ack !== `ack: reply: ${hello.body}`) throw new Error(`unexpected acknowledgement "${ack}"`);
    steps.push('reply-acknowledged');

    await withTimeout(api.user.logout(), cfg.stepTimeoutMs, 'logout');
    await withTimeout(disconnected.promise, cfg.stepTimeoutMs, 'converse "disconnected"');
    steps.push('disconnected');
    return { ok: true, steps, statuses, hello };
  } catch (e) {
    return { ok: false, steps, statuses, error: String(e?.stack ?? e) };
  }
};

window.scenarioReady = true;
