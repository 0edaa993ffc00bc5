import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { remoteAuth } from '../../channels/whatsapp/client';
import { createAgent } from '../../src/services/agents/agents';
import { startWhatsAppSession } from '../../src/whatsapp-session';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { drained } from '../helpers/queues';
import { freePort, waitFor } from '../helpers/process';
import { connected, nextEvent } from '../helpers/sockets';
import { StandinClient } from '../helpers/wwebjs-standin';
import { collectionsOf } from '../../src/store/collections';

// The production session module and session process wiring, with a stand-in whatsapp-web.js Client and the real
// RemoteAuth + wwebjs-mongo store on FerretDB.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kanal-wwebjs-'));
const clients: StandinClient[] = [];
const tokens: Record<string, string> = {};
const sockets: Socket[] = [];
let hub: Awaited<ReturnType<typeof startTestHub>>;
let session: Awaited<ReturnType<typeof startWhatsAppSession>>;
let config: ReturnType<typeof testConfig>;

async function api<T = any>(who: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${hub.url}/api${p}`, {
    method, headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

const startSession = () =>
  startWhatsAppSession(config, {
    reconnectDelayMs: 50,
    clientFactory: (auth) => () => {
      const c = new StandinClient({ authStrategy: remoteAuth({ ...auth, backupSyncIntervalMs: 60_000 }) as never });
      clients.push(c);
      return c;
    },
  });

beforeAll(async () => {
  config = testConfig('whatsapp', {
    WHATSAPP_ROUTE: 'wwebjs', WWEBJS_ACCOUNT: 'magaza', WWEBJS_CONTROL_URL: `http://127.0.0.1:${await freePort()}`,
    WWEBJS_CONTROL_TOKEN: randomBytes(32).toString('hex'), WWEBJS_DATA_DIR: dataDir, ATTACHMENT_MAX_BYTES: '4096',
    // A reply while the session reconnects is retried until it is back: 8 attempts from 50 ms span ~13 s (the
    // tests' default of 3 spans 350 ms, shorter than a reconnect on a loaded machine).
    OUTBOUND_ATTEMPTS: '8',
  });
  hub = await startTestHub(config);
  for (const [name, role] of [['admin', 'admin'], ['ali', 'agent']] as const) {
    await createAgent(hub.deps.models, { email: `${name}@kanal.test`, name, password: 'parola-1234567', role, teamIds: [] });
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${name}@kanal.test`, password: 'parola-1234567' }),
    });
    tokens[name] = ((await res.json()) as { token: string }).token;
  }
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await session?.close();
  await hub.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const openSocket = async (who: string) => {
  const s = connect(`${hub.url}/agents`, { auth: { token: tokens[who] }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await connected(s);
  return s;
};

const inbound = (providerId: string) => waitFor(async () => collectionsOf(hub.deps.models).Message.findOne({ providerId, direction: 'in' }).lean());
const customer = '905321234567@c.us';

test('QR -> paired -> messages in -> reply out with acks -> disconnected -> paired again without a QR', async () => {
  const admin = await openSocket('admin');
  const agent = await openSocket('ali');
  const agentEvents: unknown[] = [];
  agent.on('whatsapp.session', (p) => agentEvents.push(p));
  const qrEvent = nextEvent<{ state: string; qr?: string; unofficial: boolean }>(admin, 'whatsapp.session', (p) => p.state === 'waiting_for_scan');
  session = await startSession();

  // Pairing: the admin gets the QR by socket and API; agents get neither.
  expect(await qrEvent).toMatchObject({ account: 'magaza', state: 'waiting_for_scan', qr: expect.stringMatching(/^2@/), unofficial: true });
  const listed = await api('admin', 'GET', '/admin/whatsapp/sessions');
  expect(listed.body).toEqual([expect.objectContaining({ account: 'magaza', state: 'waiting_for_scan', qr: expect.any(String), unofficial: true })]);
  expect((await api('ali', 'GET', '/admin/whatsapp/sessions')).status).toBe(403);
  const paired = nextEvent<{ state: string }>(admin, 'whatsapp.session', (p) => p.state === 'paired');
  await clients[0]!.scan();
  await paired;
  expect(await session.store.sessionExists({ session: 'RemoteAuth-magaza' })).toBe(true);

  // Inbound: text, image, voice note, document, location; a group chat and a status update are ignored.
  const text = clients[0]!.receive({ from: customer, body: 'Merhaba, İade süreci nasıl işliyor?', notifyName: 'Ayşe Işık' });
  const stored = await inbound(text.id._serialized);
  expect(stored).toMatchObject({ channel: 'whatsapp', text: 'Merhaba, İade süreci nasıl işliyor?', threadHints: { route: 'wwebjs', chat: customer } });
  const identity = await collectionsOf(hub.deps.models).Identity.findOne({ customerId: stored.customerId }).lean();
  expect(identity).toMatchObject({ kind: 'phone', address: '+905321234567' });
  expect((await collectionsOf(hub.deps.models).Customer.findById(stored.customerId).lean())?.name).toBe('Ayşe Işık');

  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 3)]);
  const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(100, 4)]);
  const pdf = Buffer.from('%PDF-1.4\n% fatura\n');
  const image = await inbound(clients[0]!.receive({ from: customer, type: 'image', body: 'kırık kutu', media: { mimetype: 'image/png', data: png } }).id._serialized);
  expect(image.text).toBe('kırık kutu');
  expect(image.attachments).toEqual([expect.objectContaining({ contentType: 'image/png', size: png.length })]);
  const voice = await inbound(clients[0]!.receive({ from: customer, type: 'ptt', media: { mimetype: 'audio/ogg; codecs=opus', data: ogg } }).id._serialized);
  expect(voice).toMatchObject({ text: '🎤 voice note', attachments: [expect.objectContaining({ contentType: 'audio/ogg' })] });
  const doc = await inbound(clients[0]!.receive({ from: customer, type: 'document', media: { mimetype: 'application/pdf', data: pdf, filename: 'fatura.pdf' } }).id._serialized);
  expect(doc.attachments).toEqual([expect.objectContaining({ name: 'fatura.pdf', contentType: 'application/pdf' })]);
  const big = await inbound(clients[0]!.receive({ from: customer, type: 'image', media: { mimetype: 'image/jpeg', data: Buffer.alloc(10_000, 1) } }).id._serialized);
  expect(big.attachments).toEqual([]);
  expect(big.text).toMatch(/⚠️ .* \(image\/jpeg\) was not kept: larger than 4096 bytes/);
  const loc = await inbound(clients[0]!.receive({ from: customer, type: 'location', location: { latitude: 41.0082, longitude: 28.9784, description: 'Sultanahmet' } }).id._serialized);
  expect(loc.text).toBe('📍 41.0082,28.9784 Sultanahmet\nhttps://maps.google.com/?q=41.0082,28.9784');
  const group = clients[0]!.receive({ from: '120363025555555555@g.us', author: '905329999999@c.us', body: 'grup mesajı' });
  const status = clients[0]!.receive({ from: 'status@broadcast', body: 'durum' });
  // Once the session has handled both and the queue is empty, neither can still arrive.
  await session.session.idle();
  await drained([hub.deps.queues.inbound]);
  expect(await collectionsOf(hub.deps.models).Message.countDocuments({ providerId: { $in: [group.id._serialized, status.id._serialized] } })).toBe(0);

  // The channel picker marks the route unofficial and has no 24-hour window for it.
  const channels = await api('ali', 'GET', `/customers/${stored.customerId}/channels`);
  expect(channels.body).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'whatsapp', available: true, official: false, route: 'wwebjs' })]));

  // Reply out through the worker -> control endpoint -> session; acks move it to delivered, then read.
  const reply = await api('ali', 'POST', `/conversations/${stored.conversationId}/reply`, { text: 'İade formunu gönderiyorum.' });
  expect(reply.status).toBe(202);
  const sent = await waitFor(async () => {
    const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
    return m?.delivery?.status === 'sent' ? m : undefined;
  });
  const out = clients[0]!.sent.find((s) => s.id === sent.providerId)!;
  const threadStatus = async () => ((await api('ali', 'GET', `/customers/${stored.customerId}/thread`)).body as { items: { id: string; delivery: { status: string } }[] }).items.find((x) => x.id === reply.body.id)?.delivery.status;
  expect(await threadStatus()).toBe('sent'); // the thread is read (and cached) before the receipts arrive
  expect(out).toMatchObject({ chatId: customer, content: 'İade formunu gönderiyorum.' });
  clients[0]!.ack(out.id, 2);
  await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean())?.delivery?.status === 'delivered' || undefined);
  clients[0]!.ack(out.id, 3);
  await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean())?.delivery?.status === 'read' || undefined);
  expect(await threadStatus()).toBe('read'); // receipts written by the session process reach the cached thread
  clients[0]!.ack(out.id, 2); // late receipt: no step back
  await session.session.idle(); // the session has handled (written) the receipt
  expect((await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean())?.delivery?.status).toBe('read');

  // The phone drops the session: state disconnected, then a new client restores the pairing from the store.
  const disconnected = nextEvent<{ state: string; reason?: string }>(admin, 'whatsapp.session', (p) => p.state === 'disconnected');
  const pairedAgain = nextEvent<{ state: string }>(admin, 'whatsapp.session', (p) => p.state === 'paired');
  clients[0]!.drop('CONFLICT');
  expect(await disconnected).toMatchObject({ reason: 'CONFLICT' });
  await pairedAgain;
  expect(clients).toHaveLength(2);
  expect(clients[0]!.destroyed).toBe(true);
  expect(clients[1]!.qrShown).toBe(0);
  expect(agentEvents).toEqual([]);

  // A restart of the whole session process pairs without a scan too.
  await session.close();
  session = await startSession();
  await waitFor(async () => (session.session.status.state === 'paired' ? true : undefined));
  expect(clients[2]!.qrShown).toBe(0);
});

test('a reply right after the session drops is sent once the session is back', async () => {
  const stored = await inbound(clients[2]!.receive({ from: '905551112233@c.us', body: 'Selam' }).id._serialized);
  clients[2]!.drop('NAVIGATION'); // a send meanwhile gets 503 from the control endpoint and is retried by the queue
  const reply = await api('ali', 'POST', `/conversations/${stored.conversationId}/reply`, { text: 'Merhaba' });
  const sent = await waitFor(async () => {
    const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
    return m?.delivery?.status === 'sent' ? m : undefined;
  }, 20_000, 'the reply sent after the reconnect');
  expect(clients[3]!.sent.map((s) => s.id)).toContain(sent.providerId);
});

test('the control endpoint refuses callers without the token', async () => {
  const res = await fetch(`${session.controlUrl}/send`, { method: 'POST', body: JSON.stringify({ to: '+905321234567', text: 'x' }) });
  expect(res.status).toBe(401);
});
