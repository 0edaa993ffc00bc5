import { createHmac, randomBytes } from 'node:crypto';
import { createSession } from '../../channels/webchat/session';
import { checkIdentityHash, identityHash, signToken, verifyToken } from '../../channels/webchat/token';

const secret = randomBytes(32).toString('hex');
const identitySecret = 'host-site-identity-secret-123';

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
  const first = createSession({ name: 'Ayşe', email: 'ayse@example.com' }, { tokenSecret: secret });
  expect(first.status).toBe(200);
  if (first.status !== 200) return;
  expect(first.body.visitorId).toMatch(/^v_[A-Za-z0-9_-]{22}$/);
  const again = createSession({ token: first.body.token }, { tokenSecret: secret });
  expect(again.status === 200 && again.body.visitorId).toBe(first.body.visitorId);
  expect(again.status === 200 && verifyToken(again.body.token, secret)).toMatchObject({ name: 'Ayşe', email: 'ayse@example.com', verified: false });
  // A forged token just starts a new visitor.
  const fresh = createSession({ token: 'garbage.token' }, { tokenSecret: secret });
  expect(fresh.status === 200 && fresh.body.visitorId).not.toBe(first.body.visitorId);

  expect(createSession({ email: 'not-an-email' }, { tokenSecret: secret })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/email/) } });
  expect(createSession({ name: 'x'.repeat(201) }, { tokenSecret: secret })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/name/) } });
  expect(createSession('nope', { tokenSecret: secret }).status).toBe(400);
});

test('strict mode: only a good host signature gets a session, as u_<userId>, verified', () => {
  const secrets = { tokenSecret: secret, identitySecret };
  expect(createSession({}, secrets).status).toBe(401);
  expect(createSession({ userId: 'user-42' }, secrets).status).toBe(401);
  expect(createSession({ userId: 'user-42', userHash: identityHash('user-41', identitySecret) }, secrets).status).toBe(401);
  expect(createSession({ userId: 'a/b', userHash: identityHash('a/b', identitySecret) }, secrets).status).toBe(401);
  const ok = createSession({ userId: 'user-42', userHash: identityHash('user-42', identitySecret) }, secrets);
  expect(ok).toMatchObject({ status: 200, body: { visitorId: 'u_user-42' } });
  expect(ok.status === 200 && verifyToken(ok.body.token, secret)?.verified).toBe(true);
});
