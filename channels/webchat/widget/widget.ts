// The embeddable web chat widget: one <script> tag, everything inside a Shadow DOM so host styles cannot leak in.
// All user and agent text is rendered with textContent, never innerHTML.
import { io, type Socket } from 'socket.io-client';
import { avatarColour, initials } from './avatar';
import { EMOJI, insertAtCaret } from './emoji';
import { trapFocus } from './focus';
import { pickLocale, stringsOf } from './i18n';
import { CSS } from './styles';
import { fileSize, fullTime, messageTime, openingTime } from './time';

interface KanalSettings { userId?: string; userHash?: string; name?: string; email?: string; emailHash?: string; locale?: 'tr' | 'en' }
interface FileRef { name: string; contentType: string; size: number; url: string }
interface ServerMessage { id: string; direction: 'in' | 'out'; text: string; authorName?: string; createdAt: string; status: string; clientId?: string; attachments?: FileRef[] }
/** A visitor message's state: pending (not acked), sent (queued at the hub), delivered (stored: agents have it), read. */
type ItemState = 'pending' | 'uploading' | 'sent' | 'delivered' | 'read' | 'failed';
interface Item {
  key: string; serverId?: string; direction: 'in' | 'out'; text: string; authorName?: string; createdAt: string;
  state: ItemState; error?: string; clientId?: string; attachments?: FileRef[];
  /** Agent replies: the delivery status the hub has (sent, delivered, read). */
  status?: string;
}
interface VisitorState {
  greeting: { tr?: string; en?: string }; open: boolean; online: boolean; nextOpening: string | null;
  replyMinutes: number | null; conversation: { status: string } | null; emailKnown: boolean;
}
type Ack = { ok?: true; clientId?: string; error?: string; code?: string; retryAfterMs?: number; messages?: ServerMessage[] } & Partial<VisitorState>;

declare global {
  interface Window {
    KanalSettings?: KanalSettings;
    Kanal?: { open(): void; close(): void; sendMessage(text: string): void };
  }
}

const TOKEN_KEY = 'kanal.widget.token';
const PENDING_KEY = 'kanal.widget.pending';
const SURVEY_KEY = 'kanal.widget.csat.';
const CAPTURE_KEY = 'kanal.widget.email';
/** The signed survey link inside a message (src/services/csat/survey-link.ts, SURVEY_LINK_RE). */
const SURVEY_RE = /\/csat\/s\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
const PRECHAT_KEY = 'kanal.widget.prechat';
const ACK_TIMEOUT_MS = 10_000;
/** The hub's default upload limit (WIDGET_UPLOAD_MAX_MB); a lower hub limit answers 413 with its own number. */
const UPLOAD_MAX_MB = 10;
const UPLOAD_TYPES = /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/(plain|csv)|application\/msword|application\/vnd\.[a-z0-9.+-]+|application\/zip)$/;
const UPLOAD_ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.zip';
/** How long to wait after the hub said "rate limited" (its retryAfterMs, kept within reason). */
const backoff = (ms: unknown) => Math.min(60_000, Math.max(1000, typeof ms === 'number' && Number.isFinite(ms) ? ms : 3000));

