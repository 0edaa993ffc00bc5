import nodemailer, { type Transporter } from 'nodemailer';
import { io as connect, type Socket } from 'socket.io-client';
import { identityHash } from '../../channels/webchat/token';
import type { CustomerView } from '../../src/domain/views';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { freePort } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected } from '../helpers/sockets';

// Issue 12, item 4: an email typed into the web chat pre-chat form is a claim, not an identity. The attack: a visitor
// types someone else's address; the real owner's mail must still reach the owner's own customer and conversation,
// and the visitor's conversation must not offer email as a reply channel (nor the owner's web chat).
type TestHub = Awaited<ReturnType<typeof startTestHub>>;
type Api = Awaited<ReturnType<typeof signedInAgent>>['api'];
const IDENTITY_SECRET = 'shop-identity-secret-0123456789';

interface Setup { hub: TestHub; mail: Transporter; api: Api }
const sockets: Socket[] = [];
let open: Setup;
let strict: Setup;

async function start(name: string, extra: Record<string, string> = {}): Promise<Setup> {
  const port = await freePort();
  const hub = await startTestHub(testConfig(name, { EMAIL_SMTP_PORT: String(port), EMAIL_SUPPORT_ADDRESSES: 'support@kanal.test', ...extra }));
  const mail = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  const { api } = await signedInAgent(hub, `ajan@${name}.test`, 'Ajan');
  return { hub, mail, api };
}

beforeAll(async () => {
  open = await start('preclaim');
  strict = await start('preclaimstrict', { WIDGET_IDENTITY_SECRET: IDENTITY_SECRET });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const s of [open, strict]) {
    s?.mail.close();
    await s?.hub.stop();
  }
});

