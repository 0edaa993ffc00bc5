import { Types } from 'mongoose';
import { createAgent } from '../../src/services/agents/agents';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { collectionsOf } from '../../src/store/collections';

let hub: Awaited<ReturnType<typeof startTestHub>>;
const tokens: Record<'agent' | 'supervisor' | 'admin', string> = { agent: '', supervisor: '', admin: '' };
const PASSWORD = 'doğru-parola-123';

async function login(email: string, password: string, forwardedFor?: string, base = hub.url!) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) }, body: JSON.stringify({ email, password }),
  });
  return { res, body: (await res.json()) as { token?: string; agent?: { id: string; role: string }; error?: string } };
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('apiauth', { TRUST_PROXY: 'loopback' })); // the tests' own proxy: X-Forwarded-For names the client
  for (const role of ['agent', 'supervisor', 'admin'] as const) {
    await createAgent(hub.deps.models, { email: `${role}@kanal.test`, name: `Test ${role}`, password: PASSWORD, role });
    tokens[role] = (await login(`${role}@kanal.test`, PASSWORD)).body.token!;
  }
  await createAgent(hub.deps.models, { email: 'off@kanal.test', name: 'Off', password: PASSWORD, role: 'agent' });
  await collectionsOf(hub.deps.models).Agent.updateOne({ email: 'off@kanal.test' }, { $set: { disabled: true } });
});
afterAll(async () => {
  await hub.stop();
});

describe('login', () => {
  test('right credentials: token, agent, httpOnly SameSite=Lax cookie', async () => {
    const { res, body } = await login('Agent@Kanal.test', PASSWORD);
    expect(res.status).toBe(200);
    expect(body.token).toEqual(expect.any(String));
    expect(body.agent).toMatchObject({ email: 'agent@kanal.test', name: 'Test agent', role: 'agent', teamIds: [] });
    expect(body.agent).not.toHaveProperty('passwordHash');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kanal_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // NODE_ENV=test
  });

  test('wrong password, unknown email and disabled agent get the same 401', async () => {
    for (const [email, password] of [['agent@kanal.test', 'yanlış-parola'], ['nobody@kanal.test', PASSWORD], ['off@kanal.test', PASSWORD]]) {
      const { res, body } = await login(email!, password!);
      expect(res.status).toBe(401);
      expect(body).toEqual({ error: 'invalid email or password', code: 'unauthenticated' });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  test('guessing one account from one address backs off (429 with Retry-After); the owner elsewhere is not locked out', async () => {
    await createAgent(hub.deps.models, { email: 'locked@kanal.test', name: 'Locked', password: PASSWORD, role: 'agent' });
    let refused = 0;
    for (let i = 0; i < 8; i++) {
      const { res } = await login('locked@kanal.test', `guess-${i}`);
      if (res.status === 429) refused++;
      else expect(res.status).toBe(401);
    }
    expect(refused).toBeGreaterThan(0); // from the fifth failure on, each try waits longer
    const { res, body } = await login('locked@kanal.test', PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.error).toMatch(/too many failed sign-ins/);
    // the owner from another address, and other accounts, are unaffected
    expect((await login('locked@kanal.test', PASSWORD, '198.51.100.7')).res.status).toBe(200);
    expect((await login('agent@kanal.test', PASSWORD)).res.status).toBe(200);
  });

  test('a forged X-Forwarded-For does not change the address without TRUST_PROXY', async () => {
    const plain = await startTestHub(testConfig('apiauthnoproxy', { TRUST_PROXY: '' }), 'hub');
    try {
      await createAgent(plain.deps.models, { email: 'forged@kanal.test', name: 'Forged', password: PASSWORD, role: 'agent' });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await login('forged@kanal.test', `guess-${i}`, `203.0.113.${i}`, plain.url!)).res.status);
      expect(statuses).toContain(429); // rotating the header did not make each try a new address
    } finally {
      await plain.stop();
    }
  });

  test('malformed login body is a 400, not a 401', async () => {
    const { res, body } = await login('not-an-email', '');
    expect(res.status).toBe(400);
    expect(body.error).toMatch(/body\.email/);
  });
});

describe('sessions', () => {
  test('cookie and bearer both work for /api/me; logout clears the cookie', async () => {
    const { res } = await login('agent@kanal.test', PASSWORD);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const viaCookie = await fetch(`${hub.url}/api/me`, { headers: { cookie } });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.json()).toMatchObject({ email: 'agent@kanal.test', role: 'agent' });
    const viaBearer = await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${tokens.supervisor}` } });
    expect(viaBearer.status).toBe(200);
    expect(await viaBearer.json()).toMatchObject({ role: 'supervisor' });
    const out = await fetch(`${hub.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/kanal_session=;/);
  });

  test('a forged, garbage or deleted-agent token is a 401', async () => {
    const jwt = await import('jsonwebtoken');
    const forged = jwt.default.sign({ role: 'admin' }, 'x'.repeat(40), { subject: new Types.ObjectId().toString() });
    const ghost = jwt.default.sign({ role: 'admin' }, hub.deps.config.JWT_SECRET, { subject: new Types.ObjectId().toString() });
    for (const token of [forged, ghost, 'garbage']) {
      const res = await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'authentication required', code: 'unauthenticated' });
    }
  });
});

