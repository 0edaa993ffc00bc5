import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// API tokens (src/services/agents/api-tokens.ts): the REST API with `Authorization: Bearer kanal_...`, narrowed to
// the token's scopes, refused once revoked or once its owner is disabled, rate-limited per token.

let hub: Awaited<ReturnType<typeof startTestHub>>;
type Client = Awaited<ReturnType<typeof signedInAgent>>;
let admin: Client;
let ayse: Client;

beforeAll(async () => {
  hub = await startTestHub(testConfig('apitokens', { API_TOKEN_RATE: '100000/60s' }));
  admin = await signedInAgent(hub, 'admin@example.com', 'Yönetici', 'admin');
  ayse = await signedInAgent(hub, 'ayse@example.com', 'Ayşe', 'agent');
});
afterAll(async () => hub?.stop());

async function withToken(token: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${hub.url}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null, headers: res.headers };
}

test('a personal token is shown once, stored hashed, acts as its owner within its scopes, and stops at revocation', async () => {
  const created = await ayse.api('POST', '/me/tokens', { name: 'raporlama', scopes: ['read'] });
  expect(created.status).toBe(201);
  const token: string = created.body.token;
  expect(token).toMatch(/^kanal_pat_[A-Za-z0-9_-]{43}$/);

  // Never stored or listed in the clear.
  const stored = await collectionsOf(hub.deps.models).ApiToken.findById(created.body.tokenInfo.id).lean();
  expect(JSON.stringify(stored)).not.toContain(token.slice(10));
  const list = await ayse.api('GET', '/me/tokens');
  expect(JSON.stringify(list.body)).not.toContain(token.slice(10));
  expect(list.body.tokens).toEqual([expect.objectContaining({ name: 'raporlama', scopes: ['read'], prefix: token.slice(0, 14), revokedAt: null })]);

  const me = await withToken(token, 'GET', '/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ email: 'ayse@example.com' });
  // read only: no writes
  expect((await withToken(token, 'POST', '/me/tokens', { name: 'x', scopes: ['read'] })).status).toBe(403);
  // a token never signs out or changes the password: those need a person's session
  const write = (await ayse.api('POST', '/me/tokens', { name: 'yazma', scopes: ['read', 'write'] })).body.token as string;
  expect((await withToken(write, 'POST', '/me/password', { currentPassword: 'doğru-parola-123', newPassword: 'yepyeni uzun parola 42' })).status).toBe(403);
  expect((await withToken(write, 'POST', '/auth/logout')).status).toBe(403);

  // last use is recorded
  const used = await ayse.api('GET', '/me/tokens');
  expect(used.body.tokens.find((t: { name: string }) => t.name === 'raporlama').lastUsedAt).not.toBeNull();

  const revoked = await ayse.api('POST', `/me/tokens/${created.body.tokenInfo.id}/revoke`);
  expect(revoked.status).toBe(200);
  expect((await withToken(token, 'GET', '/me')).status).toBe(401);
  // someone else's token is not yours to revoke
  expect((await admin.api('POST', `/me/tokens/${created.body.tokenInfo.id}/revoke`)).status).toBe(404);
});

test('staff routes need the admin scope and the role; an agent cannot mint an admin-scoped token', async () => {
  expect((await ayse.api('POST', '/me/tokens', { name: 'x', scopes: ['read', 'admin'] })).status).toBe(403);
  const readOnly = (await admin.api('POST', '/me/tokens', { name: 'izleme', scopes: ['read'] })).body.token as string;
  expect((await withToken(readOnly, 'GET', '/admin/tokens')).status).toBe(403);
  const staff = (await admin.api('POST', '/me/tokens', { name: 'yönetim', scopes: ['read', 'admin'] })).body.token as string;
  const all = await withToken(staff, 'GET', '/admin/tokens');
  expect(all.status).toBe(200);
  expect((all.body!.tokens as unknown[]).length).toBeGreaterThanOrEqual(2);
  expect((await withToken('kanal_pat_' + 'A'.repeat(43), 'GET', '/me')).status).toBe(401);
});

test('a bot cannot sign in, works through its token, and stops when an admin disables it or revokes the token', async () => {
  const made = await admin.api('POST', '/admin/bots', { botName: 'Sipariş botu', name: 'entegrasyon', scopes: ['read', 'write'] });
  expect(made.status).toBe(201);
  expect(made.body.bot).toMatchObject({ name: 'Sipariş botu', bot: true, role: 'agent' });
  const token: string = made.body.token;
  expect(token).toMatch(/^kanal_bot_/);
  expect((await withToken(token, 'GET', '/me')).body).toMatchObject({ name: 'Sipariş botu' });

  const login = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: made.body.bot.email, password: 'bot: no password' }),
  });
  expect(login.status).toBe(401);
  expect((await admin.api('POST', `/agents/${made.body.bot.id}/password`, { password: 'bir bot parolası 123' })).status).toBe(400);

  expect((await admin.api('POST', `/agents/${made.body.bot.id}/disable`)).status).toBe(200);
  expect((await withToken(token, 'GET', '/me')).status).toBe(401);
  expect((await admin.api('POST', `/agents/${made.body.bot.id}/enable`)).status).toBe(200);
  expect((await withToken(token, 'GET', '/me')).status).toBe(200);
  expect((await admin.api('POST', `/admin/tokens/${made.body.tokenInfo.id}/revoke`)).status).toBe(200);
  expect((await withToken(token, 'GET', '/me')).status).toBe(401);
});

test('each token has its own rate budget: over it the answer is 429 with Retry-After', async () => {
  const limited = await startTestHub(testConfig('apitokensrate', { API_TOKEN_RATE: '5/60s' }), 'hub');
  try {
    const zeynep = await signedInAgent(limited, 'zeynep@example.com', 'Zeynep', 'agent');
    const call = (token: string) => fetch(`${limited.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const token = (await zeynep.api('POST', '/me/tokens', { name: 'yoğun', scopes: ['read'] })).body.token as string;
    const other = (await zeynep.api('POST', '/me/tokens', { name: 'sakin', scopes: ['read'] })).body.token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await call(token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(other)).status).toBe(200);
  } finally {
    await limited.stop();
  }
});

test('over the whole route table, a token gets no more than its scopes allow', async () => {
  const { apiRoutes } = await import('../../src/http');
  // An admin's token: its role allows every route, so any refusal below comes from the scopes alone.
  const readOnly = (await admin.api('POST', '/me/tokens', { name: 'salt okunur', scopes: ['read'] })).body.token as string;
  const readWrite = (await admin.api('POST', '/me/tokens', { name: 'okuma yazma', scopes: ['read', 'write'] })).body.token as string;
  const id = '0'.repeat(24);
  const checked: string[] = [];
  for (const r of apiRoutes().filter((d) => d.access !== 'public')) {
    const path = r.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'key' ? 'a'.repeat(10) : id));
    const method = r.method.toUpperCase();
    const staff = r.access === 'admin' || r.access === 'supervisor';
    // Without the write scope nothing but GET passes; without the admin scope no staff route passes.
    if (method !== 'GET') expect([`${method} ${r.path}`, (await withToken(readOnly, method, path, {})).status]).toEqual([`${method} ${r.path}`, 403]);
    if (staff) expect([`${method} ${r.path}`, (await withToken(readWrite, method, path, method === 'GET' ? undefined : {})).status]).toEqual([`${method} ${r.path}`, 403]);
    checked.push(`${method} ${r.path}`);
  }
  expect(checked.length).toBeGreaterThan(50);
}, 60_000);
