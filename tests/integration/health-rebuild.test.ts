import { Types } from 'mongoose';
import { HEALTH_BUILD_VERSION } from '../../src/domain/customer-health';
import { startHub } from '../../src/hub';
import { ensureHealthBuilt } from '../../src/services/crm/health-rebuild';
import { recordMetricEvents, type MetricEvent } from '../../src/services/metrics/metrics';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// Customer health missing after an upgrade (or a Redis that lost it) is rebuilt from the stored facts: by the worker
// at start, in the background; month by month, resumable after a stop; one process at a time; then left alone.
jest.setTimeout(120_000);
const config = testConfig('health-rebuild');
const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY);
let hub: Awaited<ReturnType<typeof startTestHub>>;
const unhappy = new Types.ObjectId();
const loyal = new Types.ObjectId();
const month = (d: Date) => d.toISOString().slice(0, 7);

const fact = (customerId: Types.ObjectId, type: MetricEvent['type'], at: Date, extra: Partial<MetricEvent> = {}): MetricEvent => ({
  _id: `${type}:rebuild:${new Types.ObjectId()}`, type, at, conversationId: new Types.ObjectId(), customerId, teamId: null, agentId: null,
  channel: 'email', messageId: new Types.ObjectId(), ...extra,
});
const stateOf = async (id: Types.ObjectId) => (await hub.deps.models.health.states([String(id)]))[0]?.state ?? null;
/** What an upgrade from a version without health (or a lost Redis) leaves: facts in the store, nothing in Redis. */
async function forgetHealth() {
  await hub.deps.models.health.clear();
  await hub.deps.redis.del(`${config.QUEUE_PREFIX}:health:built`, `${config.QUEUE_PREFIX}:health:rebuild`);
}
const prefix = config.QUEUE_PREFIX;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  // A fresh install: the worker found nothing to rebuild from and marked health current.
  await waitFor(async () => (await hub.deps.models.health.buildState()).built?.startsWith(`${HEALTH_BUILD_VERSION}|`) === true, 20_000, 'the start-up check');
  const m = hub.deps.models;
  await m.customers.createIfAbsent(unhappy, { name: 'Mutsuz', email: 'mutsuz@example.com' }, ago(200));
  await m.customers.createIfAbsent(loyal, { name: 'Sadık', email: 'sadik@example.com' }, ago(200));
  // A year of history: the loyal customer wrote monthly; the unhappy one rated 1 three days ago.
  await recordMetricEvents(m, [
    ...Array.from({ length: 10 }, (_, i) => [fact(loyal, 'opened', ago(5 + 30 * i)), fact(loyal, 'inbound', ago(5 + 30 * i))]).flat(),
    fact(unhappy, 'opened', ago(40)), fact(unhappy, 'inbound', ago(40)), fact(unhappy, 'csat_answered', ago(3), { score: 1 }),
  ]);
  await waitFor(async () => (await stateOf(unhappy)) === 'at_risk' && (await stateOf(loyal)) === 'healthy', 20_000, 'the live fold');
});
afterAll(async () => {
  await hub.stop();
});

test('a worker starting on a store whose health is missing rebuilds it in the background', async () => {
  await forgetHealth();
  expect(await stateOf(unhappy)).toBeNull();
  const activeBefore = await hub.deps.models.health.retention([month(ago(35))], [month(ago(5))]);
  expect(activeBefore.before).toBe(0);
  // Another process of the same deployment starts as a worker (an upgrade's restart): start-up returns at once.
  const worker = await startHub(config, 'worker');
  try {
    await waitFor(async () => (await hub.deps.models.health.buildState()).built?.startsWith(`${HEALTH_BUILD_VERSION}|`) === true, 60_000, 'the rebuild');
    expect(await stateOf(unhappy)).toBe('at_risk');
    expect(await stateOf(loyal)).toBe('healthy');
    expect((await hub.deps.models.health.counts()).at_risk).toBe(1);
    // Retention sets too (the loyal customer wrote in both months).
    expect((await hub.deps.models.health.retention([month(ago(35))], [month(ago(5))])).retained).toBeGreaterThanOrEqual(1);
    expect((await hub.deps.models.health.buildState()).progress).toBeNull();
  } finally {
    await worker.close();
  }
  // Current health is left alone.
  expect(await ensureHealthBuilt(hub.deps.models, hub.deps.redis, prefix)).toBe('current');
});

test('a stopped rebuild resumes at the month it reached; one process rebuilds at a time', async () => {
  await forgetHealth();
  const stop = new AbortController();
  const folded: string[] = [];
  const first = await ensureHealthBuilt(hub.deps.models, hub.deps.redis, prefix, {
    signal: stop.signal, onMonth: (m) => { folded.push(m); if (folded.length === 3) stop.abort(); },
  });
  // The process closed after three months' work: the third was interrupted at its end, kept done.
  expect(first).toBe('stopped');
  const { progress, built } = await hub.deps.models.health.buildState();
  expect(built).toBeNull();
  expect(progress?.nextMonth).toBe(folded.length === 3 ? nextOf(folded[2]!) : undefined);
  expect(await stateOf(unhappy)).toBeNull(); // her facts are in the last months, not reached yet

  // While one process holds the lease, another does not start a second rebuild.
  const [a, b] = await Promise.all([
    ensureHealthBuilt(hub.deps.models, hub.deps.redis, prefix),
    ensureHealthBuilt(hub.deps.models, hub.deps.redis, prefix),
  ]);
  const outcomes = [a, b];
  expect(outcomes.filter((o) => o === 'busy')).toHaveLength(1);
  const done = outcomes.find((o) => typeof o === 'object') as { months: number; resumedFrom: string | null };
  expect(done.resumedFrom).toBe(progress!.nextMonth); // not from the start: the store was not cleared again
  expect(await stateOf(unhappy)).toBe('at_risk');
  expect(await stateOf(loyal)).toBe('healthy');
  const before = (await hub.deps.models.health.facts([String(loyal)]))[0]!;
  expect(before.opens).toHaveLength(10);
  // Folding every month again (a crash after folding, before the progress was saved) changes nothing: facts are
  // kept once, by their keys.
  await hub.deps.models.health.saveProgress({ ...progress!, nextMonth: folded[0]! });
  await hub.deps.redis.del(`${prefix}:health:built`);
  expect(await ensureHealthBuilt(hub.deps.models, hub.deps.redis, prefix)).toMatchObject({ resumedFrom: folded[0] });
  expect((await hub.deps.models.health.facts([String(loyal)]))[0]).toEqual(before);
  expect(await stateOf(unhappy)).toBe('at_risk');
});

function nextOf(ym: string): string {
  const d = new Date(`${ym}-01T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
}
