import { createHmac, randomBytes } from 'node:crypto';
import { createSession } from '../../channels/webchat/session';
import { checkIdentityHash, identityHash, readToken, renewToken, signToken, verifyToken } from '../../channels/webchat/token';

const secret = randomBytes(32).toString('hex');
const identitySecret = 'host-site-identity-secret-123';
const DAY_S = 24 * 3600;
const plain = { tokenSecret: secret, tokenTtlS: 30 * DAY_S };

test('a signed token verifies and carries its payload (Turkish name intact)', () => {
  const token = signToken({ visitorId: 'v_abc', name: 'Şükrü Çağlar', verified: false, iat: 1700000000 }, secret);
  expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  expect(verifyToken(token, secret)).toEqual({ visitorId: 'v_abc', name: 'Şükrü Çağlar', email: undefined, verified: false, iat: 1700000000 });
});

test('tampered, foreign and malformed tokens are rejected', () => {
  const token = signToken({ visitorId: 'v_abc', verified: false, iat: 1 }, secret);
  const [body, sig] = token.split('.') as [string, string];
  const forged = Buffer.from(JSON.stringify({ visitorId: 'u_admin', verified: true, iat: 1 })).toString('base64url');
  expect(verifyToken(`${forged}.${sig}`, secret)).toBeNull();
  expect(verifyToken(`${body}.${sig.slice(0, -2)}`, secret)).toBeNull();
  expect(verifyToken(token, randomBytes(32).toString('hex'))).toBeNull();
  for (const bad of ['', '.', 'a.b.c', 'no-dot', 42, null, undefined, {}, 'x'.repeat(10_000)]) expect(verifyToken(bad, secret)).toBeNull();
  // A correctly signed body that is not a payload.
  const junk = Buffer.from('"just a string"').toString('base64url');
  expect(verifyToken(`${junk}.${createHmac('sha256', secret).update(junk).digest('base64url')}`, secret)).toBeNull();
});

test('strict identity HMAC: hex HMAC-SHA256(userId) passes, anything else fails', () => {
  const hash = createHmac('sha256', identitySecret).update('user-42').digest('hex');
  expect(identityHash('user-42', identitySecret)).toBe(hash);
  expect(checkIdentityHash('user-42', hash, identitySecret)).toBe(true);
  expect(checkIdentityHash('user-42', hash.toUpperCase(), identitySecret)).toBe(true);
  expect(checkIdentityHash('user-43', hash, identitySecret)).toBe(false);
  expect(checkIdentityHash('user-42', hash.slice(0, -1), identitySecret)).toBe(false);
  expect(checkIdentityHash('user 42', identityHash('user 42', identitySecret), identitySecret)).toBe(false); // bad chars
  expect(checkIdentityHash(undefined, hash, identitySecret)).toBe(false);
});

test('sessions: new anonymous, reconnect keeps the visitor id, bad input is a 400', () => {
  const first = createSession({ name: 'Ayşe', email: 'ayse@example.com' }, plain);
  expect(first.status).toBe(200);
  if (first.status !== 200) return;
  expect(first.body.visitorId).toMatch(/^v_[A-Za-z0-9_-]{22}$/);
  const again = createSession({ token: first.body.token }, plain);
  expect(again.status === 200 && again.body.visitorId).toBe(first.body.visitorId);
  expect(again.status === 200 && verifyToken(again.body.token, secret)).toMatchObject({ name: 'Ayşe', email: 'ayse@example.com', verified: false });
  // A forged token just starts a new visitor.
  const fresh = createSession({ token: 'garbage.token' }, plain);
  expect(fresh.status === 200 && fresh.body.visitorId).not.toBe(first.body.visitorId);

  expect(createSession({ email: 'not-an-email' }, plain)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/email/) } });
  expect(createSession({ name: 'x'.repeat(201) }, plain)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/name/) } });
  expect(createSession('nope', plain).status).toBe(400);
});

test('strict mode: only a good host signature gets a session, as u_<userId>, verified', () => {
  const secrets = { ...plain, identitySecret };
  expect(createSession({}, secrets).status).toBe(401);
  expect(createSession({ userId: 'user-42' }, secrets).status).toBe(401);
  expect(createSession({ userId: 'user-42', userHash: identityHash('user-41', identitySecret) }, secrets).status).toBe(401);
  expect(createSession({ userId: 'a/b', userHash: identityHash('a/b', identitySecret) }, secrets).status).toBe(401);
  const ok = createSession({ userId: 'user-42', userHash: identityHash('user-42', identitySecret) }, secrets);
  expect(ok).toMatchObject({ status: 200, body: { visitorId: 'u_user-42' } });
  expect(ok.status === 200 && verifyToken(ok.body.token, secret)?.verified).toBe(true);
});

test('a token expires its lifetime after it was issued; a renewed one starts over; tampered ones stay invalid', () => {
  const now = Date.UTC(2025, 0, 31);
  const issued = (daysAgo: number) => signToken({ visitorId: 'v_abc', verified: false, iat: Math.floor(now / 1000) - daysAgo * DAY_S }, secret);
  expect(readToken(issued(29), secret, 30 * DAY_S, now)).toMatchObject({ ok: true, session: { visitorId: 'v_abc' } });
  expect(readToken(issued(31), secret, 30 * DAY_S, now)).toEqual({ ok: false, reason: 'expired' });
  expect(readToken(issued(31), secret, 60 * DAY_S, now).ok).toBe(true); // the lifetime is the hub's setting, not the token's
  expect(readToken(`${issued(1)}x`, secret, 30 * DAY_S, now)).toEqual({ ok: false, reason: 'invalid' });
  const old = verifyToken(issued(29), secret)!;
  const renewed = renewToken(old, secret, now);
  expect(readToken(renewed, secret, 30 * DAY_S, now + 29 * DAY_S * 1000)).toMatchObject({ ok: true, session: { visitorId: 'v_abc', iat: now / 1000 } });
});

test('sessions: an expired token starts a new anonymous visitor, as an unknown one does', () => {
  const expired = signToken({ visitorId: 'v_old', name: 'Ayşe', verified: false, iat: Math.floor(Date.now() / 1000) - 31 * DAY_S }, secret);
  const res = createSession({ token: expired }, plain);
  expect(res.status).toBe(200);
  expect(res.status === 200 && res.body.visitorId).not.toBe('v_old');
  expect(res.status === 200 && verifyToken(res.body.token, secret)?.name).toBeUndefined(); // nothing carried over from it
});
