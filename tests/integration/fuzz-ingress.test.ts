import { createHash } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import nodemailer, { type Transporter } from 'nodemailer';
import { io as connect, type Socket } from 'socket.io-client';
import { dedupeKeyOf } from '../../src/domain/messages';
import { QueueNames } from '../../src/queues';
import { collectionsOf } from '../../src/store/collections';
import { freePort } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected } from '../helpers/sockets';
import { signedPost, TwilioStandin } from '../helpers/twilio-standin';

// A bounded, seeded fuzz of every ingress surface (issue 12, item 1): web chat socket, Twilio SMS and WhatsApp
// webhooks (validly signed), SMTP. Random unicode, NULs, lone surrogates, huge fields, odd dates, long ids, and
// redeliveries of the same ids. Properties: no 5xx (nor SMTP 451, nor a web chat "internal error"), the hub keeps
// working, and every acknowledged input is stored exactly once (or quarantined, visible to admins).
// Reproduce a failure with FUZZ_SEED=<seed printed below>.
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_112);
const PER_SURFACE = 1000;

/** mulberry32: a tiny seeded PRNG (no packages). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  // Pieces of text that have broken parsers and stores before: Turkish, emoji (surrogate pairs), NUL, a lone
  // surrogate, RTL and zero-width marks, combining accents, CR/LF, quotes and markup.
  const pieces = ['a', 'Z', '7', ' ', 'ğ', 'İ', 'ı', 'ş', 'Ç', '😀', '👩‍💻', '\u0000', '\uD800', '\u202E', '\u200B', 'e\u0301',
    '\r\n', '\n', '"', "'", '<b>', '&amp;', '%', '+', '\\', '\t', '日本', 'ü', '\uFFFF', '\u0085'] as const;
  const exactly = (n: number) => {
    let s = '';
    while (s.length < n) s += chance(0.7) ? pick(pieces) : String.fromCharCode(32 + int(95));
    return s.slice(0, n);
  };
  /** Mostly short (up to 200), now and then exactly `max` long. */
  const text = (max: number) => exactly(chance(0.02) ? max : int(Math.min(max, 200) + 1));
  /** A field well past any limit. */
  const huge = (n: number) => exactly(n);
  return { next, int, pick, chance, text, huge };
}

const standin = new TwilioStandin();
let hub: Awaited<ReturnType<typeof startTestHub>>;
let mail: Transporter;
let events: QueueEvents;
const sockets: Socket[] = [];

beforeAll(async () => {
  await standin.start();
  const smtpPort = await freePort();
  hub = await startTestHub(testConfig('fuzzingress', {
    TWILIO_ACCOUNT_SID: standin.accountSid, TWILIO_AUTH_TOKEN: standin.authToken, TWILIO_API_BASE: standin.url,
    TWILIO_FROM_NUMBER: '+908501234567', TWILIO_WHATSAPP_FROM: '+908501234568',
    EMAIL_SMTP_PORT: String(smtpPort), EMAIL_SUPPORT_ADDRESSES: 'support@kanal.test', EMAIL_MAX_BYTES: String(512 * 1024),
  }));
  mail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 8, maxMessages: Infinity });
  events = new QueueEvents(QueueNames.inbound, { connection: { url: hub.deps.config.REDIS_URL }, prefix: hub.deps.config.QUEUE_PREFIX });
  await events.waitUntilReady();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await events?.close();
  mail?.close();
  await hub?.stop();
  await standin.stop();
});

