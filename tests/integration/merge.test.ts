import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import type { MessageView } from '../../src/domain/views';
import { enqueueInbound } from '../../src/queues';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// Merging two customers through the API against a real hub with its inbound worker: everything moves, the audit
// trail records who and what, the worker's sender cache follows the merge, and undo restores the before-state.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let seq = 0;
let api: Awaited<ReturnType<typeof signedInAgent>>['api'];

const msg = (channel: 'email' | 'sms', address: string, text: string): InboundMessage => ({
  channel, dedupeKey: `${channel}:merge-${++seq}-${new Types.ObjectId()}`, from: { address, name: channel === 'email' ? 'Ayşe Yılmaz' : undefined },
  text, attachments: [], sentAt: new Date().toISOString(),
});

/** Sends through the real queue and resolves with the stored message once the worker has ingested it. */
async function send(m: InboundMessage) {
  await enqueueInbound(hub.deps.queues, m);
  return waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ dedupeKey: m.dedupeKey }).lean(), 15_000, `ingest of ${m.text}`);
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('merge'), 'all');
  ({ api } = await signedInAgent(hub, 'oya@kanal.test', 'Oya'));
});
afterAll(async () => {
  await hub.stop();
});

test('merge moves identities, conversations and messages; later messages follow; undo restores', async () => {
  const email = await send(msg('email', 'ayse@example.com', 'E-posta ile yazıyorum'));
  const sms1 = await send(msg('sms', '+905321234567', 'SMS ile yazıyorum'));
  await send(msg('sms', '+905321234567', 'Bir SMS daha')); // the worker now knows this sender (cache)
  const target = String(email.customerId);
  const source = String(sms1.customerId);
  expect(target).not.toBe(source);
  await collectionsOf(hub.deps.models).Customer.updateOne({ _id: sms1.customerId }, { $set: { tags: ['vip'] } });

  const merged = await api('POST', `/customers/${target}/merge`, { sourceId: source });
  expect(merged.status).toBe(200);
  const customer = (await api('GET', `/customers/${target}`)).body;
  expect(customer.identities.map((i: { kind: string }) => i.kind).sort()).toEqual(['email', 'phone']);
  expect(customer.tags).toEqual(['vip']);
  const thread = (await api<{ items: MessageView[] }>('GET', `/customers/${target}/thread`)).body.items.map((m) => m.text);
  expect(thread).toEqual(expect.arrayContaining(['E-posta ile yazıyorum', 'SMS ile yazıyorum', 'Bir SMS daha']));
  // Both had an open conversation: the source's is resolved, so the customer keeps exactly one unresolved.
  const convs = (await api<{ status: string }[]>('GET', `/customers/${target}/conversations`)).body;
  expect(convs.map((c) => c.status).sort()).toEqual(['open', 'resolved']);
  const audit = (await api('GET', `/customers/${target}/audit`)).body;
  expect(audit[0]).toMatchObject({ action: 'customer.merge', actor: { name: 'Oya' }, undoneAt: null });

  // The next SMS from the merged-away number lands on the surviving customer, in its open conversation.
  const after = await send(msg('sms', '+905321234567', 'Birleştirmeden sonra'));
  expect(String(after.customerId)).toBe(target);
  expect(String(after.conversationId)).toBe(String(email.conversationId));
  expect(await conversationModel(hub.deps.db).countDocuments({ customerId: sms1.customerId })).toBe(0);

  // Undo: the phone, its conversation and messages go back; the conversation is open again; tags restored.
  const undone = await api('POST', `/audit/${merged.body.auditId}/undo`);
  expect(undone.status).toBe(200);
  expect((await api('GET', `/customers/${source}`)).body.identities.map((i: { kind: string }) => i.kind)).toEqual(['phone']);
  expect((await api('GET', `/customers/${target}`)).body).toMatchObject({ tags: [], identities: [{ kind: 'email' }] });
  const sourceThread = (await api<{ items: MessageView[] }>('GET', `/customers/${source}/thread`)).body.items;
  expect(sourceThread.filter((m) => m.kind === 'message').map((m) => m.text)).toEqual(['SMS ile yazıyorum', 'Bir SMS daha']);
  // The conversation's resolve and reopen are recorded in it like any status change.
  expect(sourceThread.filter((m) => m.kind === 'event').map((m) => m.text))
    .toEqual(['Oya merged this customer into Ayşe Yılmaz: resolved', 'Oya undid the customer merge: open again']);
  expect((await api<{ status: string }[]>('GET', `/customers/${source}/conversations`)).body.map((c) => c.status)).toEqual(['open']);
  expect((await api('POST', `/audit/${merged.body.auditId}/undo`)).status).toBe(409);

  // And the worker follows the undo too.
  const back = await send(msg('sms', '+905321234567', 'Geri alındıktan sonra'));
  expect(String(back.customerId)).toBe(source);
  expect(String(back.conversationId)).toBe(String(sms1.conversationId));
}, 60_000);

test('bad merges are refused clearly', async () => {
  const a = await send(msg('email', 'mert@example.com', 'Merhaba'));
  const id = String(a.customerId);
  expect((await api('POST', `/customers/${id}/merge`, { sourceId: id })).status).toBe(400);
  expect((await api('POST', `/customers/${id}/merge`, { sourceId: '0'.repeat(24) })).status).toBe(404);
  expect((await api('POST', `/customers/${id}/merge`, { sourceId: 'nope' })).status).toBe(400);
  expect((await api('POST', `/audit/${'0'.repeat(24)}/undo`)).status).toBe(404);
  expect((await api('POST', `/customers/${id}/name`, { name: '  ' })).status).toBe(400);
  expect((await api('POST', `/customers/${id}/name`, { name: 'Mert Işık' })).body.name).toBe('Mert Işık');
});