/** A widget visitor through the real session endpoint and socket; sends one message and returns where it was stored. */
async function visitorSays(s: Setup, session: Record<string, unknown>, text: string) {
  const res = await fetch(`${s.hub.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(session) });
  expect(res.status).toBe(200);
  const { token, visitorId } = (await res.json()) as { token: string; visitorId: string };
  const socket = connect(`${s.hub.url}/widget`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await connected(socket);
  const ack = (await socket.timeout(5000).emitWithAck('message:send', { clientId: 'c1', text })) as { ok?: boolean };
  expect(ack).toMatchObject({ ok: true });
  socket.disconnect();
  return waitFor(() => collectionsOf(s.hub.deps.models).Message.findOne({ dedupeKey: `webchat:${visitorId}:c1` }).lean(), 15_000, 'the visitor message');
}

/** A real mail from `from` to our SMTP listener, answered 250, and its stored message. */
async function mailFrom(s: Setup, from: string, id: string, text: string) {
  const raw = Buffer.from([
    `From: <${from}>`, 'To: support@kanal.test', 'Subject: Hesabım', `Message-ID: <${id}@mail.example>`,
    'Date: Mon, 30 Nov 2026 09:00:00 +0300', 'Content-Type: text/plain; charset=utf-8', '', text, '',
  ].join('\r\n'));
  expect((await s.mail.sendMail({ envelope: { from, to: ['support@kanal.test'] }, raw })).response).toMatch(/^250/);
  return waitFor(() => collectionsOf(s.hub.deps.models).Message.findOne({ dedupeKey: `email:<${id}@mail.example>` }).lean(), 15_000, `mail ${id}`);
}

const replyChannels = async (s: Setup, customerId: unknown) =>
  ((await s.api<{ channel: string }[]>('GET', `/customers/${String(customerId)}/channels`)).body).map((o) => o.channel).sort();

test('a visitor who types someone else\'s email does not become them: the owner\'s mail reaches the owner\'s own conversation', async () => {
  const visitor = await visitorSays(open, { name: 'Sahte Ayşe', email: 'ayse.kurban@example.com' }, 'Siparişimin adresini değiştirin');
  const mail = await mailFrom(open, 'ayse.kurban@example.com', 'kurban-1', 'Kart şifremi unuttum, yardım eder misiniz?');

  expect(String(mail.customerId)).not.toBe(String(visitor.customerId));
  expect(String(mail.conversationId)).not.toBe(String(visitor.conversationId));
  // The address is the owner's identity, not the visitor's.
  const identity = await collectionsOf(open.hub.deps.models).Identity.findOne({ kind: 'email', address: 'ayse.kurban@example.com' }).lean();
  expect(String(identity?.customerId)).toBe(String(mail.customerId));
  // No reply to the visitor goes by email, and none to the owner by the visitor's web chat.
  expect(await replyChannels(open, visitor.customerId)).toEqual(['webchat']);
  expect(await replyChannels(open, mail.customerId)).toEqual(['email']);
  const thread = await open.api<{ items: { text: string }[] }>('GET', `/customers/${String(visitor.customerId)}/thread`);
  expect(thread.body.items.map((m) => m.text)).toEqual(['Siparişimin adresini değiştirin']);
});

test('the claimed email is visible to agents with a merge suggestion, whoever wrote first; a merge clears it', async () => {
  // The owner wrote first, then a visitor claims the address (written differently).
  const owner = await mailFrom(open, 'mehmet.sahip@example.com', 'sahip-1', 'Merhaba');
  const visitor = await visitorSays(open, { name: 'Mehmet?', email: 'Mehmet.Sahip@Example.com' }, 'Ben Mehmet');
  const view = await open.api<CustomerView>('GET', `/customers/${String(visitor.customerId)}`);
  expect(view.status).toBe(200);
  expect(view.body.identities.map((i) => i.kind)).toEqual(['webchat']);
  expect(view.body.unverifiedEmail).toBe('mehmet.sahip@example.com');
  expect(view.body.mergeSuggestions).toEqual([
    { reason: 'unverified_email', address: 'mehmet.sahip@example.com', customerId: String(owner.customerId) },
  ]);
  // The owner's own view suggests nothing (the suggestion sits with whoever only claimed the address).
  expect((await open.api<CustomerView>('GET', `/customers/${String(owner.customerId)}`)).body.mergeSuggestions).toEqual([]);
  // Agents find the visitor by what they typed.
  const found = await open.api<{ customers: { id: string }[] }>('GET', '/search?q=mehmet.sahip%40example.com');
  expect(found.body.customers.map((c) => c.id).sort()).toEqual([String(owner.customerId), String(visitor.customerId)].sort());

  // An agent confirms they are one person: merged, the suggestion is gone.
  const merged = await open.api('POST', `/customers/${String(visitor.customerId)}/merge`, { sourceId: String(owner.customerId) });
  expect(merged.status).toBe(200);
  const after = await open.api<CustomerView>('GET', `/customers/${String(visitor.customerId)}`);
  expect(after.body.mergeSuggestions).toEqual([]);
  expect(after.body.identities.map((i) => `${i.kind}:${i.address}`).sort()).toEqual(['email:mehmet.sahip@example.com', `webchat:${visitor.dedupeKey.split(':')[1]}`]);

  // The visitor of the first test (claimed first, owner wrote later) has its suggestion too.
  const first = await collectionsOf(open.hub.deps.models).Customer.findOne({ unverifiedEmail: 'ayse.kurban@example.com' }).lean();
  const firstView = await open.api<CustomerView>('GET', `/customers/${String(first!._id)}`);
  expect(firstView.body.mergeSuggestions).toEqual([expect.objectContaining({ address: 'ayse.kurban@example.com' })]);
});

test('strict identity mode: an email the host signed links (the owner\'s mail joins the same customer); an unsigned one does not', async () => {
  const signed = await visitorSays(strict, {
    userId: 'musteri-9', userHash: identityHash('musteri-9', IDENTITY_SECRET),
    email: 'imzali@example.com', emailHash: identityHash('imzali@example.com', IDENTITY_SECRET),
  }, 'İmzalı kullanıcıyım');
  const signedMail = await mailFrom(strict, 'imzali@example.com', 'imzali-1', 'E-postadan da yazıyorum');
  expect(String(signedMail.customerId)).toBe(String(signed.customerId));
  expect(await replyChannels(strict, signed.customerId)).toEqual(['email', 'webchat']);
  const identity = await collectionsOf(strict.hub.deps.models).Identity.findOne({ kind: 'email', address: 'imzali@example.com' }).lean();
  expect(identity?.verified).toBe(true);

  // A signed user who adds an email the host did not sign only claims it.
  const unsigned = await visitorSays(strict, { userId: 'musteri-10', userHash: identityHash('musteri-10', IDENTITY_SECRET), email: 'baskasi@example.com' }, 'Merhaba');
  const otherMail = await mailFrom(strict, 'baskasi@example.com', 'baskasi-1', 'Ben gerçek sahibiyim');
  expect(String(otherMail.customerId)).not.toBe(String(unsigned.customerId));
  // A wrong signature is refused outright.
  const forged = await fetch(`${strict.hub.url}/api/widget/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'musteri-11', userHash: identityHash('musteri-11', IDENTITY_SECRET), email: 'imzali@example.com', emailHash: identityHash('baska@example.com', IDENTITY_SECRET) }),
  });
  expect(forged.status).toBe(401);
  expect(await forged.json()).toEqual({ error: 'invalid emailHash' });
});
