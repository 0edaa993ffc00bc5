import type { Application } from 'express';
import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents, Rooms } from '../../src/domain/events';
import type { InboundMessage } from '../../src/domain/messages';
import type { MessageView } from '../../src/domain/views';
import { createReply } from '../../src/services/conversations/replies';
import { ingest } from '../../src/services/ingest/ingest';
import { storeAttachment } from '../../src/services/ingest/attachments';
import { mergeCustomers } from '../../src/services/identity/merge';
import { conversationEffects } from '../../src/services/conversations/lifecycle';
import { backfillAttachmentKeysOnce } from '../../src/services/access/attachment-keys';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected, nextEvent } from '../helpers/sockets';

// Team access (src/services/access): in `team` mode an agent of team B neither reads nor acts on team A's
// conversations, customers, messages and files, over REST or sockets; supervisors see all; `open` shows all.

let hub: Awaited<ReturnType<typeof startTestHub>>;
type Client = Awaited<ReturnType<typeof signedInAgent>>;
let ali: Client; // team A
let burak: Client; // team B
let selin: Client; // supervisor, no team
let admin: Client;
const teams: Record<'A' | 'B', string> = { A: '', B: '' };
const sockets: Socket[] = [];
let seq = 0;

const inbound = (address: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: 'webchat', dedupeKey: `webchat:${++seq}-${new Types.ObjectId()}`, from: { address, name: 'Zeynep Kaya' },
  text, attachments: [], sentAt: new Date().toISOString(), ...extra,
});

/** A customer whose (web chat) conversation belongs to `team`, optionally with a file the customer sent. */
async function customerOf(team: 'A' | 'B' | null, text = 'Merhaba, faturam hatalı', withFile = false) {
  const attachments = withFile
    ? [await storeAttachment(hub.deps.blobs, { name: 'fatura.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 gizli') }, 1_000_000)]
    : [];
  const address = `visitor-${new Types.ObjectId()}`;
  const r = await ingest(hub.deps.models, hub.deps.events, inbound(address, text, { attachments }));
  if (team) await hub.deps.models.conversations.updateById(r.conversationId, { $set: { teamId: new Types.ObjectId(teams[team]) } });
  return { customerId: String(r.customerId), conversationId: String(r.conversationId), address, fileKey: attachments[0]?.storageKey };
}

const setMode = async (mode: 'open' | 'team') => expect((await admin.api('PUT', '/admin/team-access', { mode })).status).toBe(200);

