import { io as connect, type Socket } from 'socket.io-client';
import { startHub } from '../../src/hub';
import { createAgent } from '../../src/services/agents/agents';
import { SessionStore } from '../../src/services/agents/sessions';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected } from '../helpers/sockets';

// Sessions end when they should: sign-out, "sign out everywhere", a password change or reset, and an admin
// disabling the agent end them on every request and socket event at once (issue 12, items 5 and 8).
let hub: Awaited<ReturnType<typeof startTestHub>>;
const sockets: Socket[] = [];
const PASSWORD = 'doğru-parola-123';
let admin = '';
let seq = 0;

type Json = Record<string, unknown> & { error?: string };
async function login(email: string, password = PASSWORD) {
  const res = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as Json & { token?: string };
  return { status: res.status, token: body.token ?? '', cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
}
async function call(method: string, path: string, auth: { token?: string; cookie?: string }, body?: unknown) {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${hub.url}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as Json | null, setCookie: res.headers.get('set-cookie') };
}
const meStatus = async (token: string) => (await call('GET', '/me', { token })).status;
/** A fresh agent of its own for each test (no test depends on another's sessions). */
async function newAgent(role: 'agent' | 'admin' = 'agent') {
  const email = `s${++seq}@kanal.test`;
  const agent = await createAgent(hub.deps.models, { email, name: `Ajan ${seq}`, password: PASSWORD, role });
  return { id: agent.id, email };
}
function openSocket(token: string, base = hub.url): Socket {
  const s = connect(`${base}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
const disconnected = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', resolve));

beforeAll(async () => {
  hub = await startTestHub(testConfig('sessions'), 'hub');
  const a = await newAgent('admin');
  admin = (await login(a.email)).token;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('a token used after sign-out is 401 (bearer and cookie); the agent\'s other sessions keep working', async () => {
  const a = await newAgent();
  const first = await login(a.email);
  const second = await login(a.email);
  expect(await meStatus(first.token)).toBe(200);
  const out = await call('POST', '/auth/logout', { token: first.token });
  expect(out.status).toBe(204);
  expect(await meStatus(first.token)).toBe(401);
  expect(await meStatus(second.token)).toBe(200);

  const viaCookie = await login(a.email);
  expect((await call('GET', '/me', { cookie: viaCookie.cookie })).status).toBe(200);
  const cookieOut = await call('POST', '/auth/logout', { cookie: viaCookie.cookie });
  expect(cookieOut.status).toBe(204);
  expect(cookieOut.setCookie).toMatch(/kanal_session=;/);
  expect((await call('GET', '/me', { cookie: viaCookie.cookie })).status).toBe(401); // the cookie a client kept is dead too
});

test('a signed-out session\'s live socket is disconnected and cannot reconnect', async () => {
  const a = await newAgent();
  const { token } = await login(a.email);
  const s = openSocket(token);
  await connected(s);
  const gone = disconnected(s);
  expect((await call('POST', '/auth/logout', { token })).status).toBe(204);
  expect(await gone).toBe('io server disconnect');
  await expect(connected(openSocket(token))).rejects.toThrow('unauthorized');
});

test('sign out everywhere: every session of the agent is 401, other agents are unaffected', async () => {
  const a = await newAgent();
  const sessions = [await login(a.email), await login(a.email), await login(a.email)];
  const s = openSocket(sessions[2]!.token);
  await connected(s);
  const gone = disconnected(s);
  const out = await call('POST', '/auth/logout-all', { token: sessions[0]!.token });
  expect(out.status).toBe(204);
  expect(out.setCookie).toMatch(/kanal_session=;/);
  for (const { token } of sessions) expect(await meStatus(token)).toBe(401);
  expect(await gone).toBe('io server disconnect');
  expect(await meStatus(admin)).toBe(200);
  expect((await login(a.email)).status).toBe(200); // signing in again works
});

test('password change: needs the current password, refuses weak ones, ends the other sessions; this one continues', async () => {
  const a = await newAgent();
  const mine = await login(a.email);
  const other = await login(a.email);
  const otherSocket = openSocket(other.token);
  await connected(otherSocket);

  const wrong = await call('POST', '/me/password', { token: mine.token }, { currentPassword: 'yanlış-parola-1', newPassword: 'yepyeni-parola-42' });
  expect(wrong.status).toBe(403);
  expect(wrong.body?.error).toMatch(/current password/);
  const weak = await call('POST', '/me/password', { token: mine.token }, { currentPassword: PASSWORD, newPassword: ' '.repeat(12) });
  expect(weak.status).toBe(400);
  expect(weak.body?.error).toMatch(/body\.newPassword: must be at least 10 characters/);
  expect(await meStatus(other.token)).toBe(200); // refused changes end nothing

  const gone = disconnected(otherSocket);
  const changed = await call('POST', '/me/password', { token: mine.token }, { currentPassword: PASSWORD, newPassword: 'yepyeni-parola-42' });
  expect(changed.status).toBe(204);
  expect(await meStatus(mine.token)).toBe(200);
  expect(await meStatus(other.token)).toBe(401);
  expect(await gone).toBe('io server disconnect');
  expect((await login(a.email)).status).toBe(401);
  expect((await login(a.email, 'yepyeni-parola-42')).status).toBe(200);
});

test('an admin disables an agent: its live sockets on every node are disconnected at once, REST is 401, sign-in refused; re-enabling lets it sign in again', async () => {
  const a = await newAgent();
  const { token } = await login(a.email);
  // A second hub node on the same store and Redis (its own HTTP server and Socket.IO adapter), as in production.
  const nodeB = await startHub(hub.deps.config, 'hub');
  try {
    const here = openSocket(token);
    const there = openSocket(token, nodeB.url);
    await Promise.all([connected(here), connected(there)]);
    const gone = Promise.all([disconnected(here), disconnected(there)]);

    const off = await call('POST', `/agents/${a.id}/disable`, { token: admin });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: a.id, disabled: true });
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
  } finally {
    await nodeB.close();
  }
  expect(await meStatus(token)).toBe(401);
  await expect(connected(openSocket(token))).rejects.toThrow('unauthorized');
  expect((await login(a.email)).status).toBe(401);

  const on = await call('POST', `/agents/${a.id}/enable`, { token: admin });
  expect(on.status).toBe(200);
  expect(on.body).toMatchObject({ id: a.id, disabled: false });
  const again = await login(a.email);
  expect(again.status).toBe(200);
  expect(await meStatus(again.token)).toBe(200);
  expect(await meStatus(token)).toBe(401); // the session that was ended stays ended

  expect((await call('POST', `/agents/${a.id}/disable`, { token: again.token })).status).toBe(403); // agents cannot
  const adminId = ((await call('GET', '/me', { token: admin })).body as { id: string }).id;
  const self = await call('POST', `/agents/${adminId}/disable`, { token: admin });
  expect(self.status).toBe(400); // an admin cannot lock themselves out
  expect((await call('POST', '/agents/0123456789abcdef01234567/disable', { token: admin })).status).toBe(404);
});

test('every socket event checks the session: an event on a session ended without its disconnect is refused', async () => {
  const a = await newAgent();
  const { token } = await login(a.email);
  const s = openSocket(token);
  await connected(s);
  const conversationId = '0123456789abcdef01234567';
  expect(await s.timeout(5000).emitWithAck('conversation:join', { conversationId })).toEqual({ error: 'conversation not found', code: 'not_found' });
  // End the session in the registry only (as if the disconnect broadcast were lost): the next event is refused.
  await new SessionStore(hub.deps.redis, hub.deps.config.QUEUE_PREFIX).endAll(a.id);
  const gone = disconnected(s);
  expect(await s.timeout(5000).emitWithAck('conversation:join', { conversationId })).toEqual({ error: 'session ended', code: 'unauthenticated' });
  expect(await gone).toBe('io server disconnect');
});

test('an admin resets another agent\'s password: the old one stops working and the agent\'s sessions end; weak ones are 400', async () => {
  const a = await newAgent();
  const { token } = await login(a.email);
  const weak = await call('POST', `/agents/${a.id}/password`, { token: admin }, { password: 'aaaaaaaaaaaa' });
  expect(weak.status).toBe(400);
  expect(weak.body?.error).toMatch(/body\.password/);
  expect(await meStatus(token)).toBe(200);
  const reset = await call('POST', `/agents/${a.id}/password`, { token: admin }, { password: 'sıfırlanan-parola-7' });
  expect(reset.status).toBe(204);
  expect(await meStatus(token)).toBe(401);
  expect((await login(a.email)).status).toBe(401);
  expect((await login(a.email, 'sıfırlanan-parola-7')).status).toBe(200);
  expect((await call('POST', `/agents/${a.id}/password`, { token }, { password: 'başka-bir-parola-8' })).status).toBe(401);
});
