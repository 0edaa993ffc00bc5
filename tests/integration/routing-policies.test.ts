import { setTeamAccessMode } from '../../src/services/access';
import { enqueueInbound } from '../../src/queues';
import { setPresence } from '../../src/services/routing/presence';
import { routingDeps } from '../../src/services/routing/routing';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { loadsInStore, onlineAgent, settleRouting } from '../helpers/routing';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

const config = testConfig('routingpol', { ROUTING_DEFAULT_TEAM: 'Genel' });
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
let teamId: string;
let n = 0;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null); // routing, not access: the agents here act on conversations of teams they are not in
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici', 'admin');
  agent = await signedInAgent(hub, 'agent@kanal.test', 'Temsilci', 'agent');
  teamId = String((await collectionsOf(hub.deps.models).Team.create({ name: 'Genel' }))._id);
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

/** A new customer writes; resolves with their conversation once it has been routed. */
async function arrive(text: string) {
  const address = `pol-visitor-${++n}`;
  await enqueueInbound(hub.deps.queues, webchatMessage(`pol-${n}`, address, text));
  const identity = await waitFor(() => collectionsOf(hub.deps.models).Identity.findOne({ address }).lean(), 20_000, 'the customer');
  const conversation = await waitFor(() => conversationModel(hub.deps.db).findOne({ customerId: identity.customerId }).lean(), 20_000, 'the conversation');
  return { customerId: String(identity.customerId), conversationId: String(conversation._id) };
}

test('admins set the team policy; bad values and non-admins are refused', async () => {
  expect((await admin.api('PATCH', `/teams/${teamId}`, { assignmentPolicy: 'random' })).status).toBe(400);
  expect((await agent.api('PATCH', `/teams/${teamId}`, { assignmentPolicy: 'round-robin' })).status).toBe(403);
  expect((await admin.api('PATCH', '/teams/0123456789abcdef01234567', { assignmentPolicy: 'round-robin' })).status).toBe(404);
  const res = await admin.api('PATCH', `/teams/${teamId}`, { assignmentPolicy: 'round-robin' });
  expect(res).toEqual({ status: 200, body: { id: teamId, name: 'Genel', assignmentPolicy: 'round-robin' } });
});

test('round-robin: 42 arrivals over 4 online agents differ by at most one; away agents get nothing', async () => {
  const rr = [];
  for (const name of ['Ada', 'Baran', 'Ceyda', 'Doruk']) rr.push(await onlineAgent(hub, name, teamId, { capacity: 100 }));
  const away = await onlineAgent(hub, 'Ece', teamId, { capacity: 100 });
  await setPresence(routingDeps(hub.deps), away.id, 'away');
  await Promise.all(Array.from({ length: 42 }, (_, i) => enqueueInbound(hub.deps.queues, webchatMessage(`rr-${i}`, `rr-visitor-${i}`, 'Hello, I have a question about my invoice please'))));
  await waitFor(async () => (await conversationModel(hub.deps.db).countDocuments({ assigneeId: { $ne: null } })) === 42, 60_000, '42 routed');
  await settleRouting(hub);
  const loads = await loadsInStore(hub);
  const counts = rr.map((a) => loads.get(a.id) ?? 0);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(42);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  expect(loads.get(away.id)).toBeUndefined();
  // Out of the way for the next tests: away agents receive nothing.
  for (const a of rr) await setPresence(routingDeps(hub.deps), a.id, 'away');
}, 120_000);