// Every route of the API: minimum role, and whether a plain agent is refused (403) before input is even read.
const id = new Types.ObjectId().toString();
// `ends`: the call ends the agent's sessions (it runs as an agent of its own).
const routes: Array<{ method: 'GET' | 'POST'; path: string; min: 'agent' | 'supervisor' | 'admin'; ends?: true }> = [
  { method: 'POST', path: '/api/auth/logout', min: 'agent', ends: true },
  { method: 'POST', path: '/api/auth/logout-all', min: 'agent', ends: true },
  { method: 'GET', path: '/api/me', min: 'agent' },
  { method: 'POST', path: '/api/me/password', min: 'agent' },
  { method: 'GET', path: '/api/conversations', min: 'agent' },
  { method: 'GET', path: `/api/conversations/${id}`, min: 'agent' },
  { method: 'POST', path: `/api/conversations/${id}/reply`, min: 'agent' },
  { method: 'POST', path: `/api/conversations/${id}/notes`, min: 'agent' },
  { method: 'POST', path: `/api/conversations/${id}/assign`, min: 'agent' },
  { method: 'POST', path: `/api/conversations/${id}/status`, min: 'agent' },
  { method: 'GET', path: `/api/customers/${id}`, min: 'agent' },
  { method: 'GET', path: `/api/customers/${id}/thread`, min: 'agent' },
  { method: 'POST', path: `/api/messages/${id}/retry`, min: 'agent' },
  { method: 'POST', path: '/api/agents', min: 'admin' },
  { method: 'POST', path: `/api/agents/${id}/disable`, min: 'admin' },
  { method: 'POST', path: `/api/agents/${id}/enable`, min: 'admin' },
  { method: 'POST', path: `/api/agents/${id}/password`, min: 'admin' },
  { method: 'GET', path: '/api/agents', min: 'supervisor' },
  { method: 'POST', path: '/api/teams', min: 'admin' },
  { method: 'GET', path: '/api/teams', min: 'agent' },
];
const call = (r: (typeof routes)[number], headers: Record<string, string> = {}) =>
  fetch(`${hub.url}${r.path}`, {
    method: r.method,
    headers: { ...headers, ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: r.method === 'POST' ? '{}' : undefined,
  });

describe('access control', () => {
  test.each(routes)('$method $path without credentials is 401', async (r) => {
    const res = await call(r);
    expect(res.status).toBe(401);
  });

  const tooLow = routes.flatMap((r) =>
    (r.min === 'admin' ? ['agent', 'supervisor'] : r.min === 'supervisor' ? ['agent'] : []).map((role) => ({ ...r, role: role as 'agent' | 'supervisor' })),
  );
  test.each(tooLow)('$method $path as $role is 403', async (r) => {
    const res = await call(r, { authorization: `Bearer ${tokens[r.role]}` });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden', code: 'forbidden' });
  });

  test.each(routes)('$method $path with the right role is let through (not 401/403)', async (r) => {
    let token = tokens[r.min];
    if (r.ends) {
      const email = `ends-${new Types.ObjectId()}@kanal.test`;
      await createAgent(hub.deps.models, { email, name: 'Ends', password: PASSWORD, role: r.min });
      token = (await login(email, PASSWORD)).body.token!;
    }
    const res = await call(r, { authorization: `Bearer ${token}` });
    expect([401, 403]).not.toContain(res.status);
    expect(res.status).toBeLessThan(500);
  });
});

describe('admin routes', () => {
  test('create team and agent; duplicates are 409; short password 400', async () => {
    const auth = { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' };
    const team = await fetch(`${hub.url}/api/teams`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Destek' }) });
    expect(team.status).toBe(201);
    const { id: teamId } = (await team.json()) as { id: string };
    expect((await fetch(`${hub.url}/api/teams`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Destek' }) })).status).toBe(409);
    const body = { email: 'zeynep@kanal.test', name: 'Zeynep Çelik', password: 'uzun-bir-parola', role: 'agent', teamIds: [teamId], languages: ['tr'] };
    const created = await fetch(`${hub.url}/api/agents`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ email: 'zeynep@kanal.test', name: 'Zeynep Çelik', teamIds: [teamId], role: 'agent' });
    expect((await fetch(`${hub.url}/api/agents`, { method: 'POST', headers: auth, body: JSON.stringify(body) })).status).toBe(409);
    const short = await fetch(`${hub.url}/api/agents`, { method: 'POST', headers: auth, body: JSON.stringify({ ...body, email: 'b@kanal.test', password: 'kısa' }) });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toMatch(/body\.password/);
    expect((await login('zeynep@kanal.test', 'uzun-bir-parola')).res.status).toBe(200);
    const list = (await (await fetch(`${hub.url}/api/agents`, { headers: { authorization: `Bearer ${tokens.supervisor}` } })).json()) as unknown[];
    expect(list.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(list)).not.toMatch(/passwordHash|argon2/);
  });

  test('new passwords: ten spaces, short ones after trimming, one repeated character and common ones are 400 with a clear message', async () => {
    const auth = { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' };
    let n = 0;
    const create = (password: string) => fetch(`${hub.url}/api/agents`, {
      method: 'POST', headers: auth, body: JSON.stringify({ email: `weak${++n}@kanal.test`, name: 'Zayıf', password, role: 'agent' }),
    });
    const cases: Array<[string, RegExp]> = [
      [' '.repeat(10), /at least 10 characters/],
      ['   kısa1   ', /at least 10 characters/],
      ['zzzzzzzzzzzz', /one character repeated/],
      ['1234567890', /too common/],
      ['Password123', /too common/],
      ['Manchester', /too common/], // from the maintained breach list, not a hand list
      ['Beşiktaş1903', /too common/],
    ];
    for (const [password, message] of cases) {
      const res = await create(password);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: string };
      expect(error).toMatch(/body\.password/);
      expect(error).toMatch(message);
    }
    expect((await create('  uzun ve iyi bir parola  ')).status).toBe(201);
    // The service applies the same policy to every caller (seeds, tools), not only to the route.
    await expect(createAgent(hub.deps.models, { email: 'weak-direct@kanal.test', name: 'Zayıf', password: ' '.repeat(10), role: 'agent' }))
      .rejects.toThrow(/password must be at least 10 characters/);
  });
});

test('openapi.json documents every route, with security schemes and JSON schemas from zod', async () => {
  const res = await fetch(`${hub.url}/api/openapi.json`); // public: a client needs it before signing in
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, any>>; components: any };
  expect(doc.openapi).toMatch(/^3\.1\./);
  expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiToken', 'bearerAuth', 'cookieAuth']);
  const documented = (r: { method: string; path: string }) =>
    doc.paths[r.path.replace(id, '{id}')]?.[r.method.toLowerCase()];
  for (const r of [...routes, { method: 'POST', path: '/api/auth/login' }]) expect(documented(r)).toBeDefined();
  const reply = doc.paths['/api/conversations/{id}/reply']!.post;
  expect(reply.requestBody.content['application/json'].schema.properties.text).toMatchObject({ type: 'string', maxLength: 20000 });
  expect(reply.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  const list = doc.paths['/api/conversations']!.get;
  expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['status', 'assignee', 'channel', 'team', 'label', 'segment', 'priority', 'sort', 'limit', 'cursor']);
  expect(doc.paths['/api/auth/login']!.post.security).toEqual([]);
});

test('unknown /api path is a JSON 404; malformed JSON a 400', async () => {
  const nf = await fetch(`${hub.url}/api/nope`, { headers: { authorization: `Bearer ${tokens.agent}` } });
  expect(nf.status).toBe(404);
  expect(await nf.json()).toEqual({ error: 'not found', code: 'not_found' });
  const bad = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ error: 'malformed JSON body', code: 'invalid_input' });
});
