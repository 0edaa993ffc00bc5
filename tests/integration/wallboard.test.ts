import { wallboardSchema } from '../../src/http/routes/routing';
import { ingestBatchSettled } from '../../src/services/ingest/ingest';
import type { IngestResult } from '../../src/services/ingest/inbound-writes';
import { routingDeps } from '../../src/services/routing/routing';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

// The wallboard counts every customer nobody has taken (open, unassigned), per team and with no team, with the
// oldest wait, whatever routing did: a manual team and team-less conversations wait too. No workers run here, so
// nothing routes: the conversations stay where the test puts them.
const config = testConfig('wallboard');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let sup: Awaited<ReturnType<typeof signedInAgent>>;
let teamId: string;
const MIN = 60_000;
const board = async () => wallboardSchema.parse((await sup.api('GET', '/supervisor/wallboard')).body);

/** A customer's first message, received `minutesAgo` (their wait starts then). */
async function customerWrites(id: string, minutesAgo: number, name = 'Ayşe Yılmaz'): Promise<IngestResult> {
  const msg = { ...webchatMessage(id, `visitor-${id}`), from: { address: `visitor-${id}`, name } };
  const [r] = await ingestBatchSettled(hub.deps.models, null, [msg], [new Date(Date.now() - minutesAgo * MIN)]);
  if (!r || r instanceof Error) throw r ?? new Error('not ingested');
  return r;
}

beforeAll(async () => {
  hub = await startTestHub(config, 'hub');
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici', 'admin');
  sup = await signedInAgent(hub, 'sup@kanal.test', 'Selin', 'supervisor');
  teamId = (await admin.api('POST', '/teams', { name: 'Satış' })).body.id;
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

test('an empty hub: every queue 0, no wait', async () => {
  const b = await board();
  expect(b.teams).toEqual([{ id: teamId, name: 'Satış', policy: 'manual', queueLength: 0, longestWaitMs: 0 }]);
  expect(b.noTeam).toEqual({ queueLength: 0, longestWaitMs: 0 });
});

test('waiting customers are counted by team and "no team", with the oldest wait; taken or resolved ones are not', async () => {
  const oldest = await customerWrites('nt-old', 45);
  await customerWrites('nt-new', 5);
  const taken = await customerWrites('nt-taken', 60);
  const resolved = await customerWrites('nt-resolved', 90);
  const inTeam = await customerWrites('team-1', 20);
  const inTeamTaken = await customerWrites('team-2', 30);

  const me = await signedInAgent(hub, 'emre@kanal.test', 'Emre', 'agent', [teamId]);
  expect((await sup.api('POST', `/conversations/${taken.conversationId}/assign`, { assigneeId: me.id })).status).toBe(200);
  expect((await sup.api('POST', `/conversations/${resolved.conversationId}/status`, { status: 'resolved' })).status).toBe(200);
  expect((await sup.api('POST', `/conversations/${inTeam.conversationId}/assign`, { assigneeId: null, teamId })).status).toBe(200);
  expect((await sup.api('POST', `/conversations/${inTeamTaken.conversationId}/assign`, { assigneeId: me.id, teamId })).status).toBe(200);
  // A later message does not restart the wait: the oldest one still waits from its first unanswered message.
  await ingestBatchSettled(hub.deps.models, null, [webchatMessage('nt-old-2', 'visitor-nt-old', 'Orada mısınız?')], [new Date()]);

  const b = await board();
  expect(b.noTeam.queueLength).toBe(2);
  expect(b.noTeam.longestWaitMs).toBeGreaterThanOrEqual(45 * MIN);
  expect(b.noTeam.longestWaitMs).toBeLessThan(46 * MIN);
  const team = b.teams.find((t) => t.id === teamId)!;
  expect(team.queueLength).toBe(1);
  expect(team.longestWaitMs).toBeGreaterThanOrEqual(20 * MIN);
  expect(team.longestWaitMs).toBeLessThan(21 * MIN);

  // Taking the oldest: the "no team" queue's oldest wait is now the 5-minute one.
  expect((await sup.api('POST', `/conversations/${oldest.conversationId}/assign`, { assigneeId: me.id })).status).toBe(200);
  const after = await board();
  expect(after.noTeam.queueLength).toBe(1);
  expect(after.noTeam.longestWaitMs).toBeGreaterThanOrEqual(5 * MIN);
  expect(after.noTeam.longestWaitMs).toBeLessThan(6 * MIN);
});

test('the console has a "no team" view: its list and its count', async () => {
  const list = await sup.api('GET', '/conversations?status=open&team=none');
  expect(list.status).toBe(200);
  const teams = list.body.items.map((c: { teamId?: string | null }) => c.teamId ?? null);
  expect(teams.length).toBe(3); // nt-new, and nt-old and nt-taken though taken: the view is by team, not by waiting
  expect(teams.every((t: string | null) => t === null)).toBe(true);
  const counts = await sup.api('GET', '/inbox/counts?status=open');
  expect(counts.body.teams.none).toBe(list.body.items.length);
  expect((await sup.api('GET', '/conversations?team=nobody')).status).toBe(400);
});

test('the counts come from the inbox index: rebuilt from the store, they are the same', async () => {
  const before = await board();
  expect(await hub.deps.models.conversations.rebuildIndex()).toBeGreaterThan(0);
  const after = await board();
  expect(after.noTeam.queueLength).toBe(before.noTeam.queueLength);
  expect(after.teams).toEqual(before.teams.map((t) => ({ ...t, longestWaitMs: expect.any(Number) })));
});

test('"who is viewing what" names the customer, not the conversation id', async () => {
  const viewed = await customerWrites('viewed', 1, 'Mehmet Öztürk');
  await routingDeps(hub.deps).state.view(viewed.conversationId, sup.id, 60_000);
  const b = await board();
  expect(b.viewers).toEqual([{ conversationId: viewed.conversationId, customerName: 'Mehmet Öztürk', agentIds: [sup.id] }]);
});
