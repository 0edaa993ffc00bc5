import { io as connect, type Socket } from 'socket.io-client';
import { signToken, verifyToken } from '../../channels/webchat/token';
import { WidgetEvents } from '../../src/domain/events';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected, nextEvent } from '../helpers/sockets';

// Widget session tokens expire (WIDGET_TOKEN_TTL_DAYS after they were issued) and are renewed on every connect, so
// a returning visitor slides forward while a token copied long ago stops working (issue 12, item 3).
let hub: Awaited<ReturnType<typeof startTestHub>>;
const sockets: Socket[] = [];
const DAY_S = 24 * 3600;

beforeAll(async () => {
  hub = await startTestHub(testConfig('widgettoken', { WIDGET_TOKEN_TTL_DAYS: '2' }), 'hub');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

const secret = () => hub.deps.config.WIDGET_TOKEN_SECRET;
const issuedDaysAgo = (days: number, visitorId: string) =>
  signToken({ visitorId, name: 'Ayşe', verified: false, iat: Math.floor(Date.now() / 1000) - days * DAY_S }, secret());
function open(token: string): Socket {
  const s = connect(`${hub.url}/widget`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
async function session(body: unknown) {
  const res = await fetch(`${hub.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { token: string; visitorId: string; error?: string } };
}

test('an expired token is refused on connect with a clear error; the session endpoint starts a new visitor for it', async () => {
  const expired = issuedDaysAgo(3, 'v_expired-visitor');
  await expect(connected(open(expired))).rejects.toThrow('token expired');
  const fresh = await session({ token: expired });
  expect(fresh.status).toBe(200);
  expect(fresh.body.visitorId).not.toBe('v_expired-visitor');
  await connected(open(fresh.body.token));
});

test('connecting renews the token: the widget gets a fresh one for the same visitor, and it works', async () => {
  const old = issuedDaysAgo(1.5, 'v_returning-visitor');
  const s = open(old);
  const renewed = nextEvent<{ token: string }>(s, WidgetEvents.token);
  await connected(s);
  const { token } = await renewed;
  expect(token).not.toBe(old);
  const payload = verifyToken(token, secret())!;
  expect(payload).toMatchObject({ visitorId: 'v_returning-visitor', name: 'Ayşe', verified: false });
  expect(payload.iat).toBeGreaterThan(verifyToken(old, secret())!.iat);
  s.disconnect();
  const again = open(token);
  await connected(again);
  // The session endpoint renews too (same visitor, new token).
  const viaSession = await session({ token });
  expect(viaSession.body.visitorId).toBe('v_returning-visitor');
});
