// The embeddable web chat widget: one <script> tag, everything inside a Shadow DOM so host styles cannot leak in.
// All user and agent text is rendered with textContent, never innerHTML.
import { io, type Socket } from 'socket.io-client';
import { pickStrings } from './i18n';
import { CSS } from './styles';

interface KanalSettings { userId?: string; userHash?: string; name?: string; email?: string; emailHash?: string; locale?: 'tr' | 'en' }
interface ServerMessage { id: string; direction: 'in' | 'out'; text: string; authorName?: string; createdAt: string; status: string }
interface Item { key: string; direction: 'in' | 'out'; text: string; authorName?: string; createdAt: string; state: 'pending' | 'sent' | 'failed'; error?: string; clientId?: string }
type Ack = { ok?: true; clientId?: string; error?: string; code?: string; retryAfterMs?: number; messages?: ServerMessage[] };

declare global {
  interface Window {
    KanalSettings?: KanalSettings;
    Kanal?: { open(): void; close(): void; sendMessage(text: string): void };
  }
}

const TOKEN_KEY = 'kanal.widget.token';
const PENDING_KEY = 'kanal.widget.pending';
const SURVEY_KEY = 'kanal.widget.csat.';
/** The signed survey link inside a message (src/services/csat/survey-link.ts, SURVEY_LINK_RE). */
const SURVEY_RE = /\/csat\/s\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
const PRECHAT_KEY = 'kanal.widget.prechat';
const ACK_TIMEOUT_MS = 10_000;
/** How long to wait after the hub said "rate limited" (its retryAfterMs, kept within reason). */
const backoff = (ms: unknown) => Math.min(60_000, Math.max(1000, typeof ms === 'number' && Number.isFinite(ms) ? ms : 3000));

