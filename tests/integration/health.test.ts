import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

test('/healthz is 200 while Redis and the store answer, 503 naming the store once it is gone', async () => {
  const hub = await startTestHub(testConfig('health'), 'hub');
  try {
    const ok = await fetch(`${hub.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', checks: { redis: 'ok', store: 'ok' } });

    await hub.deps.db.close();
    const down = await fetch(`${hub.url}/healthz`);
    expect(down.status).toBe(503);
    const body = await down.json();
    expect(body.checks.redis).toBe('ok');
    expect(body.checks.store).toMatch(/^down/);
  } finally {
    await hub.close().catch(() => {});
  }
});

test('unknown routes answer 404 JSON, not an HTML error page', async () => {
  const hub = await startTestHub(testConfig('health404'), 'hub');
  try {
    const res = await fetch(`${hub.url}/no/such/thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  } finally {
    await hub.stop();
  }
});
