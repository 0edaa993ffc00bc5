import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { enqueueInbound } from '../../src/queues';
import { postWebhook } from '../../src/services/webhooks/post';
import { verifySignature } from '../../src/services/webhooks/sign';
import type { WebhookPayload } from '../../src/domain/webhooks';
import { webchatMessage } from '../helpers/messages';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// Outgoing webhooks (src/services/webhooks) against a real receiver on loopback: signed, versioned payloads for what
// happens in the hub, retried with backoff, turned off after repeated failure, logged and redeliverable; private
// addresses only when an admin allows them.

interface Received { path: string; headers: http.IncomingHttpHeaders; body: string; payload: WebhookPayload }
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let receiver: http.Server;
let receiverUrl = '';
const received: Received[] = [];
/** What the receiver answers next, per path (default 200). */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '/', headers: req.headers, body, payload: JSON.parse(body) as WebhookPayload });
      const queue = answers.get(req.url ?? '/') ?? [];
      res.writeHead(queue.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  hub = await startTestHub(testConfig('webhooks', { WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '50', WEBHOOK_DISABLE_AFTER: '2', WEBHOOK_TIMEOUT_MS: '2000' }));
  admin = await signedInAgent(hub, 'admin@example.com', 'Yönetici', 'admin');
});
afterAll(async () => {
  await hub?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const arrived = (match: (r: Received) => boolean, what: string) => waitFor(async () => received.find(match), 10_000, what);
const register = async (path: string, events: string[]) => {
  const res = await admin.api('POST', '/admin/webhooks', { url: `${receiverUrl}${path}`, events, allowPrivate: true });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
};

test('private, loopback and non-http URLs are refused unless an admin allows private addresses; agents cannot manage webhooks', async () => {
  for (const url of [`${receiverUrl}/x`, 'http://localhost/x', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://10.1.2.3/x', 'ftp://example.com/x', 'https://user:pw@example.com/x', 'not a url']) {
    const res = await admin.api('POST', '/admin/webhooks', { url, events: ['message.created'] });
    expect([url, res.status]).toEqual([url, 400]);
  }
  const agent = await signedInAgent(hub, 'ayse@example.com', 'Ayşe', 'agent');
  expect((await agent.api('GET', '/admin/webhooks')).status).toBe(403);
  // At delivery the address is checked again when it is connected to, whatever the name resolved to before.
  const refused = await postWebhook(new URL(`http://localhost:${new URL(receiverUrl).port}/x`), '{}', {}, { timeoutMs: 1000, allowPrivate: false });
  expect(refused.status).toBe(0);
  expect(refused.body).toMatch(/private address/);
  expect(received).toHaveLength(0);
});

test('a new conversation, its message and its status and assignment changes reach the receiver signed, in order of events', async () => {
  const hook = await register('/events', ['conversation.created', 'message.created', 'conversation.status_changed', 'conversation.assigned']);
  await enqueueInbound(hub.deps.queues, webchatMessage('wh-1', 'visitor-wh-1', 'Kargom nerede?'));
  const created = await arrived((r) => r.path === '/events' && r.payload.event === 'conversation.created', 'conversation.created');
  const message = await arrived((r) => r.path === '/events' && r.payload.event === 'message.created', 'message.created');
  expect(message.payload).toMatchObject({ version: 1, data: { message: { text: 'Kargom nerede?', direction: 'in', channel: 'webchat' } } });
  for (const r of [created, message]) {
    expect(r.headers['kanal-event']).toBe(r.payload.event);
    expect(r.headers['kanal-delivery']).toBe(r.payload.id);
    expect(verifySignature(hook.secret, r.body, String(r.headers['kanal-signature']))).toBe(true);
    expect(verifySignature('whsec_other', r.body, String(r.headers['kanal-signature']))).toBe(false);
  }
  const conversationId = (message.payload.data as { conversation: { id: string } }).conversation.id;

  expect((await admin.api('POST', `/conversations/${conversationId}/assign`, { assigneeId: admin.id })).status).toBe(200);
  const assigned = await arrived((r) => r.payload.event === 'conversation.assigned', 'conversation.assigned');
  expect(assigned.payload.data).toMatchObject({ previousAssigneeId: null, conversation: { id: conversationId, assigneeId: admin.id } });
  expect((await admin.api('POST', `/conversations/${conversationId}/status`, { status: 'resolved' })).status).toBe(200);
  const resolved = await arrived((r) => r.payload.event === 'conversation.status_changed', 'conversation.status_changed');
  expect(resolved.payload.data).toMatchObject({ previousStatus: 'open', conversation: { status: 'resolved' } });
  // Private notes are not sent: a later event (reopening) is delivered, and neither the receiver nor the log saw the note.
  expect((await admin.api('POST', `/conversations/${conversationId}/notes`, { text: 'iç not' })).status).toBe(201);
  expect((await admin.api('POST', `/conversations/${conversationId}/status`, { status: 'open' })).status).toBe(200);
  await arrived((r) => r.payload.event === 'conversation.status_changed' && (r.payload.data as { previousStatus: string }).previousStatus === 'resolved', 'the reopening');
  const log = (await admin.api('GET', `/admin/webhooks/${hook.id}/deliveries`)).body as { body: string }[];
  expect(log.length).toBe(received.filter((r) => r.path === '/events').length);
  expect([...log.map((d) => d.body), ...received.map((r) => r.body)].filter((b) => b.includes('iç not'))).toEqual([]);
  await admin.api('PATCH', `/admin/webhooks/${hook.id}`, { enabled: false });
});

test('a failing receiver is retried with backoff until it answers; the log shows each delivery and a redelivery sends the same id', async () => {
  const hook = await register('/flaky', ['message.created']);
  answers.set('/flaky', [500, 503]);
  expect((await admin.api('POST', `/admin/webhooks/${hook.id}/test`)).status).toBe(202);
  const ping = await arrived((r) => r.payload.event === 'ping' && r.headers['kanal-delivery'] !== undefined && received.filter((x) => x.payload.id === r.payload.id).length === 3, 'third attempt');
  const log = await waitFor(async () => {
    const res = await admin.api('GET', `/admin/webhooks/${hook.id}/deliveries`);
    return res.body[0]?.status === 'delivered' ? res.body : null;
  }, 10_000, 'delivered in the log');
  expect(log[0]).toMatchObject({ id: ping.payload.id, event: 'ping', attempts: 3, responseStatus: 200 });

  expect((await admin.api('POST', `/admin/webhooks/${hook.id}/deliveries/${ping.payload.id}/redeliver`)).status).toBe(202);
  await waitFor(async () => received.filter((r) => r.payload.id === ping.payload.id).length === 4, 10_000, 'redelivery');
  await admin.api('PATCH', `/admin/webhooks/${hook.id}`, { enabled: false });
});

test('after deliveries keep failing the hub turns the webhook off with a reason; turning it on clears it', async () => {
  const hook = await register('/down', ['message.created']);
  answers.set('/down', Array(100).fill(500));
  await enqueueInbound(hub.deps.queues, webchatMessage('wh-2', 'visitor-wh-2', 'bir'));
  await enqueueInbound(hub.deps.queues, webchatMessage('wh-3', 'visitor-wh-3', 'iki'));
  const off = await waitFor(async () => {
    const list = await admin.api('GET', '/admin/webhooks');
    const w = list.body.find((x: { id: string }) => x.id === hook.id);
    return w && !w.enabled ? w : null;
  }, 15_000, 'the webhook turned off');
  expect(off.disabledReason).toMatch(/2 deliveries in a row failed/);
  const deliveries = (await admin.api('GET', `/admin/webhooks/${hook.id}/deliveries`)).body as { status: string; attempts: number }[];
  expect(deliveries.map((d) => [d.status, d.attempts])).toEqual([['failed', 3], ['failed', 3]]);

  const on = await admin.api('PATCH', `/admin/webhooks/${hook.id}`, { enabled: true });
  expect(on.body).toMatchObject({ enabled: true, disabledReason: null });
});

test('the OpenAPI document describes every webhook event with its payload and signature header', async () => {
  const doc = await (await fetch(`${hub.url}/api/openapi.json`)).json() as { webhooks: Record<string, { post: { parameters: { name: string }[] } }> };
  expect(Object.keys(doc.webhooks)).toEqual(expect.arrayContaining(['conversation.created', 'conversation.status_changed', 'conversation.assigned', 'message.created', 'message.delivery_failed', 'sla.breached', 'ping']));
  expect(doc.webhooks['message.created']!.post.parameters.map((p) => p.name)).toContain('Kanal-Signature');
});
