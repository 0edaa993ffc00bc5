import type { ChildProcess } from 'node:child_process';
import { io as connect, type Socket } from 'socket.io-client';
import { createAgent } from '../../src/services/agents/agents';
import { connectStore, ensureIndexes, models } from '../../src/store';
import type { MessageView } from '../../src/domain/views';
import { testConfig } from '../helpers/env';
import { deleteKeys, nextEvent } from '../helpers/sockets';
import { spawnHub, spawnKanal, stopProcess, waitUntil } from '../helpers/process';

// Two hub nodes and a separate worker process, sharing Redis and the store, as in production.
const config = testConfig('multinode');
let urlA: string;
let urlB: string;
const children: ChildProcess[] = [];
const sockets: Socket[] = [];
let db: Awaited<ReturnType<typeof connectStore>>;

async function healthy(url: string) {
  return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
}

beforeAll(async () => {
  db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  await ensureIndexes(db);
  await createAgent(models(db), { email: 'selin@example.com', name: 'Selin', password: 'correct horse battery', role: 'agent' });
  const nodeA = spawnHub(config);
  const nodeB = spawnHub(config);
  children.push(nodeA.child, nodeB.child, spawnKanal('worker', config));
  [urlA, urlB] = await Promise.all([nodeA.url, nodeB.url]);
  await waitUntil(async () => (await healthy(urlA)) && (await healthy(urlB)), 30_000, 'both hub nodes');
}, 60_000);

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await Promise.all(children.map((c) => stopProcess(c)));
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.REDIS_URL);
  await deleteKeys(redis, config.QUEUE_PREFIX);
  await redis.quit();
  await db.dropDatabase();
  await db.close();
});

function connected(url: string, nsp: string, token: string): Promise<Socket> {
  const socket = connect(`${url}${nsp}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

test('a visitor on node A reaches an agent on node B, and the agent reply reaches the visitor on node A', async () => {
  const login = await fetch(`${urlB}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'selin@example.com', password: 'correct horse battery' }),
  });
  expect(login.status).toBe(200);
  const { token: agentToken } = await login.json();
  const agent = await connected(urlB, '/agents', agentToken);

  const session = await fetch(`${urlA}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Mehmet' }) });
  expect(session.status).toBe(200);
  const { token: visitorToken } = await session.json();
  const visitor = await connected(urlA, '/widget', visitorToken);

  const seen = nextEvent<MessageView>(agent, 'message.created', (m) => m.text === 'İade nasıl yapılır?');
  const ack = await visitor.timeout(10_000).emitWithAck('message:send', { clientId: 'multi-1', text: 'İade nasıl yapılır?' });
  expect(ack).toMatchObject({ ok: true });
  const inbound = await seen;
  expect(inbound.direction).toBe('in');
  expect(inbound.channel).toBe('webchat');

  const reply = nextEvent<{ text: string }>(visitor, 'message', (m) => m.text === 'Siparişler sayfasından iade talebi oluşturabilirsiniz.');
  // Listening before the reply is sent: its "sent" update may reach the agent before the visitor has the message.
  const delivered = nextEvent<MessageView>(agent, 'message.updated', (m) => m.direction === 'out' && m.delivery.status === 'sent');
  const res = await fetch(`${urlB}/api/conversations/${inbound.conversationId}/reply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({ text: 'Siparişler sayfasından iade talebi oluşturabilirsiniz.' }),
  });
  expect(res.status).toBe(202);
  await reply;
  expect((await delivered).text).toBe('Siparişler sayfasından iade talebi oluşturabilirsiniz.');
}, 60_000);