(function boot() {
  if (window.Kanal) return; // embedded twice
  const script = document.currentScript as HTMLScriptElement | null;
  const hub = (script?.dataset.kanalHub || (script?.src ? new URL(script.src).origin : location.origin)).replace(/\/$/, '');
  const settings: KanalSettings = window.KanalSettings ?? {};
  const locale = pickLocale(settings.locale, navigator.language);
  const t = stringsOf(locale);
  const strict = Boolean(settings.userId && settings.userHash);

  const store = {
    get: (k: string) => { try { return localStorage.getItem(k); } catch { return null; } },
    set: (k: string, v: string | null) => { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch { /* private mode */ } },
  };

  // ---- DOM --------------------------------------------------------------------------------------------------
  // Props are plain DOM properties (className, type, textContent, ...); loosely typed because the full
  // Partial<HTMLFormElement> union is too complex for the checker.
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | number | boolean> = {}, ...children: Node[]): HTMLElementTagNameMap[K] => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  // A drawn paperclip: an emoji would depend on the visitor's fonts for the one control that must always show.
  const paperclip = () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M16.5 6.5 8.6 14.4a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8 8a6 6 0 0 0 8.5 8.5l7-7');
    svg.append(path);
    return svg;
  };
  const labelled = <E extends HTMLElement>(node: E, label: string): E => { node.setAttribute('aria-label', label); return node; };
  const host = el('div', { id: 'kanal-widget' });
  const root = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', { textContent: CSS }));
  }
  const badge = el('span', { className: 'badge' });
  badge.setAttribute('aria-hidden', 'true');
  const launcher = labelled(el('button', { className: 'launcher', type: 'button', textContent: t.launcher }), t.openChat);
  launcher.append(badge);
  launcher.setAttribute('aria-haspopup', 'dialog');
  // While closed, the newest agent reply shows above the launcher (click opens the chat).
  const preview = el('button', { className: 'preview', type: 'button', hidden: true });
  const closeBtn = labelled(el('button', { className: 'close', type: 'button', textContent: '×', title: t.close }), t.close);
  const status = el('div', { className: 'status', role: 'status' });
  const notice = el('div', { className: 'notice', role: 'status', hidden: true, textContent: t.resolved });
  const list = el('div', { className: 'list', tabIndex: 0 });
  list.setAttribute('role', 'log');
  list.setAttribute('aria-label', t.title);
  // New messages are announced from this one region (the list is redrawn as a whole, which a live list would repeat).
  const live = el('div', { className: 'sr' });
  live.setAttribute('aria-live', 'polite');
  const typingLine = el('div', { className: 'typing' });
  typingLine.setAttribute('aria-live', 'polite');
  const input = labelled(el('textarea', { placeholder: t.placeholder, maxLength: 5000, rows: 1 }), t.placeholder);
  const fileInput = labelled(el('input', { type: 'file', accept: UPLOAD_ACCEPT, className: 'file' }), t.attach);
  fileInput.tabIndex = -1;
  const attachBtn = labelled(el('button', { className: 'icon attach', type: 'button', title: t.attach }), t.attach);
  attachBtn.append(paperclip());
  const emojiBtn = labelled(el('button', { className: 'icon emoji', type: 'button', textContent: '😊', title: t.emoji }), t.emoji);
  emojiBtn.setAttribute('aria-expanded', 'false');
  const picker = el('div', { className: 'picker', hidden: true });
  picker.setAttribute('role', 'group');
  picker.setAttribute('aria-label', t.emojiList);
  for (const e of EMOJI) {
    const b = labelled(el('button', { type: 'button', textContent: e }), e);
    b.onclick = () => { insertAtCaret(input, e); closePicker(); input.focus(); input.dispatchEvent(new Event('input')); };
    picker.append(b);
  }
  const composeError = el('div', { className: 'error', role: 'alert' });
  const sendBtn = labelled(el('button', { className: 'primary', type: 'submit', textContent: t.send }), t.send);
  const compose = el('form', { className: 'compose' }, attachBtn, emojiBtn, input, sendBtn, fileInput);
  const nameInput = labelled(el('input', { type: 'text', placeholder: t.name, maxLength: 200 }), t.name);
  nameInput.setAttribute('autocomplete', 'name');
  const emailInput = labelled(el('input', { type: 'email', placeholder: t.email, maxLength: 320 }), t.email);
  emailInput.setAttribute('autocomplete', 'email');
  const skipBtn = el('button', { className: 'link', type: 'button', textContent: t.skip });
  const prechat = el('form', { className: 'prechat' }, el('p', { textContent: t.prechat }), nameInput, emailInput,
    el('div', { className: 'row' }, skipBtn, el('button', { className: 'primary', type: 'submit', textContent: t.start })));
  // Offline email capture: shown under the thread once the visitor wrote while nobody can answer.
  const captureInput = labelled(el('input', { type: 'email', placeholder: t.email, maxLength: 320, required: true }), t.email);
  captureInput.setAttribute('autocomplete', 'email');
  const captureNote = el('span', { className: 'meta', role: 'status' });
  const capture = el('form', { className: 'capture', hidden: true }, el('span', { textContent: t.captureTitle }),
    el('div', { className: 'row' }, captureInput, el('button', { className: 'primary', type: 'submit', textContent: t.captureSave })), captureNote);
  const title = el('h2', { id: 'kanal-title', textContent: t.title });
  const subtitle = el('p', { textContent: t.subtitle });
  const panel = el('div', { className: 'panel' },
    el('header', {}, el('div', { className: 't' }, title, subtitle), closeBtn),
    status, notice, prechat, list, capture, typingLine, picker, composeError, compose, live);
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'true');
  panel.setAttribute('aria-labelledby', 'kanal-title');
  root.append(preview, launcher, panel);

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
  let state: VisitorState | null = null;
  let conversationStatus: string | null = null;
  /** Agent replies that arrived while the panel was closed (or the tab hidden). */
  let unread = 0;
  let savedEmail = store.get(CAPTURE_KEY);
  const needsPrechat = () => !strict && !token && !store.get(PRECHAT_KEY) && !settings.name && !settings.email;
  const visible = () => isOpen && document.visibilityState === 'visible';

  // Unacknowledged messages survive a reload, so they are re-sent with the same clientId (the hub dedupes).
  const loadPending = (): Item[] => { try { return (JSON.parse(store.get(PENDING_KEY) ?? '[]') as Item[]).filter((i) => i.clientId); } catch { return []; } };
  const savePending = () => store.set(PENDING_KEY, JSON.stringify(items.filter((i) => i.state === 'pending')));
  items = loadPending();

  const stateLabel: Partial<Record<ItemState, string>> = { pending: t.pending, uploading: t.uploading, sent: t.sent, delivered: t.delivered, read: t.read };
  const ticks: Partial<Record<ItemState, string>> = { sent: '✓ ', delivered: '✓✓ ', read: '✓✓ ' };

  /** The list is scrolled to its end (the visitor is reading the newest messages), kept as they scroll. */
  let stuck = true;
  list.addEventListener('scroll', () => { stuck = list.scrollHeight - list.scrollTop - list.clientHeight < 40; });
  // The list shrinks when a notice, the email form or an error line appears below it: the end stays in view.
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => { if (stuck) list.scrollTop = list.scrollHeight; }).observe(list);

  function render() {
    prechat.hidden = !needsPrechat();
    list.hidden = compose.hidden = !prechat.hidden;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren();
    // The greeting (the admin's, in the widget's language) opens every thread.
    list.append(el('div', { className: 'empty greeting', textContent: state?.greeting[locale] || t.empty }));
    for (const item of items) list.append(bubble(item));
    if (atBottom || isOpen) list.scrollTop = list.scrollHeight;
    renderChrome();
    if (visible()) acknowledgeRead();
  }

  function bubble(item: Item): HTMLElement {
    const node = el('div', { className: `msg ${item.direction} ${item.state}` });
    if (item.direction === 'out') {
      const name = item.authorName || t.agent;
      const avatar = el('span', { className: 'avatar', textContent: initials(name, locale) });
      avatar.style.background = avatarColour(name);
      avatar.setAttribute('aria-hidden', 'true');
      node.append(el('span', { className: 'who' }, avatar, document.createTextNode(name)));
    }
    const survey = item.direction === 'out' ? SURVEY_RE.exec(item.text) : null;
    // A survey's own question stands in for its text and link.
    if (survey) node.append(surveyForm(survey[1]!));
    else if (item.text) node.append(el('span', { className: 'text', textContent: item.text }));
    for (const file of item.attachments ?? []) node.append(attachmentView(file));
    const meta = el('span', { className: 'meta' });
    const when = el('time', { textContent: messageTime(item.createdAt, locale, t), dateTime: item.createdAt, title: fullTime(item.createdAt, locale) });
    meta.append(when);
    const label = stateLabel[item.state];
    if (item.direction === 'in' && label) {
      // The ticks are for the eye; a screen reader reads the word.
      const tick = el('span', { textContent: ticks[item.state] ?? '' });
      tick.setAttribute('aria-hidden', 'true');
      meta.append(el('span', { className: `state ${item.state}` }, document.createTextNode(' · '), tick, document.createTextNode(label)));
    }
    if (item.state === 'failed') {
      meta.append(el('span', { textContent: ` · ${item.error ? `${t.failed}: ${item.error}` : t.failed}` }));
      if (item.clientId && !item.attachments?.length) {
        const retry = el('button', { className: 'retry', type: 'button', textContent: t.retry });
        retry.onclick = () => { item.state = 'pending'; savePending(); render(); void deliver(item); };
        meta.append(retry);
      }
    }
    node.append(meta);
    return node;
  }

  // Images show inline (a link opens them full size); other files are a named link with their size.
  const fileViews = new Map<string, HTMLElement>();
  function attachmentView(file: FileRef): HTMLElement {
    const known = fileViews.get(file.url);
    if (known) return known;
    const href = file.url.startsWith('blob:') ? file.url : `${hub}${file.url}`;
    const link = el('a', { className: 'file-link', href, target: '_blank', rel: 'noopener noreferrer' });
    if (/^image\/(png|jpeg|gif|webp)$/.test(file.contentType)) {
      link.classList.add('image');
      const img = el('img', { src: href, alt: file.name, loading: 'lazy' });
      // A picture gets its height only once loaded: keep the newest message in view if the visitor was there.
      img.onload = () => { if (stuck) list.scrollTop = list.scrollHeight; };
      link.append(img);
    } else {
      link.append(el('span', { className: 'file-name', textContent: `📄 ${file.name}` }), el('span', { className: 'file-size', textContent: ` (${fileSize(file.size, locale)})` }));
    }
    link.setAttribute('aria-label', `${t.file}: ${file.name}, ${fileSize(file.size, locale)}`);
    fileViews.set(file.url, link);
    return link;
  }

  /** Everything around the thread: header line, resolved notice, email capture, launcher badge and preview. */
  function renderChrome() {
    const away = state ? !state.open || !state.online : false;
    subtitle.textContent = !state ? t.subtitle
      : away ? (state.nextOpening && !state.open ? `${t.away} ${t.backAt(openingTime(state.nextOpening, locale))}` : t.away)
        : state.replyMinutes ? t.replyIn(t.minutes(state.replyMinutes)) : t.subtitle;
    notice.hidden = conversationStatus !== 'resolved';
    const wrote = items.some((i) => i.direction === 'in' && i.state !== 'failed');
    capture.hidden = !(away && wrote) || (Boolean(state?.emailKnown) && !savedEmail) || needsPrechat();
    if (savedEmail && !capture.hidden) captureNote.textContent = t.captureSaved(savedEmail);
    launcher.hidden = isOpen;
    badge.textContent = unread ? String(unread) : '';
    launcher.classList.toggle('unread', unread > 0);
    launcher.setAttribute('aria-label', unread ? `${t.openChat}, ${t.newMessages(unread)}` : t.openChat);
    const last = [...items].reverse().find((i) => i.direction === 'out');
    preview.hidden = isOpen || !unread || !last;
    if (last && !preview.hidden) {
      const name = last.authorName || t.agent;
      const avatar = el('span', { className: 'avatar', textContent: initials(name, locale) });
      avatar.style.background = avatarColour(name);
      const text = last.text || (last.attachments?.[0]?.name ?? '');
      preview.replaceChildren(avatar, el('span', { className: 'body' }, el('strong', { textContent: name }), el('span', { textContent: text.length > 120 ? `${text.slice(0, 120)}…` : text })));
      preview.setAttribute('aria-label', `${t.openChat}: ${t.messageFrom(name, text)}`);
    }
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
    const comment = labelled(el('textarea', { placeholder: t.csatComment, maxLength: 2000, rows: 2 }), t.csatComment);
    const buttons = [1, 2, 3, 4, 5].map((n) => {
      const b = labelled(el('button', { type: 'button', textContent: String(n) }), `${n}/5`);
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

  const inState = (s: string): ItemState => (s === 'failed' ? 'failed' : s === 'read' ? 'read' : s === 'received' || s === 'delivered' ? 'delivered' : 'sent');

  /** Adds a server message; an existing one (same id, or the visitor's own by clientId) takes the newer status. */
  function upsertServer(m: ServerMessage): boolean {
    const known = items.find((i) => i.key === m.id || i.serverId === m.id || (m.clientId && i.clientId === m.clientId));
    if (known) {
      known.serverId = m.id;
      if (m.direction === 'in' && rank(inState(m.status)) > rank(known.state)) known.state = inState(m.status);
      if (m.direction === 'out') known.status = m.status;
      if (m.attachments) known.attachments = m.attachments;
      return false;
    }
    items.push({
      key: m.id, serverId: m.id, direction: m.direction, text: m.text, authorName: m.authorName, createdAt: m.createdAt, clientId: m.clientId,
      state: m.direction === 'in' ? inState(m.status) : m.status === 'failed' ? 'failed' : 'sent', status: m.status, attachments: m.attachments,
    });
    return true;
  }
  const rank = (s: ItemState) => ['failed', 'uploading', 'pending', 'sent', 'delivered', 'read'].indexOf(s);

  // ---- receipts of agent replies (docs/widget-protocol.md, `message:receipt`) ------------------------------------
  const receipts = { delivered: new Set<string>(), read: new Set<string>() };
  /** Replies already asked for once (a redraw must not ask again while the first receipt is on its way). */
  const asked = { delivered: new Set<string>(), read: new Set<string>() };
  let receiptTimer: ReturnType<typeof setTimeout> | undefined;
  function queueReceipt(id: string, kind: 'delivered' | 'read') {
    if (asked[kind].has(id)) return;
    asked[kind].add(id);
    receipts[kind].add(id);
    clearTimeout(receiptTimer);
    receiptTimer = setTimeout(flushReceipts, 300);
  }
  function flushReceipts() {
    if (!socket?.connected) return; // sent after the next connect (history runs acknowledgeDelivered)
    for (const kind of ['delivered', 'read'] as const) {
      const ids = [...receipts[kind]].slice(0, 50);
      if (!ids.length) continue;
      ids.forEach((id) => receipts[kind].delete(id));
      socket.timeout(ACK_TIMEOUT_MS).emit('message:receipt', { ids, status: kind }, (err: Error | null, res: Ack) => {
        if (err || res?.code === 'rate_limited' || res?.code === 'unavailable') {
          ids.forEach((id) => receipts[kind].add(id));
          receiptTimer = setTimeout(flushReceipts, backoff(res?.retryAfterMs));
          return;
        }
        for (const item of items) if (item.serverId && ids.includes(item.serverId) && rankStatus(kind) > rankStatus(item.status)) item.status = kind;
      });
    }
    if (receipts.delivered.size || receipts.read.size) receiptTimer = setTimeout(flushReceipts, 300);
  }
  const rankStatus = (s: string | undefined) => ['queued', 'sent', 'delivered', 'read'].indexOf(s ?? 'sent');
  const replies = () => items.filter((i) => i.direction === 'out' && i.serverId && i.state !== 'failed');
  function acknowledgeDelivered() {
    for (const i of replies()) if (rankStatus(i.status) < rankStatus('delivered')) queueReceipt(i.serverId!, 'delivered');
  }
  function acknowledgeRead() {
    for (const i of replies()) if (rankStatus(i.status) < rankStatus('read')) queueReceipt(i.serverId!, 'read');
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

  function loadState() {
    socket?.timeout(ACK_TIMEOUT_MS).emit('widget:state', {}, (err: Error | null, res: Ack) => {
      if (err || !res?.ok) return;
      state = { greeting: res.greeting ?? {}, open: res.open !== false, online: res.online !== false, nextOpening: res.nextOpening ?? null, replyMinutes: res.replyMinutes ?? null, conversation: res.conversation ?? null, emailKnown: Boolean(res.emailKnown) };
      conversationStatus = state.conversation?.status ?? null;
      render();
    });
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
      loadState();
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
      const added = upsertServer(m);
      showAgentTyping(false);
      if (added && m.direction === 'out') {
        if (!visible()) unread++;
        live.textContent = t.messageFrom(m.authorName || t.agent, m.text || m.attachments?.[0]?.name || '');
        queueReceipt(m.id, visible() ? 'read' : 'delivered');
      }
      render();
    });
    // The visitor's own messages: delivered (stored, the agents have it) and read (an agent opened the thread).
    s.on('message:status', (p: { id?: string; ids?: string[]; clientId?: string; status?: string }) => {
      const ids = p?.ids ?? (p?.id ? [p.id] : []);
      const next = p?.status === 'read' ? 'read' : p?.status === 'delivered' ? 'delivered' : null;
      if (!next) return;
      for (const item of items) {
        if (item.direction !== 'in') continue;
        const match = (item.serverId && ids.includes(item.serverId)) || (p.clientId && item.clientId === p.clientId);
        if (!match) continue;
        if (p.id && p.clientId && item.clientId === p.clientId) item.serverId = p.id;
        if (rank(next) > rank(item.state)) item.state = next;
      }
      savePending();
      render();
    });
    s.on('conversation:status', (p: { status?: string }) => {
      if (typeof p?.status !== 'string') return;
      conversationStatus = p.status;
      render();
    });
    // The hub renews the token on connect and before it expires: keep the newest.
    s.on('session:token', (p: { token?: unknown }) => { if (typeof p?.token === 'string' && p.token) keepToken(p.token); });
    s.on('agent:typing', (p: { typing?: boolean; agentName?: string }) => showAgentTyping(Boolean(p?.typing), p?.agentName));
  }

  function mergeHistory(messages: ServerMessage[]) {
    const server = new Set(messages.map((m) => m.id));
    const clientIds = new Set(messages.map((m) => m.clientId).filter(Boolean));
    // Keep local items the history does not cover yet: unacked ones, and acked ones the ingest worker has not stored.
    const local = items.filter((i) => !server.has(i.key) && !(i.serverId && server.has(i.serverId)) && !(i.clientId && clientIds.has(i.clientId))
      && (i.state !== 'sent' || (i.clientId && !messages.some((m) => m.direction === 'in' && m.text === i.text.trim() && !m.clientId))));
    const previous = new Map(items.map((i) => [i.serverId ?? i.key, i]));
    items = [];
    for (const m of messages) upsertServer(m);
    // Keep what this page already knew beyond the server copy (a receipt it already sent).
    for (const i of items) { const before = previous.get(i.key); if (before?.status && rankStatus(before.status) > rankStatus(i.status)) i.status = before.status; }
    items.push(...local.filter((i) => !items.some((x) => x.key === i.key)));
    acknowledgeDelivered();
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
          if (item.state === 'pending') item.state = 'sent';
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

  function wroteAgain() {
    // Writing into a resolved conversation reopens it (the hub confirms with `conversation:status`).
    if (conversationStatus === 'resolved') conversationStatus = null;
  }

  function sendMessage(text: string) {
    const clean = String(text ?? '').trim();
    if (!clean) return;
    const clientId = uuid();
    const item: Item = { key: clientId, clientId, direction: 'in', text: clean.slice(0, 5000), createdAt: new Date().toISOString(), state: 'pending' };
    items.push(item);
    wroteAgain();
    savePending();
    render();
    setTyping(false);
    void start().then(() => deliver(item));
  }

  /** One file per message, posted with the session token; the hub stores it and queues the message. */
  async function sendFile(file: File) {
    composeError.textContent = '';
    if (file.size > UPLOAD_MAX_MB * 1024 * 1024) { composeError.textContent = t.tooLarge(UPLOAD_MAX_MB); return; }
    // The hub decides on the bytes (channels/webchat/files.ts); a type it never takes is refused before uploading.
    if (file.type && !UPLOAD_TYPES.test(file.type)) { composeError.textContent = t.badType; return; }
    if (!file.size) return;
    const clientId = uuid();
    const local: FileRef = { name: file.name, contentType: file.type, size: file.size, url: URL.createObjectURL(file) };
    const item: Item = { key: clientId, clientId, direction: 'in', text: '', createdAt: new Date().toISOString(), state: 'uploading', attachments: [local] };
    items.push(item);
    wroteAgain();
    render();
    await start();
    const query = new URLSearchParams({ clientId, name: file.name });
    try {
      const res = await fetch(`${hub}/api/widget/upload?${query}`, {
        method: 'POST', headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': file.type || 'application/octet-stream' }, body: file,
      });
      const out = (await res.json().catch(() => ({}))) as { attachment?: FileRef; error?: string; code?: string; maxBytes?: number };
      if (res.ok && out.attachment) {
        if (item.state === 'uploading') item.state = 'sent';
        item.attachments = [out.attachment];
        fileViews.delete(local.url);
        URL.revokeObjectURL(local.url);
      } else {
        item.state = 'failed';
        item.error = out.code === 'too_large' ? t.tooLarge(Math.floor((out.maxBytes ?? UPLOAD_MAX_MB * 1048576) / 1048576))
          : out.code === 'unsupported_type' ? t.badType : out.code === 'rate_limited' ? t.slowDown : (out.error ?? String(res.status));
        composeError.textContent = item.error;
      }
    } catch {
      item.state = 'failed';
      item.error = t.offline;
    }
    render();
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
  let clock: ReturnType<typeof setInterval> | undefined;
  function open() {
    isOpen = true;
    panel.classList.add('open');
    unread = 0;
    render();
    // Relative times ("5 min ago") move on while the panel is open.
    clearInterval(clock);
    clock = setInterval(render, 60_000);
    if (!needsPrechat()) { void start().then(() => { if (socket?.connected) loadState(); }); input.focus(); } else nameInput.focus();
  }
  function close() {
    isOpen = false;
    panel.classList.remove('open');
    clearInterval(clock);
    closePicker();
    setTyping(false);
    render();
    launcher.focus();
  }
  function closePicker() {
    picker.hidden = true;
    emojiBtn.setAttribute('aria-expanded', 'false');
  }
  launcher.onclick = open;
  preview.onclick = open;
  closeBtn.onclick = close;
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (!picker.hidden) { closePicker(); emojiBtn.focus(); } else close();
      return;
    }
    trapFocus(panel, root, e);
  });
  emojiBtn.onclick = () => {
    picker.hidden = !picker.hidden;
    emojiBtn.setAttribute('aria-expanded', String(!picker.hidden));
    if (!picker.hidden) (picker.firstElementChild as HTMLElement | null)?.focus();
  };
  attachBtn.onclick = () => fileInput.click();
  fileInput.onchange = () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) void sendFile(file);
  };
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
  capture.onsubmit = (e) => {
    e.preventDefault();
    const email = captureInput.value.trim();
    if (!email || !captureInput.checkValidity()) { captureNote.textContent = t.captureInvalid; return; }
    socket?.timeout(ACK_TIMEOUT_MS).emit('contact:email', { email }, (err: Error | null, res: Ack) => {
      if (err || !res?.ok) { captureNote.textContent = res?.code === 'invalid_input' ? t.captureInvalid : t.captureError; return; }
      savedEmail = email;
      store.set(CAPTURE_KEY, email);
      captureNote.textContent = t.captureSaved(email);
    });
  };
  compose.onsubmit = (e) => { e.preventDefault(); composeError.textContent = ''; sendMessage(input.value); input.value = ''; };
  input.onkeydown = (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); } };
  input.oninput = () => { composeError.textContent = ''; setTyping(input.value.length > 0); };
  // Coming back to the tab with the panel open: what is on screen now counts as read.
  document.addEventListener('visibilitychange', () => { if (visible()) { unread = 0; render(); } });

  window.Kanal = { open, close, sendMessage };
  const mount = () => { document.body.append(host); render(); if (token || items.length) void start(); };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
