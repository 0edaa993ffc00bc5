import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import type { ConversationView, MessageView } from '../../src/domain/views';
import { DEFAULT_CSAT_SETTINGS } from '../../src/domain/csat';
import { createAgent } from '../../src/services/agents/agents';
import { setTeamAccessMode } from '../../src/services/access';
import { ingest } from '../../src/services/ingest/ingest';
import { DEFAULT_KEY, putSetting } from '../../src/services/sla/sla-settings';
import { collectionsOf } from '../../src/store/collections';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// Hand-offs (issue 13 item 2): a reply takes an unassigned conversation (a team setting), a customer writing into a
// conversation set aside reopens it visibly, and the assign picker's data.
let hub: Awaited<ReturnType<typeof startTestHub>>;
const PASSWORD = 'doğru-parola-123';
const who: Record<string, { id: string; token: string }> = {};
let teamId = '';

const inbound = (address: string, text: string, dedupeKey = `webchat:${new Types.ObjectId()}`): InboundMessage => ({
  channel: 'webchat', dedupeKey, from: { address, name: `Ziyaretçi ${address}` }, text, attachments: [], sentAt: new Date().toISOString(),
});

async function api<T = any>(as: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${hub.url}/api${path}`, {
    method, headers: { authorization: `Bearer ${who[as]!.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

const conversation = async (id: string) => (await api<ConversationView>('selin', 'GET', `/conversations/${id}`)).body;
const events = async (customerId: string) =>
  (await api<{ items: MessageView[] }>('selin', 'GET', `/customers/${customerId}/thread`)).body.items.filter((m) => m.kind === 'event').map((m) => m.text);
const facts = (type: string, conversationId: string) =>
  collectionsOf(hub.deps.models).MetricEvent.find({ type, conversationId: new Types.ObjectId(conversationId) }).lean();

beforeAll(async () => {
  hub = await startTestHub(testConfig('handoffs'));
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  await putSetting(hub.deps.models, DEFAULT_KEY, 'csat', { ...DEFAULT_CSAT_SETTINGS, enabled: false }, null); // no survey events in the threads
  teamId = String((await collectionsOf(hub.deps.models).Team.create({ name: 'Satış', assignmentPolicy: 'manual' }))._id);
  for (const [name, role] of [['ali', 'agent'], ['veli', 'agent'], ['selin', 'admin']] as const) {
    const a = await createAgent(hub.deps.models, { email: `${name}@kanal.test`, name, password: PASSWORD, role, teamIds: [teamId] });
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${name}@kanal.test`, password: PASSWORD }),
    });
    who[name] = { id: a.id, token: ((await res.json()) as { token: string }).token };
  }
});
afterAll(async () => {
  await hub.stop();
});

test('a reply to an unassigned conversation assigns it to the replying agent, with the facts and event of taking it', async () => {
  const r = await ingest(hub.deps.models, null, inbound('auto-on', 'Merhaba, kargom nerede?'));
  expect((await conversation(r.conversationId)).assigneeId).toBeNull();

  expect((await api('ali', 'POST', `/conversations/${r.conversationId}/reply`, { text: 'Hemen bakıyorum.' })).status).toBe(202);
  expect((await conversation(r.conversationId)).assigneeId).toBe(who.ali!.id);
  expect(await events(r.customerId)).toEqual(['ali assigned the conversation to ali']);
  expect((await facts('assigned', r.conversationId)).map((f) => String(f.agentId))).toEqual([who.ali!.id]);

  // Once assigned, a colleague's reply does not take it over.
  expect((await api('veli', 'POST', `/conversations/${r.conversationId}/reply`, { text: 'Ben de buradayım.' })).status).toBe(202);
  expect((await conversation(r.conversationId)).assigneeId).toBe(who.ali!.id);
  expect(await events(r.customerId)).toHaveLength(1);
});

test("with the team's setting off, a reply leaves the conversation unassigned", async () => {
  const put = await api('selin', 'PUT', `/teams/${teamId}/handoff`, { autoAssignOnReply: false });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ own: { autoAssignOnReply: false }, effective: { autoAssignOnReply: false }, source: 'team' });
  expect((await api('selin', 'PUT', `/teams/${teamId}/handoff`, { autoAssignOnReply: 'yes' })).status).toBe(400);

  const r = await ingest(hub.deps.models, null, inbound('auto-off', 'İade yapmak istiyorum'));
  expect((await api('selin', 'POST', `/conversations/${r.conversationId}/assign`, { assigneeId: null, teamId })).status).toBe(200);
  expect((await api('ali', 'POST', `/conversations/${r.conversationId}/reply`, { text: 'Tabii, yardımcı olayım.' })).status).toBe(202);
  expect((await conversation(r.conversationId)).assigneeId).toBeNull();
  expect(await facts('assigned', r.conversationId)).toHaveLength(0);

  // Other teams (and conversations of no team) keep the default: on.
  const other = await ingest(hub.deps.models, null, inbound('auto-default', 'Fatura sorusu'));
  await api('veli', 'POST', `/conversations/${other.conversationId}/reply`, { text: 'Merhaba!' });
  expect((await conversation(other.conversationId)).assigneeId).toBe(who.veli!.id);
});

test('a customer message into a resolved or pending conversation writes a "reopened" event and fact, once per message', async () => {
  const first = await ingest(hub.deps.models, null, inbound('reopen', 'Sipariş 123'));
  const id = first.conversationId;
  expect((await api('ali', 'POST', `/conversations/${id}/status`, { status: 'resolved' })).status).toBe(200);

  const again = inbound('reopen', 'Hâlâ gelmedi!');
  const back = await ingest(hub.deps.models, null, again);
  expect(back.conversationId).toBe(id);
  expect((await conversation(id)).status).toBe('open');
  const reopened = (await events(first.customerId)).filter((t) => t.startsWith('Reopened'));
  expect(reopened).toEqual(['Reopened by a customer message (was resolved)']);
  expect((await facts('reopened', id)).map((f) => String(f.messageId))).toEqual([back.messageId]);

  // A redelivered copy of the same message (same dedupe key) reopens nothing and writes nothing again.
  expect((await ingest(hub.deps.models, null, again)).duplicate).toBe(true);
  expect((await events(first.customerId)).filter((t) => t.startsWith('Reopened'))).toHaveLength(1);
  expect(await facts('reopened', id)).toHaveLength(1);

  // Pending: the customer's answer brings it back too.
  expect((await api('ali', 'POST', `/conversations/${id}/status`, { status: 'pending' })).status).toBe(200);
  const answer = await ingest(hub.deps.models, null, inbound('reopen', 'Numara: 123-456'));
  expect((await conversation(id)).status).toBe('open');
  expect((await events(first.customerId)).filter((t) => t.startsWith('Reopened'))).toEqual([
    'Reopened by a customer message (was resolved)', 'Reopened by a customer message (was pending)',
  ]);
  expect((await facts('reopened', id)).map((f) => String(f.messageId)).sort()).toEqual([back.messageId, answer.messageId].sort());

  // A message into an open conversation reopens nothing.
  await ingest(hub.deps.models, null, inbound('reopen', 'Teşekkürler'));
  expect(await facts('reopened', id)).toHaveLength(2);
});

test('the assign picker lists every active agent with role, presence, load and capacity, and the teams', async () => {
  const res = await api<{ agents: { id: string; role: string; presence: string; load: number; capacity: number }[]; teams: { id: string; name: string }[] }>('ali', 'GET', '/assignees');
  expect(res.status).toBe(200);
  const ali = res.body.agents.find((a) => a.id === who.ali!.id)!;
  expect(ali).toMatchObject({ role: 'agent', presence: expect.any(String), capacity: expect.any(Number) });
  expect(ali.load).toBeGreaterThanOrEqual(1); // the conversation the first test's reply gave ali
  expect(res.body.agents.find((a) => a.id === who.selin!.id)?.role).toBe('admin');
  expect(res.body.teams).toContainEqual({ id: teamId, name: 'Satış' });
});