(function boot() {
  if (window.Kanal) return; // embedded twice
  const script = document.currentScript as HTMLScriptElement | null;
  const hub = (script?.dataset.kanalHub || (script?.src ? new URL(script.src).origin : location.origin)).replace(/\/$/, '');
  const settings: KanalSettings = window.KanalSettings ?? {};
  const t = pickStrings(settings.locale, navigator.language);
  const strict = Boolean(settings.userId && settings.userHash);

  const store = {
    get: (k: string) => { try { return localStorage.getItem(k); } catch { return null; } },
    set: (k: string, v: string | null) => { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch { /* private mode */ } },
  };

  // ---- DOM --------------------------------------------------------------------------------------------------
  // Props are plain DOM properties (className, type, textContent, ...); loosely typed because the full
  // Partial<HTMLFormElement> union is too complex for the checker.
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | number> = {}, ...children: Node[]): HTMLElementTagNameMap[K] => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  const host = el('div', { id: 'kanal-widget' });
  const root = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', { textContent: CSS }));
  }
  const badge = el('span', { className: 'badge', textContent: '•' });
  const launcher = el('button', { className: 'launcher', type: 'button', textContent: t.launcher });
  launcher.append(badge);
  launcher.setAttribute('aria-label', t.launcher);
  const closeBtn = el('button', { type: 'button', textContent: '×', title: t.close });
  closeBtn.setAttribute('aria-label', t.close);
  const status = el('div', { className: 'status' });
  const list = el('div', { className: 'list' });
  list.setAttribute('role', 'log');
  list.setAttribute('aria-live', 'polite');
  const typingLine = el('div', { className: 'typing' });
  const input = el('textarea', { placeholder: t.placeholder, maxLength: 5000, rows: 1 });
  const compose = el('form', { className: 'compose' }, input, el('button', { className: 'primary', type: 'submit', textContent: t.send }));
  const nameInput = el('input', { type: 'text', placeholder: t.name, maxLength: 200 });
  nameInput.setAttribute('autocomplete', 'name');
  const emailInput = el('input', { type: 'email', placeholder: t.email, maxLength: 320 });
  emailInput.setAttribute('autocomplete', 'email');
  const skipBtn = el('button', { className: 'link', type: 'button', textContent: t.skip });
  const prechat = el('form', { className: 'prechat' }, el('p', { textContent: t.prechat }), nameInput, emailInput,
    el('div', { className: 'row' }, skipBtn, el('button', { className: 'primary', type: 'submit', textContent: t.start })));
  const panel = el('div', { className: 'panel' },
    el('header', {}, el('div', { className: 't' }, el('h2', { textContent: t.title }), el('p', { textContent: t.subtitle })), closeBtn),
    status, prechat, list, typingLine, compose);
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', t.title);
  root.append(launcher, panel);

  // ---- state ------------------------------------------------------------------------------------------------
  let items: Item[] = [];
  let token = store.get(TOKEN_KEY);
  let socket: Socket | null = null;
  let starting: Promise<void> | null = null;
  let isOpen = false;
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let typingSent = false;
  /** Until then typing is not sent (the hub said `rate:limited`). */
  let quietUntil = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const needsPrechat = () => !strict && !token && !store.get(PRECHAT_KEY) && !settings.name && !settings.email;

  // Unacknowledged messages survive a reload, so they are re-sent with the same clientId (the hub dedupes).
  const loadPending = (): Item[] => { try { return (JSON.parse(store.get(PENDING_KEY) ?? '[]') as Item[]).filter((i) => i.clientId); } catch { return []; } };
  const savePending = () => store.set(PENDING_KEY, JSON.stringify(items.filter((i) => i.state === 'pending')));
  items = loadPending();

  function render() {
    prechat.hidden = !needsPrechat();
    list.hidden = compose.hidden = !prechat.hidden;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren();
    if (!items.length) list.append(el('div', { className: 'empty', textContent: t.empty }));
    for (const item of items) {
      const bubble = el('div', { className: `msg ${item.direction} ${item.state}` });
      if (item.direction === 'out') bubble.append(el('span', { className: 'who', textContent: item.authorName || t.agent }));
      const survey = item.direction === 'out' ? SURVEY_RE.exec(item.text) : null;
      // A survey's own question stands in for its text and link.
      bubble.append(survey ? surveyForm(survey[1]!) : document.createTextNode(item.text));
      if (item.state === 'pending') bubble.append(el('span', { className: 'meta', textContent: t.pending }));
      if (item.state === 'failed') {
        const retry = el('button', { className: 'retry', type: 'button', textContent: t.retry });
        retry.onclick = () => { item.state = 'pending'; savePending(); render(); void deliver(item); };
        bubble.append(el('span', { className: 'meta', textContent: item.error ? `${t.failed}: ${item.error}` : t.failed }, retry));
      }
      list.append(bubble);
    }
    if (atBottom || isOpen) list.scrollTop = list.scrollHeight;
  }

  // A satisfaction survey (docs/widget-protocol.md, "Satisfaction survey"): an agent-side message carrying the signed
  // survey link becomes an inline 1-5 rating with an optional comment, posted to that link. One form per survey,
  // kept across renders (typing in the comment survives new messages).
  const surveys = new Map<string, HTMLElement>();
  function surveyForm(token: string): HTMLElement {
    const known = surveys.get(token);
    if (known) return known;
    let score = Number(store.get(`${SURVEY_KEY}${token}`)) || 0;
    const note = el('span', { className: 'meta' });
    const comment = el('textarea', { placeholder: t.csatComment, maxLength: 2000, rows: 2 });
    const buttons = [1, 2, 3, 4, 5].map((n) => {
      const b = el('button', { type: 'button', textContent: String(n) });
      b.setAttribute('aria-label', `${n}/5`);
      b.onclick = () => { score = n; buttons.forEach((x, i) => x.setAttribute('aria-pressed', String(i + 1 === n))); };
      return b;
    });
    const form = el('form', { className: 'csat' }, el('span', { textContent: t.csatQuestion }), el('div', { className: 'stars' }, ...buttons), comment,
      el('button', { className: 'primary', type: 'submit', textContent: t.csatSend }), note);
    buttons.forEach((x, i) => x.setAttribute('aria-pressed', String(i + 1 === score)));
    if (score) note.textContent = t.csatThanks(score);
    form.onsubmit = (e) => {
      e.preventDefault();
      if (!score) return;
      const body = JSON.stringify({ score, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) });
      fetch(`${hub}/csat/s/${token}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body })
        .then(async (res) => {
          const out = (await res.json().catch(() => ({}))) as { error?: string };
          if (!res.ok) throw new Error(out.error ?? String(res.status));
          store.set(`${SURVEY_KEY}${token}`, String(score));
          note.textContent = t.csatThanks(score);
        })
        .catch((err: Error) => { note.textContent = `${t.csatError}: ${err.message}`; });
    };
    surveys.set(token, form);
    return form;
  }

  function setStatus(text: string | null) {
    status.textContent = text ?? '';
    status.classList.toggle('show', Boolean(text));
  }

  function upsertServer(m: ServerMessage) {
    if (items.some((i) => i.key === m.id)) return;
    items.push({ key: m.id, direction: m.direction, text: m.text, authorName: m.authorName, createdAt: m.createdAt, state: m.status === 'failed' ? 'failed' : 'sent' });
  }

  // ---- network ----------------------------------------------------------------------------------------------
  function keepToken(next: string) {
    token = next;
    store.set(TOKEN_KEY, next);
  }

  async function createSession(): Promise<void> {
    const prechatData = JSON.parse(store.get(PRECHAT_KEY) ?? '{}') as { name?: string; email?: string };
    const body = { token: token ?? undefined, name: settings.name ?? prechatData.name, email: settings.email ?? prechatData.email, userId: settings.userId, userHash: settings.userHash, emailHash: settings.email ? settings.emailHash : undefined,
      // Shown to agents as the visitor's profile (page, referrer, language, local time); the hub adds browser and OS.
      context: { url: location.href, referrer: document.referrer || undefined, language: navigator.language, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone } };
    const res = await fetch(`${hub}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => ({}))) as { token?: string; error?: string };
    if (!res.ok || !json.token) {
      throw Object.assign(new Error(json.error ?? `session failed (${res.status})`), { status: res.status, retryAfterMs: Number(res.headers.get('retry-after')) * 1000 });
    }
    keepToken(json.token);
  }

  function start(): Promise<void> {
    if (socket) return Promise.resolve();
    starting ??= (async () => {
      try {
        // Strict mode refreshes every load (the host's signed user may have changed); otherwise reuse the token.
        if (!token || strict) await createSession();
      } catch (err) {
        starting = null;
        const { status: code, retryAfterMs } = err as { status?: number; retryAfterMs?: number };
        setStatus(code === 401 ? t.unauthorized : code === 429 ? t.slowDown : t.offline);
        if (code !== 401) setTimeout(() => void start(), code === 429 ? backoff(retryAfterMs) : 5000);
        return;
      }
      connect();
    })();
    return starting;
  }

  function connect() {
    let refreshed = false;
    // Reads `token` at every (re)connect, so a renewed one is used from then on.
    const s = io(`${hub}/widget`, { auth: (cb) => cb({ token }), transports: ['websocket'] });
    socket = s;
    const loadHistory = (first: boolean) => s.timeout(ACK_TIMEOUT_MS).emit('history', { limit: 50 }, (err: Error | null, res: Ack) => {
      if (!err && res?.messages) mergeHistory(res.messages);
      // Over the hub's limit (many tabs reconnecting at once): ask again once it allows.
      if (!err && res?.code === 'rate_limited') setTimeout(() => { if (s.connected) loadHistory(false); }, backoff(res.retryAfterMs));
      if (first) for (const item of items) if (item.state === 'pending') void deliver(item);
    });
    s.on('connect', () => {
      refreshed = false;
      setStatus(null);
      loadHistory(true);
    });
    s.on('disconnect', () => setStatus(t.offline));
    // Over a limit without an ack to say so (typing), or closed for it: stay quiet, then come back once the hub allows.
    s.on('rate:limited', (p: { retryAfterMs?: number; closing?: boolean }) => {
      quietUntil = Date.now() + backoff(p?.retryAfterMs);
      if (p?.closing) setTimeout(() => s.connect(), backoff(p.retryAfterMs));
    });
    s.on('connect_error', async (err) => {
      setStatus(t.offline);
      // Refused for now (too many connections): Socket.IO does not retry a refusal by itself.
      if (err.message === 'rate limited') {
        setTimeout(() => s.connect(), backoff((err as Error & { data?: { retryAfterMs?: number } }).data?.retryAfterMs));
        return;
      }
      // A token the hub no longer accepts (expired, or the secret rotated): get a fresh session once, then let
      // Socket.IO retry. An anonymous visitor starts anew; in strict mode the host's signature keeps the same user.
      if ((err.message === 'unauthorized' || err.message === 'token expired') && !refreshed) {
        refreshed = true;
        token = null;
        try { await createSession(); s.connect(); } catch { setStatus(t.unauthorized); }
      }
    });
    s.on('message', (m: ServerMessage) => {
      if (!m || typeof m.id !== 'string') return;
      upsertServer(m);
      showAgentTyping(false);
      if (!isOpen) launcher.classList.add('unread');
      render();
    });
    // The hub renews the token on connect and before it expires: keep the newest.
    s.on('session:token', (p: { token?: unknown }) => { if (typeof p?.token === 'string' && p.token) keepToken(p.token); });
    s.on('agent:typing', (p: { typing?: boolean; agentName?: string }) => showAgentTyping(Boolean(p?.typing), p?.agentName));
  }

  function mergeHistory(messages: ServerMessage[]) {
    const server = messages.map((m) => m.id);
    // Keep local items the history does not cover yet: unacked ones, and acked ones the ingest worker has not stored.
    const local = items.filter((i) => !server.includes(i.key) && (i.state !== 'sent' || (i.clientId && !messages.some((m) => m.direction === 'in' && m.text === i.text.trim()))));
    items = [];
    for (const m of messages) upsertServer(m);
    items.push(...local.filter((i) => !items.some((x) => x.key === i.key)));
    render();
  }

  function deliver(item: Item): Promise<void> {
    return new Promise((resolve) => {
      if (!socket?.connected) return resolve(); // re-sent on connect
      socket.timeout(ACK_TIMEOUT_MS).emit('message:send', { clientId: item.clientId, text: item.text }, (err: Error | null, res: Ack) => {
        if (err || res?.code === 'unavailable' || res?.code === 'rate_limited') {
          // Stays pending and is sent again with the same clientId (after the hub's retryAfterMs when it gave one).
          setTimeout(() => { if (item.state === 'pending') void deliver(item); }, res?.code === 'rate_limited' ? backoff(res.retryAfterMs) : 3000);
        } else if (res?.ok) {
          item.state = 'sent';
        } else {
          item.state = 'failed';
          item.error = res?.error;
        }
        savePending();
        render();
        resolve();
      });
    });
  }

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));

  function sendMessage(text: string) {
    const clean = String(text ?? '').trim();
    if (!clean) return;
    const clientId = uuid();
    const item: Item = { key: clientId, clientId, direction: 'in', text: clean.slice(0, 5000), createdAt: new Date().toISOString(), state: 'pending' };
    items.push(item);
    savePending();
    render();
    setTyping(false);
    void start().then(() => deliver(item));
  }

  function setTyping(typing: boolean) {
    clearTimeout(typingTimer);
    if (typing) typingTimer = setTimeout(() => setTyping(false), 3000);
    if (typing === typingSent || !socket?.connected || Date.now() < quietUntil) return;
    typingSent = typing;
    socket.emit('typing', { typing });
  }

  function showAgentTyping(typing: boolean, name?: string) {
    clearTimeout(agentTypingTimer);
    typingLine.textContent = typing ? (name ? t.typingNamed(name) : t.typing) : '';
    // A lost "stopped typing" event must not leave the indicator on forever.
    if (typing) agentTypingTimer = setTimeout(() => showAgentTyping(false), 8000);
  }

  // ---- UI events ----------------------------------------------------------------------------------------------
  function open() {
    isOpen = true;
    panel.classList.add('open');
    launcher.classList.remove('unread');
    render();
    if (!needsPrechat()) { void start(); input.focus(); } else nameInput.focus();
  }
  function close() {
    isOpen = false;
    panel.classList.remove('open');
    setTyping(false);
  }
  launcher.onclick = () => (isOpen ? close() : open());
  closeBtn.onclick = close;
  prechat.onsubmit = (e) => {
    e.preventDefault();
    const data = { name: nameInput.value.trim() || undefined, email: emailInput.value.trim() || undefined };
    if (data.email && !emailInput.checkValidity()) return emailInput.reportValidity();
    store.set(PRECHAT_KEY, JSON.stringify(data));
    render();
    void start();
    input.focus();
  };
  skipBtn.onclick = () => { store.set(PRECHAT_KEY, '{}'); render(); void start(); input.focus(); };
  compose.onsubmit = (e) => { e.preventDefault(); sendMessage(input.value); input.value = ''; };
  input.onkeydown = (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); } };
  input.oninput = () => setTyping(input.value.length > 0);

  window.Kanal = { open, close, sendMessage };
  const mount = () => { document.body.append(host); render(); if (token || items.length) void start(); };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
