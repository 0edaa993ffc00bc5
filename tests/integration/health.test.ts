import os from 'node:os';
import { createAgent } from '../../src/services/agents/agents';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { spawnKanal, stopProcess, waitFor } from '../helpers/process';

const health = async (url: string, token?: string) => {
  const res = await fetch(`${url}/healthz`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
};

test('/healthz is 200 while Redis and the store answer (degraded without a worker), 503 naming the store once it is gone', async () => {
  const hub = await startTestHub(testConfig('health'), 'hub');
  try {
    expect(await health(hub.url!)).toEqual({
      status: 200,
      body: { status: 'degraded', checks: { redis: 'ok', store: 'ok', workers: 'no fresh heartbeat' }, workers: [] },
    });

    await hub.deps.db.close();
    const down = await health(hub.url!);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.redis).toBe('ok');
    expect(down.body.checks.store).toMatch(/^down/);
  } finally {
    await hub.close().catch(() => {});
  }
});

test('/healthz is 503 naming Redis once it is gone', async () => {
  const hub = await startTestHub(testConfig('healthredis'), 'hub');
  try {
    await hub.deps.redis.quit();
    const down = await health(hub.url!);
    expect(down.status).toBe(503);
    expect(down.body.checks.redis).toMatch(/^down/);
    expect(down.body.checks.store).toBe('ok');
  } finally {
    await hub.close().catch(() => {});
  }
});

test('a worker process shows in /healthz by its heartbeat; stopped or killed, the hub says degraded (200)', async () => {
  const config = testConfig('healthworkers', { WORKER_HEARTBEAT_MS: '300' });
  const hub = await startTestHub(config, 'hub');
  const heartbeatKeys = () => hub.deps.redis.keys(`${config.QUEUE_PREFIX}:worker:*`);
  let worker = spawnKanal('worker', config);
  try {
    await createAgent(hub.deps.models, { email: 'yonetici@kanal.test', name: 'Yönetici', password: 'parola-parola-1', role: 'admin', teamIds: [] });
    const login = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'yonetici@kanal.test', password: 'parola-parola-1' }),
    });
    const token = ((await login.json()) as { token: string }).token;

    await waitFor(async () => (await heartbeatKeys()).length === 1, 30_000, 'the worker heartbeat key');
    const seen = await health(hub.url!);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'ok', checks: { redis: 'ok', store: 'ok', workers: 'ok' } });
    // Anyone sees that a worker lives and what it consumes; not where it runs.
    expect(seen.body.workers).toEqual([{ role: 'worker', queues: expect.arrayContaining(['inbound', 'outbound', 'sla', 'routing', 'metrics']), lastBeatMsAgo: expect.any(Number) }]);
    // An admin sees the host and pid too.
    const detailed = await health(hub.url!, token);
    expect(detailed.body.workers).toEqual([expect.objectContaining({ role: 'worker', pid: worker.pid, host: os.hostname(), id: expect.stringContaining(`:${worker.pid}:`) })]);

    // A graceful stop removes the heartbeat at once.
    await stopProcess(worker);
    await waitFor(async () => (await heartbeatKeys()).length === 0, 10_000, 'the heartbeat removed');
    expect(await health(hub.url!)).toMatchObject({ status: 200, body: { status: 'degraded', checks: { workers: 'no fresh heartbeat' }, workers: [] } });

    // A killed worker's heartbeat expires (three intervals).
    worker = spawnKanal('worker', config);
    await waitFor(async () => (await health(hub.url!)).body.status === 'ok', 30_000, 'the new worker alive');
    worker.kill('SIGKILL');
    await waitFor(async () => (await heartbeatKeys()).length === 0, 10_000, 'the heartbeat expired');
    expect(await health(hub.url!)).toMatchObject({ status: 200, body: { status: 'degraded', workers: [] } });
  } finally {
    await stopProcess(worker);
    await hub.stop();
  }
}, 90_000);

test('unknown routes answer 404 JSON, not an HTML error page', async () => {
  const hub = await startTestHub(testConfig('health404'), 'hub');
  try {
    const res = await fetch(`${hub.url}/no/such/thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found', code: 'not_found' });
  } finally {
    await hub.stop();
  }
});