/** Resolves once the inbound queue has nothing waiting or running, woken by its own events (never a timer). */
async function drained(): Promise<void> {
  for (;;) {
    // Listening before counting, so the last job's event cannot slip between the two.
    let stop = () => {};
    const next = new Promise<void>((resolve) => {
      stop = () => {
        for (const e of ['completed', 'failed', 'drained'] as const) events.off(e, stop);
        resolve();
      };
      for (const e of ['completed', 'failed', 'drained'] as const) events.on(e, stop);
    });
    const counts = await hub.deps.queues.inbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return stop();
    await next;
  }
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

/**
 * The property, checked by each surface's test on what it acknowledged: every acknowledged dedupeKey is stored
 * exactly once, or (mail) quarantined with its mark (the mail's first header line); no job failed; the hub still
 * answers. Waits for the worker on the queue's own events (each job finished), never on time.
 */
async function expectStoredOnce(acked: Set<string>, marks = new Map<string, string>()) {
  await drained();
  const failed = await hub.deps.queues.inbound.getFailed(0, 50);
  expect(failed.map((j) => `${String(j.data.message?.dedupeKey).slice(0, 80)}: ${j.failedReason}`)).toEqual([]);

  const Message = collectionsOf(hub.deps.models).Message;
  const stored = await Promise.all([...acked].map(async (key) => [key, await Message.countDocuments({ dedupeKey: key })] as const));
  const quarantined = marks.size ? (await hub.deps.models.quarantine.newest(5000)).map((q) => q.excerpt ?? '') : [];
  const lost = stored.filter(([key, n]) => n !== 1 && !(n === 0 && marks.has(key) && quarantined.some((e) => e.startsWith(marks.get(key)!))));
  expect(lost.map(([key, n]) => `${key.slice(0, 80)} stored ${n} times`)).toEqual([]);
  expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
}

test(`web chat socket: ${PER_SURFACE} generated sends (seed ${SEED})`, async () => {
  const r = prng(SEED);
  const acked = new Set<string>();
  const visitors: { socket: Socket; visitorId: string; sent: number }[] = [];
  // Sessions with random names and emails: a bad one is a 400, never a 5xx.
  while (visitors.length < 70) {
    const body: Record<string, unknown> = {};
    if (r.chance(0.7)) body.name = r.chance(0.1) ? r.huge(260) : r.text(60);
    if (r.chance(0.4)) body.email = r.chance(0.8) ? `ziyaretci${r.int(40)}@example.com` : r.text(40);
    const res = await fetch(`${hub.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBeLessThan(500);
    if (res.status !== 200) continue;
    const { token, visitorId } = (await res.json()) as { token: string; visitorId: string };
    const socket = connect(`${hub.url}/widget`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await connected(socket);
    visitors.push({ socket, visitorId, sent: 0 });
  }
  const sends = Array.from({ length: PER_SURFACE }, (_, n) => {
    const v = visitors[n % visitors.length]!;
    const clientId = r.chance(0.9) ? `c${r.int(3)}` : r.text(30); // few ids per visitor: resends of one message
    const text = r.chance(0.05) ? r.huge(6000) : r.text(300);
    const payload = r.chance(0.03) ? r.pick([null, 'metin', 42, [], { text }]) : { clientId, text };
    return { v, payload, clientId };
  });
  // One socket's sends in order, sockets side by side; at most 14 per socket, under the per-socket rate limit.
  const byVisitor = new Map<(typeof visitors)[number], typeof sends>();
  for (const s of sends) byVisitor.set(s.v, [...(byVisitor.get(s.v) ?? []), s]);
  await pool([...byVisitor.entries()], 8, async ([v, list]) => {
    for (const { payload, clientId } of list) {
      const ack = (await v.socket.timeout(10_000).emitWithAck('message:send', payload)) as { ok?: true; error?: string };
      expect(ack.error ?? '').not.toMatch(/internal error|temporarily unavailable/);
      if (ack.ok) acked.add(dedupeKeyOf('webchat', `${v.visitorId}:${clientId}`));
    }
  });
  for (const v of visitors) v.socket.disconnect();
  expect(acked.size).toBeGreaterThan(50); // the fuzz reached the store, not only the refusals
  await expectStoredOnce(acked);
}, 60_000);

const phones = Array.from({ length: 30 }, (_, i) => `+9053211${String(20_000 + i).slice(-5)}`);
const sid = (r: ReturnType<typeof prng>, space: string) => `SM${createHash('md5').update(`${space}${r.int(100)}`).digest('hex')}`;

for (const surface of ['sms', 'whatsapp'] as const) {
  test(`Twilio ${surface} webhook: ${PER_SURFACE} generated, validly signed posts`, async () => {
    const r = prng(SEED + (surface === 'sms' ? 1 : 2));
    const acked = new Set<string>();
    const forms = Array.from({ length: PER_SURFACE }, () => {
      const phone = r.chance(0.95) ? r.pick(phones) : r.text(20);
      const from = surface === 'whatsapp' ? `whatsapp:${phone}` : phone;
      const form: Record<string, string> = {
        MessageSid: r.chance(0.97) ? sid(r, surface) : r.text(40), From: from, To: '+908501234567', AccountSid: standin.accountSid,
        NumMedia: r.chance(0.97) ? '0' : r.pick(['x', '-1', '99999999999999999999']), Body: r.chance(0.02) ? r.huge(101_000) : r.text(400),
      };
      if (surface === 'whatsapp') {
        form.WaId = phone.replace(/^\+/, '');
        if (r.chance(0.8)) form.ProfileName = r.chance(0.1) ? r.huge(400) : r.text(40);
      }
      if (r.chance(0.05)) Object.assign(form, { Latitude: r.text(12), Longitude: r.text(12) });
      return form;
    });
    await pool(forms, 8, async (form) => {
      const res = await signedPost(`${hub.url}/webhooks/twilio/messages`, form, standin.authToken);
      await res.arrayBuffer();
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) acked.add(dedupeKeyOf(surface, form.MessageSid!));
    });
    expect(acked.size).toBeGreaterThan(50);
    await expectStoredOnce(acked);
  }, 60_000);
}

test(`SMTP: ${PER_SURFACE} generated mails`, async () => {
  const r = prng(SEED + 3);
  const acked = new Set<string>();
  const marks = new Map<string, string>(); // dedupeKey -> the mail's first header line (quarantine keeps the start)
  const senders = Array.from({ length: 30 }, (_, i) => `musteri${i}@example.com`);
  const dates = ['Mon, 30 Nov 2026 09:00:00 +0300', 'Fri, 01 Jan 10000 00:00:00 +0000', 'dün akşam', '', 'Thu, 01 Jan 1970 00:00:00 +0000', 'Sat, 31 Dec 9999 23:59:59 -1200'];
  const mails = Array.from({ length: PER_SURFACE }, (_, n) => {
    const mark = `X-Fuzz: ${SEED}-${n}`;
    const id = r.chance(0.9) ? `<fuzz-${r.int(100)}@example.com>` : r.chance(0.5) ? `<${'u'.repeat(900 + r.int(400))}@uzun.example>` : '';
    const from = r.chance(0.9) ? r.pick(senders) : r.chance(0.5) ? `${'k'.repeat(300 + r.int(60))}@example.com` : r.text(30);
    const lines = [mark, `From: ${r.chance(0.5) ? `"${r.text(30).replace(/["\r\n\\]/g, '')}" ` : ''}<${from}>`, 'To: support@kanal.test',
      `Subject: ${(r.chance(0.05) ? r.huge(1500) : r.text(80)).replace(/[\r\n]/g, ' ')}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
    if (id) lines.push(`Message-ID: ${id}`);
    if (r.chance(0.3)) lines.push(`In-Reply-To: <${'r'.repeat(r.chance(0.5) ? 1100 : 20)}@example.com>`);
    const date = r.pick(dates);
    if (date) lines.push(`Date: ${date}`);
    // Line ends as SMTP carries them, so the bytes the listener hashes (no Message-ID) are these.
    lines.push('', (r.chance(0.02) ? r.huge(110_000) : r.text(500)).replace(/\r\n|\r|\n|\u0085/g, '\r\n'), '');
    const raw = Buffer.from(lines.join('\r\n'));
    const key = id ? dedupeKeyOf('email', id) : dedupeKeyOf('email', `sha256:${createHash('sha256').update(raw).digest('hex')}`);
    return { raw, key, mark };
  });
  await pool(mails, 8, async ({ raw, key, mark }) => {
    let response = '';
    try {
      response = (await mail.sendMail({ envelope: { from: 'fuzz@example.com', to: ['support@kanal.test'] }, raw })).response ?? '';
    } catch (err) {
      response = String((err as { response?: string }).response ?? err);
    }
    expect(response).not.toMatch(/^4/); // 451: the intake failed (the hub's fault); 5xx refusals are answers
    if (/^250/.test(response)) {
      acked.add(key);
      marks.set(key, mark);
    }
  });
  expect(acked.size).toBeGreaterThan(50);
  await expectStoredOnce(acked, marks);
}, 60_000);