function socketOf(who: Client): Socket {
  const s = connect(`${hub.url}/agents`, { auth: { token: who.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
const ack = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<{ ok?: true; error?: string }>;
const inRoom = async (room: string, socketId: string) => (await hub.io!.of('/agents').in(room).fetchSockets()).some((s) => s.id === socketId);

async function upload(who: Client, name: string, bytes: Buffer) {
  const res = await fetch(`${hub.url}/api/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST', headers: { authorization: `Bearer ${who.token}`, 'content-type': 'text/plain' }, body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { storageKey: string }).storageKey;
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('teamaccess'), 'hub');
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici', 'admin');
  for (const t of ['A', 'B'] as const) teams[t] = (await admin.api('POST', '/teams', { name: `Takım ${t}` })).body.id;
  ali = await signedInAgent(hub, 'ali@kanal.test', 'Ali', 'agent', [teams.A]);
  burak = await signedInAgent(hub, 'burak@kanal.test', 'Burak', 'agent', [teams.B]);
  selin = await signedInAgent(hub, 'selin@kanal.test', 'Selin', 'supervisor');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('team access is on unless an admin opens it, and only admins see or change it', async () => {
  expect((await admin.api('GET', '/admin/team-access')).body).toEqual({ mode: 'team', default: 'team' });
  expect((await burak.api('PUT', '/admin/team-access', { mode: 'open' })).status).toBe(403);
  expect((await admin.api('PUT', '/admin/team-access', { mode: 'hepsi' })).status).toBe(400);
});

/**
 * One row per agent API route that names a conversation, customer, message, audit entry or attachment: how to call
 * it on team A's resources, and what team A's agent (or a supervisor, for supervisor routes) gets. The test below
 * derives the routes from the running app: a new such route without a row here fails it.
 */
type Fixture = { conversationId: string; customerId: string; fileKey: string; messageId: string; auditId: string; sourceId: string };
type Row = { body?: (f: Fixture) => unknown; id: (f: Fixture) => string; own: number; as?: 'selin' | 'admin' };
const routeTable: Record<string, Row> = {
  'get /conversations/:id': { id: (f) => f.conversationId, own: 200 },
  'post /conversations/:id/reply': { id: (f) => f.conversationId, body: () => ({ text: 'Düzelttik, kusura bakmayın' }), own: 202 },
  'post /conversations/:id/notes': { id: (f) => f.conversationId, body: () => ({ text: 'Muhasebeye sordum' }), own: 201 },
  'post /conversations/:id/assign': { id: (f) => f.conversationId, body: () => ({ assigneeId: ali.id }), own: 200 },
  'post /conversations/:id/status': { id: (f) => f.conversationId, body: () => ({ status: 'pending' }), own: 200 },
  'post /conversations/:id/labels': { id: (f) => f.conversationId, body: () => ({ add: ['fatura'] }), own: 200 },
  // Passes the access check, then needs the official WhatsApp route and a template (422 here).
  'post /conversations/:id/template': { id: (f) => f.conversationId, body: () => ({ template: 'yok' }), own: 422 },
  'patch /conversations/:id/routing': { id: (f) => f.conversationId, body: () => ({ priority: 5 }), own: 200, as: 'selin' },
  'get /customers/:id': { id: (f) => f.customerId, own: 200 },
  'patch /customers/:id': { id: (f) => f.customerId, body: () => ({ language: 'tr' }), own: 200 },
  'get /customers/:id/thread': { id: (f) => f.customerId, own: 200 },
  'get /customers/:id/conversations': { id: (f) => f.customerId, own: 200 },
  'get /customers/:id/audit': { id: (f) => f.customerId, own: 200 },
  'get /customers/:id/channels': { id: (f) => f.customerId, own: 200 },
  'get /customers/:id/csat': { id: (f) => f.customerId, own: 200 },
  'get /conversations/:id/csat': { id: (f) => f.conversationId, own: 200 },
  'post /customers/:id/name': { id: (f) => f.customerId, body: () => ({ name: 'Zeynep K.' }), own: 200 },
  // No definitions in this store: an empty change passes the access check and sets nothing.
  'patch /customers/:id/attributes': { id: (f) => f.customerId, body: () => ({ attributes: {} }), own: 200 },
  'patch /conversations/:id/attributes': { id: (f) => f.conversationId, body: () => ({ attributes: {} }), own: 200 },
  'post /customers/:id/merge': { id: (f) => f.customerId, body: (f) => ({ sourceId: f.sourceId }), own: 200 },
  'post /audit/:id/undo': { id: (f) => f.auditId, own: 200 },
  'post /messages/:id/retry': { id: (f) => f.messageId, own: 202 },
  'get /attachments/:key': { id: (f) => f.fileKey, own: 200 },
  'get /conversations/:id/snooze-presets': { id: (f) => f.conversationId, own: 200 },
  'get /customers/:id/health': { id: (f) => f.customerId, own: 200 },
  // Personal data requests are admins' (docs/privacy.md); a wrong confirmation passes the access check and erases nothing.
  'get /customers/:id/export': { id: (f) => f.customerId, own: 200, as: 'admin' },
  'get /customers/:id/erasure': { id: (f) => f.customerId, own: 200, as: 'admin' },
  'post /customers/:id/erase': { id: (f) => f.customerId, body: () => ({ confirm: 'yanlış isim' }), own: 400, as: 'admin' },
  // No macros in this store: past the access check, the macro (or the run to undo) is not found.
  'post /conversations/:id/macros/apply': { id: (f) => f.conversationId, body: () => ({ macroId: String(new Types.ObjectId()) }), own: 404 },
  'get /conversations/:id/macros/last': { id: (f) => f.conversationId, own: 200 },
  'post /conversations/:id/macros/undo': { id: (f) => f.conversationId, own: 404 },
};
const RESOURCE_PATH = /^\/(conversations|customers|messages|audit|attachments)\/:/;

/** Every route of the running app (method and path, mount prefixes left out), from Express's own router. */
function appRoutes(): string[] {
  const app = hub.app as Application & { router: { stack: unknown[] } };
  const out: string[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk(app.router.stack);
  return out;
}

test('every route naming a conversation, customer, message, audit entry or file refuses team B and serves team A', async () => {
  await setMode('team');
  const a = await customerOf('A', 'Faturamda iki kez ücret var', true);
  const source = await customerOf('A', 'Ben de aynı kişiyim');
  const merged = await customerOf('A', 'Eski hesabım');
  const audit = await mergeCustomers(conversationEffects(hub.deps), { id: admin.id, name: 'Yönetici' }, a.customerId, merged.customerId, async () => {});
  const reply = await createReply(hub.deps.models, null, { conversationId: a.conversationId, agent: { id: ali.id, name: 'Ali' }, text: 'Bakıyorum' });
  await hub.deps.models.messages.markFailed(reply.message._id, 'test: provider down');
  const f: Fixture = { ...a, fileKey: a.fileKey!, messageId: String(reply.message._id), auditId: audit.auditId!, sourceId: source.customerId };

  const routes = appRoutes().filter((r) => RESOURCE_PATH.test(r.split(' ')[1]!));
  expect(routes.length).toBeGreaterThanOrEqual(Object.keys(routeTable).length);
  const unlisted = routes.filter((r) => !routeTable[r]);
  expect(unlisted).toEqual([]); // a new route names one of these: add its row (and its access decision)

  for (const route of routes) {
    const row = routeTable[route]!;
    const [method, path] = route.split(' ') as [string, string];
    const url = path.replace(/:(id|key)/, row.id(f));
    const denied = await burak.api(method.toUpperCase(), url, row.body?.(f));
    expect({ route, status: [403, 404].includes(denied.status) ? 'refused' : denied.status }).toEqual({ route, status: 'refused' });
    const own = await (row.as === 'selin' ? selin : row.as === 'admin' ? admin : ali).api(method.toUpperCase(), url, row.body?.(f));
    expect({ route, status: own.status }).toEqual({ route, status: row.own });
  }
});

test('the inbox list, counts and search show team B nothing of team A; team A and supervisors see it', async () => {
  await setMode('team');
  const word = `fatura${seq}x`;
  const a = await customerOf('A', `Takım A ${word}`);
  const b = await customerOf('B', `Takım B ${word}`);
  const queue = await customerOf(null, `Takımsız ${word}`);
  const ids = async (who: Client, q = '') => ((await who.api('GET', `/conversations?limit=100${q}`)).body.items as { id: string }[]).map((c) => c.id);

  const seenByBurak = await ids(burak);
  expect(seenByBurak).toEqual(expect.arrayContaining([b.conversationId, queue.conversationId]));
  expect(seenByBurak).not.toContain(a.conversationId);
  expect(await ids(burak, `&team=${teams.A}`)).toEqual([]);
  expect(await ids(ali)).toEqual(expect.arrayContaining([a.conversationId, queue.conversationId]));
  expect(await ids(selin)).toEqual(expect.arrayContaining([a.conversationId, b.conversationId, queue.conversationId]));

  // Counts add up to what the list shows (every conversation here is open, web chat, unassigned).
  const counts = (await burak.api('GET', '/inbox/counts?status=open')).body;
  const listed = await ids(burak, '&status=open');
  expect(counts.views.all).toBe(listed.length);
  expect(counts.views.unassigned).toBe(listed.length);
  expect(counts.channels.webchat).toBe(listed.length);
  expect(counts.teams[teams.A]).toBeUndefined();
  expect((await selin.api('GET', '/inbox/counts?status=open')).body.views.all).toBeGreaterThan(counts.views.all);

  const found = (await burak.api('GET', `/search?q=${word}`)).body;
  const conversationsFound = (found.messages as MessageView[]).map((m) => m.conversationId);
  expect(conversationsFound).toContain(b.conversationId);
  expect(conversationsFound).not.toContain(a.conversationId);
  expect((found.customers as { id: string }[]).map((c) => c.id)).not.toContain(a.customerId);

  // A conversation of team A assigned to Burak is his to see and act on (and counted once).
  const handed = await customerOf('A', 'Burak bakabilir mi?');
  expect((await selin.api('POST', `/conversations/${handed.conversationId}/assign`, { assigneeId: burak.id })).status).toBe(200);
  expect(await ids(burak, '&assignee=me')).toContain(handed.conversationId);
  expect((await burak.api('GET', '/inbox/counts?status=open')).body.views.all).toBe((await ids(burak, '&status=open')).length);
});

test('the unified thread shows a restricted agent only the conversations they may see', async () => {
  await setMode('team');
  const customer = await customerOf('B', 'Önce B takımına yazdım');
  // The same customer later writes again; that conversation goes to team A.
  await hub.deps.models.conversations.updateById(customer.conversationId, { $set: { status: 'resolved', openKey: `resolved:${customer.conversationId}`, resolvedAt: new Date(Date.now() - 10 * 86400_000) } });
  const later = await ingest(hub.deps.models, null, inbound(customer.address, 'Şimdi A takımına gizli bir konu'));
  expect(String(later.conversationId)).not.toBe(customer.conversationId);
  await hub.deps.models.conversations.updateById(later.conversationId, { $set: { teamId: new Types.ObjectId(teams.A) } });

  const texts = async (who: Client) => ((await who.api('GET', `/customers/${customer.customerId}/thread`)).body.items as MessageView[]).map((m) => m.text);
  expect(await texts(burak)).toContain('Önce B takımına yazdım');
  expect(await texts(burak)).not.toContain('Şimdi A takımına gizli bir konu');
  expect(await texts(ali)).toContain('Şimdi A takımına gizli bir konu');
  const convs = (await burak.api('GET', `/customers/${customer.customerId}/conversations`)).body as { id: string }[];
  expect(convs.map((c) => c.id)).toEqual([customer.conversationId]);
});

test('a reply carries only files of its own customer: never another customer\'s, nor someone else\'s fresh upload', async () => {
  await setMode('team');
  const a = await customerOf('A', 'Dekontum ekte', true);
  const other = await customerOf('A', 'Başka bir müşteri');
  const b = await customerOf('B', 'B müşterisi');
  const reply = (who: Client, conversationId: string, key: string) => who.api('POST', `/conversations/${conversationId}/reply`, { text: 'Ek', attachments: [key] });

  expect((await reply(ali, other.conversationId, a.fileKey!)).status).toBe(422); // same team, another customer
  expect((await reply(burak, b.conversationId, a.fileKey!)).status).toBe(422);
  expect((await reply(ali, a.conversationId, a.fileKey!)).status).toBe(202); // back to its own customer

  const mine = await upload(burak, 'kampanya.txt', Buffer.from('indirim kodu'));
  expect((await reply(ali, a.conversationId, mine)).status).toBe(422); // Burak's, not sent yet: not Ali's to use
  expect((await ali.api('GET', `/attachments/${mine}`)).status).toBe(404);
  expect((await burak.api('GET', `/attachments/${mine}`)).status).toBe(200);
  expect((await reply(burak, b.conversationId, mine)).status).toBe(202);
  // Once sent, it is B's customer's file: not attachable to A's customer even by a supervisor.
  expect((await reply(selin, a.conversationId, mine)).status).toBe(422);
});

test('sockets: team B does not receive team A\'s message events, cannot join or type in its room; open mode shows all', async () => {
  await setMode('team');
  const a = await customerOf('A', 'İlk mesaj');
  const b = await customerOf('B', 'İlk mesaj');
  const sa = socketOf(ali);
  const sb = socketOf(burak);
  await Promise.all([connected(sa), connected(sb)]);
  const burakGot: MessageView[] = [];
  sb.on(AgentEvents.messageCreated, (m: MessageView) => burakGot.push(m));
  sb.on(AgentEvents.conversationUpdated, (c: { id: string }) => burakGot.push({ conversationId: c.id } as MessageView));

  expect(await ack(sb, 'conversation:join', { conversationId: a.conversationId })).toEqual({ error: 'conversation not found', code: 'not_found' });
  expect(await ack(sb, 'typing', { conversationId: a.conversationId, typing: true })).toEqual({ error: 'conversation not found', code: 'not_found' });
  expect(await ack(sa, 'conversation:join', { conversationId: a.conversationId })).toEqual({ ok: true });

  const aliSees = nextEvent<MessageView>(sa, AgentEvents.messageCreated, (m) => m.conversationId === a.conversationId);
  await ingest(hub.deps.models, hub.deps.events, inbound(a.address, 'Team A only: kart numaram 4111'));
  expect((await aliSees).text).toContain('kart numaram');
  // Then a team B message: once Burak has it, team A's (published before it, same order) would have come first.
  const burakSees = nextEvent<MessageView>(sb, AgentEvents.messageCreated, (m) => m.conversationId === b.conversationId);
  await ingest(hub.deps.models, hub.deps.events, inbound(b.address, 'Team B message'));
  await burakSees;
  expect(burakGot.filter((m) => m.conversationId === a.conversationId)).toEqual([]);

  // Open mode: every agent's socket joins the all-conversations room without reconnecting, and back.
  await setMode('open');
  await waitFor(() => inRoom(Rooms.inbox, sb.id!), 10_000, 'burak in the inbox room');
  expect(await ack(sb, 'conversation:join', { conversationId: a.conversationId })).toEqual({ ok: true });
  await setMode('team');
  await waitFor(async () => !(await inRoom(Rooms.inbox, sb.id!)) && !(await inRoom(Rooms.conversation(a.conversationId), sb.id!)), 10_000, 'burak out of team A rooms');
});

test('sockets: a conversation moved to another team leaves the rooms of those who may no longer see it', async () => {
  await setMode('team');
  const b = await customerOf('B', 'Yanlış takıma düştüm');
  const sb = socketOf(burak);
  await connected(sb);
  expect(await ack(sb, 'conversation:join', { conversationId: b.conversationId })).toEqual({ ok: true });
  expect((await selin.api('POST', `/conversations/${b.conversationId}/assign`, { assigneeId: null, teamId: teams.A })).status).toBe(200);
  await waitFor(async () => !(await inRoom(Rooms.conversation(b.conversationId), sb.id!)), 10_000, 'burak out of the moved conversation');
  expect((await burak.api('GET', `/conversations/${b.conversationId}`)).status).toBe(404);
});

test('an agent added to a team sees its conversations at once, sockets included', async () => {
  await setMode('team');
  const cem = await signedInAgent(hub, `cem${seq}@kanal.test`, 'Cem', 'agent', [teams.B]);
  const a = await customerOf('A', 'Cem de baksın');
  const s = socketOf(cem);
  await connected(s);
  expect(await ack(s, 'conversation:join', { conversationId: a.conversationId })).toEqual({ error: 'conversation not found', code: 'not_found' });
  expect((await admin.api('PATCH', `/agents/${cem.id}`, { teamIds: [teams.A] })).status).toBe(200);
  await waitFor(async () => (await inRoom(Rooms.team(teams.A), s.id!)) && !(await inRoom(Rooms.team(teams.B), s.id!)), 10_000, 'cem moved to team A rooms');
  expect(await ack(s, 'conversation:join', { conversationId: a.conversationId })).toEqual({ ok: true });
});

test('files of messages stored before attachment keys existed are checked too, once the start-up pass set them', async () => {
  await setMode('team');
  const a = await customerOf('A', 'Eski ek', true);
  const [message] = await hub.deps.models.messages.withAttachment(a.fileKey!);
  await collectionsOf(hub.deps.models).Message.collection.updateOne({ _id: message!._id }, { $unset: { attachmentKeys: '' } }); // as stored before
  expect((await ali.api('GET', `/attachments/${a.fileKey}`)).status).toBe(404); // nothing to check it against yet
  await collectionsOf(hub.deps.models).Setting.collection.deleteOne({ _id: 'attachmentKeysBackfilled' as never });
  await backfillAttachmentKeysOnce(hub.deps.models, hub.deps.logger);
  expect((await ali.api('GET', `/attachments/${a.fileKey}`)).status).toBe(200);
  expect((await burak.api('GET', `/attachments/${a.fileKey}`)).status).toBe(404);
});
