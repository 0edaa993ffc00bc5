// Malformed requests get a clear 4xx, never a 500 or a hang (issue: "500s on bad input").
import http from 'node:http';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { signedInAgent } from '../helpers/agent-api';

const config = testConfig('badinput');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;

beforeAll(async () => {
  hub = await startTestHub(config, 'hub');
  agent = await signedInAgent(hub, `bad-input-${Date.now()}@kanal.example`, 'Deniz');
});
afterAll(async () => {
  await hub.stop();
});

/** A raw request (fetch would refuse or fix the malformed parts), its status and headers. */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const url = new URL(hub.url!);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: opts.method ?? 'GET', headers: opts.headers, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
const auth = () => ({ authorization: `Bearer ${agent.token}` });

test('a path parameter that is not valid percent-encoding is a 400', async () => {
  const res = await raw('/api/conversations/%ED%A0%80', { headers: auth() });
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body)).toMatchObject({ error: expect.stringMatching(/encod/i) });
});

test('a search with "+" and regex characters answers 200', async () => {
  for (const q of ['a+b', '(sipariş', '+90 532', '.*']) {
    const res = await raw(`/api/search?q=${encodeURIComponent(q)}`, { headers: auth() });
    expect([q, res.status]).toEqual([q, 200]);
  }
});

test('a JSON file sent to the attachment upload is stored as a file, not left hanging', async () => {
  const res = await raw('/api/attachments?name=siparis.json', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"sipariş":10482}' });
  expect(res.status).toBe(201);
  const stored = JSON.parse(res.body) as { storageKey: string; size: number };
  expect(stored.size).toBe(Buffer.byteLength('{"sipariş":10482}'));
  expect((await raw(`/api/attachments/${stored.storageKey}`, { headers: auth() })).body).toBe('{"sipariş":10482}');
});

test('a malformed Host header is a 400 and never reaches the console\'s Content-Security-Policy', async () => {
  for (const host of ['a;b', 'evil.example script-src *', 'x"y']) {
    const res = await raw('/', { headers: { host } });
    expect([host, res.status]).toEqual([host, 400]);
    expect(String(res.headers['content-security-policy'] ?? '')).not.toContain(host);
  }
  expect((await raw('/', { headers: { host: `localhost:${new URL(hub.url!).port}`, accept: 'text/html' } })).status).toBe(200);
});
