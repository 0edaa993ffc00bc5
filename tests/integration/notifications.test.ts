import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import type { InboundMessage } from '../../src/domain/messages';
import { ingest } from '../../src/services/ingest/ingest';
import { conversationEffects } from '../../src/services/conversations/lifecycle';
import { eraseCustomer } from '../../src/services/privacy/erase';
import { collectionsOf } from '../../src/store/collections';
import type { NotificationView } from '../../src/services/notifications/notifications';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected, nextEvent } from '../helpers/sockets';

// The console's bell: mentions and assignments are stored for the agent they concern (found later by an agent who
// was offline), pushed live to that agent's room with the unread count, and read or marked only by that agent.
let hub: Awaited<ReturnType<typeof startTestHub>>;
type Client = Awaited<ReturnType<typeof signedInAgent>>;
let ali: Client;
let selin: Client;
let admin: Client;
const sockets: Socket[] = [];
type Page = { notifications: NotificationView[]; unread: number; next: string | null };

async function conversation(name = 'Zeynep Kaya'): Promise<{ id: string; customerName: string }> {
  const msg: InboundMessage = {
    channel: 'webchat', dedupeKey: `webchat:${new Types.ObjectId()}`, from: { address: `visitor-${new Types.ObjectId()}`, name },
    text: 'Faturam hatalı', attachments: [], sentAt: new Date().toISOString(),
  };
  const r = await ingest(hub.deps.models, hub.deps.events, msg);
  return { id: String(r.conversationId), customerName: name };
}
async function socketOf(who: Client): Promise<Socket> {
  const s = connect(`${hub.url}/agents`, { auth: { token: who.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await connected(s);
  return s;
}
const bell = async (who: Client, query = '') => (await who.api<Page>('GET', `/me/notifications${query}`)).body;

beforeAll(async () => {
  hub = await startTestHub(testConfig('notifications'), 'hub');
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici Ece', 'admin');
  ali = await signedInAgent(hub, 'ali@kanal.test', 'Ali Demir', 'agent');
  selin = await signedInAgent(hub, 'selin@kanal.test', 'Selin Kaya', 'agent');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('a mention of an agent who is offline waits in their bell, unread, until they read it', async () => {
  const c = await conversation('Mehmet Öztürk');
  const before = (await bell(selin)).unread;
  const note = await ali.api<{ id: string }>('POST', `/conversations/${c.id}/notes`, { text: '@Selin Kaya iade onayı sende', mentions: [selin.id] });
  expect(note.status).toBe(201);

  // Selin was not connected: the notification is there when she looks.
  const page = await bell(selin);
  expect(page.unread).toBe(before + 1);
  expect(page.notifications[0]).toMatchObject({
    kind: 'mention', conversationId: c.id, messageId: note.body.id, from: { id: ali.id, name: 'Ali Demir' },
    customerName: 'Mehmet Öztürk', preview: '@Selin Kaya iade onayı sende', read: false,
  });
  // Nobody else's bell has it, and nobody else can mark it.
  expect((await bell(admin)).notifications.map((n) => n.messageId)).not.toContain(note.body.id);
  expect((await admin.api('POST', '/me/notifications/read', { ids: [page.notifications[0]!.id] })).body).toEqual({ unread: (await bell(admin)).unread });
  expect((await bell(selin)).notifications[0]!.read).toBe(false);

  const read = await selin.api('POST', '/me/notifications/read', { ids: [page.notifications[0]!.id] });
  expect(read.body).toEqual({ unread: before });
  expect((await bell(selin)).notifications[0]).toMatchObject({ id: page.notifications[0]!.id, read: true });
  // Reading it again changes nothing.
  expect((await selin.api('POST', '/me/notifications/read', { ids: [page.notifications[0]!.id] })).body).toEqual({ unread: before });
});

test('an assignment by someone else is pushed live with the count; taking a conversation yourself is not', async () => {
  const socket = await socketOf(selin);
  const c = await conversation('Ayşe Yılmaz');
  const pushed = nextEvent<{ notification: NotificationView; unread: number }>(socket, AgentEvents.notification, (p) => p.notification.conversationId === c.id);
  expect((await admin.api('POST', `/conversations/${c.id}/assign`, { assigneeId: selin.id })).status).toBe(200);
  const live = await pushed;
  expect(live.notification).toMatchObject({ kind: 'assigned', from: { id: admin.id, name: 'Yönetici Ece' }, customerName: 'Ayşe Yılmaz', read: false });
  expect(live.unread).toBe((await bell(selin)).unread);

  const own = await conversation('Can Arslan');
  expect((await selin.api('POST', `/conversations/${own.id}/assign`, { assigneeId: selin.id })).status).toBe(200);
  expect((await bell(selin)).notifications.filter((n) => n.conversationId === own.id)).toEqual([]);
});

test('"mark all read" clears the count in every tab; later notifications count again', async () => {
  const tab = await socketOf(ali);
  const c = await conversation();
  await selin.api('POST', `/conversations/${c.id}/notes`, { text: 'Ali, bakar mısın?', mentions: [ali.id] });
  expect((await bell(ali)).unread).toBeGreaterThan(0);
  const told = nextEvent<{ unread: number }>(tab, AgentEvents.notificationsRead);
  expect((await ali.api('POST', '/me/notifications/read', { all: true })).body).toEqual({ unread: 0 });
  expect(await told).toEqual({ unread: 0 });
  expect((await bell(ali)).notifications.every((n) => n.read)).toBe(true);

  await selin.api('POST', `/conversations/${c.id}/notes`, { text: 'Bir de şuna', mentions: [ali.id] });
  const after = await bell(ali);
  expect(after.unread).toBe(1);
  expect(after.notifications[0]).toMatchObject({ preview: 'Bir de şuna', read: false });
});

test('the bell copies nothing of the customer: once erased, its name and the note\'s words are gone from it too', async () => {
  const c = await conversation('Elif Şahin');
  await ali.api('POST', `/conversations/${c.id}/notes`, { text: 'Elif Hanım 5321112233 numarasından aradı', mentions: [selin.id] });
  expect((await bell(selin)).notifications[0]).toMatchObject({ customerName: 'Elif Şahin', preview: 'Elif Hanım 5321112233 numarasından aradı' });
  const customerId = String((await hub.deps.models.conversations.byId(c.id))!.customerId);
  await eraseCustomer(conversationEffects(hub.deps), hub.deps.blobs, { id: admin.id, name: 'Yönetici Ece' }, customerId, {
    invalidate: async () => {}, forgetInboundJobs: async () => {}, forgetWebhookDeliveries: async () => {}, forgetAutomationEvents: async () => {},
  });
  const after = (await bell(selin)).notifications.find((n) => n.conversationId === c.id);
  expect(after).toMatchObject({ kind: 'mention', customerName: null, preview: '' });
  const stored = await collectionsOf(hub.deps.models).Notification.find({ conversationId: new Types.ObjectId(c.id) }).lean();
  expect(JSON.stringify(stored)).not.toMatch(/Elif|5321112233/);
});

test('bad requests are refused with a clear 400', async () => {
  expect((await selin.api('POST', '/me/notifications/read', {})).status).toBe(400);
  expect((await selin.api('POST', '/me/notifications/read', { ids: ['nope'] })).status).toBe(400);
  expect((await selin.api('POST', '/me/notifications/read', { all: false })).status).toBe(400);
  expect((await selin.api('GET', '/me/notifications?before=yesterday')).status).toBe(400);
  expect((await selin.api('GET', '/me/notifications?limit=1000')).status).toBe(400);
});

test('the list pages back a week at a time, at most half a year', async () => {
  const c = await conversation();
  const agentId = new Types.ObjectId(ali.id);
  const weeksAgo = (n: number) => new Date(Date.now() - n * 7 * 86_400_000);
  for (const n of [3, 10, 40]) {
    await hub.deps.models.notifications.add({
      key: `old|${n}`, agentId, kind: 'assigned', conversationId: new Types.ObjectId(c.id), messageId: null, from: null, customerId: null, at: weeksAgo(n),
    });
  }
  const seen: NotificationView[] = [];
  let page = await bell(ali, '?limit=1');
  seen.push(...page.notifications);
  while (page.next) {
    page = await bell(ali, `?limit=1&before=${page.next}`);
    seen.push(...page.notifications);
  }
  const times = seen.map((n) => Date.parse(n.at));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(seen.filter((n) => n.kind === 'assigned' && !n.from).map((n) => Math.round((Date.now() - Date.parse(n.at)) / (7 * 86_400_000)))).toEqual([3, 10]);
});