test('language: a Turkish message goes to the Turkish speaker, an English one to the English speaker', async () => {
  await admin.api('PATCH', `/teams/${teamId}`, { assignmentPolicy: 'least-busy' });
  const ayse = await onlineAgent(hub, 'Ayşe', teamId, { capacity: 5, languages: ['tr'] });
  const john = await onlineAgent(hub, 'John', teamId, { capacity: 5, languages: ['en'] });
  const tr = await arrive('Merhaba, dün verdiğim siparişim hâlâ kargoya verilmedi, yardımcı olur musunuz?');
  const en = await arrive('Hello, my order from yesterday has not shipped yet, could you help me?');
  await settleRouting(hub);
  const trConv = await conversationModel(hub.deps.db).findById(tr.conversationId).lean();
  const enConv = await conversationModel(hub.deps.db).findById(en.conversationId).lean();
  expect(String(trConv!.assigneeId)).toBe(ayse.id);
  expect(String(enConv!.assigneeId)).toBe(john.id);
  expect((await collectionsOf(hub.deps.models).Customer.findById(tr.customerId).lean())).toMatchObject({ language: 'tr', languageSource: 'detected' });
  const routed = await collectionsOf(hub.deps.models).Message.findOne({ conversationId: tr.conversationId, kind: 'event' }).lean();
  expect(routed!.text).toMatch(/^Routed to Ayşe by least-busy in team Genel: .*speaks tr/);

  // An agent corrects the language: it sticks, and routing follows it.
  expect((await agent.api('PATCH', `/customers/${tr.customerId}`, { language: 'klingon!' })).status).toBe(400);
  const patched = await agent.api('PATCH', `/customers/${tr.customerId}`, { language: 'en' });
  expect(patched.status).toBe(200);
  expect(patched.body.language).toBe('en');
  expect((await admin.api('POST', `/conversations/${tr.conversationId}/assign`, { assigneeId: null })).status).toBe(200);
  await settleRouting(hub);
  expect(String((await conversationModel(hub.deps.db).findById(tr.conversationId).lean())!.assigneeId)).toBe(john.id);

  // The customer writes Turkish again in a reopened conversation: detection runs, the agent's choice stays.
  expect((await admin.api('POST', `/conversations/${tr.conversationId}/status`, { status: 'resolved' })).status).toBe(200);
  const identity = await collectionsOf(hub.deps.models).Identity.findOne({ customerId: tr.customerId }).lean();
  await enqueueInbound(hub.deps.queues, webchatMessage(`pol-again`, identity!.address, 'Merhaba tekrar, siparişim hâlâ gelmedi, ne zaman gelir?'));
  await waitFor(async () => (await conversationModel(hub.deps.db).findById(tr.conversationId).lean())?.status === 'open', 20_000, 'the reopen');
  await settleRouting(hub);
  expect(await collectionsOf(hub.deps.models).Customer.findById(tr.customerId).lean()).toMatchObject({ language: 'en', languageSource: 'agent' });
  // Reopened with its assignee kept: it counts against John's capacity again.
  expect((await routingDeps(hub.deps).state.loads([john.id])).get(john.id)).toBe(2);
}, 120_000);

test('admins edit an agent\'s routing profile; skills must all match', async () => {
  const res = await admin.api('PATCH', `/agents/${agent.id}`, { skills: ['Billing', 'iade'], capacity: 2, teamIds: [teamId], languages: ['tr'] });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ id: agent.id, skills: ['billing', 'iade'], capacity: 2, teamIds: [teamId], languages: ['tr'] });
  expect((await admin.api('PATCH', `/agents/${agent.id}`, {})).status).toBe(400);
  expect((await admin.api('PATCH', `/agents/${agent.id}`, { capacity: -1 })).status).toBe(400);
  expect((await admin.api('PATCH', `/agents/${agent.id}`, { teamIds: ['0123456789abcdef01234567'] })).status).toBe(400);
  expect((await agent.api('PATCH', `/agents/${agent.id}`, { capacity: 50 })).status).toBe(403);
  await setPresence(routingDeps(hub.deps), agent.id, 'online');

  const c = await arrive('Merhaba, faturamdaki tutar yanlış görünüyor, iade istiyorum');
  await settleRouting(hub);
  // Supervisors mark the skills it needs: only the agent with both may take it (Ayşe speaks Turkish but lacks them).
  await admin.api('POST', `/conversations/${c.conversationId}/assign`, { assigneeId: null });
  expect((await admin.api('PATCH', `/conversations/${c.conversationId}/routing`, { requiredSkills: ['billing', 'iade'] })).status).toBe(200);
  await settleRouting(hub);
  expect(String((await conversationModel(hub.deps.db).findById(c.conversationId).lean())!.assigneeId)).toBe(agent.id);
}, 60_000);
