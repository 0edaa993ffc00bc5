import { Types } from 'mongoose';
import type { ConversationView } from '../../src/domain/views';
import { ingest } from '../../src/services/ingest/ingest';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage, webchatMessage } from '../helpers/messages';

// Macros: personal and shared action lists applied to a conversation through the same services as by hand, checked
// before anything changes, and undone field by field (a sent reply stays sent).
let hub: Awaited<ReturnType<typeof startTestHub>>;
type Client = Awaited<ReturnType<typeof signedInAgent>>;
let admin: Client;
let selin: Client; // supervisor
let emre: Client; // agent
let irem: Client; // agent
let teamId = '';
let cannedId = '';
let seq = 0;

const newConversation = async () => (await ingest(hub.deps.models, null, webchatMessage(`m${++seq}`, `visitor-macro-${seq}`))).conversationId;
const conversation = async (c: Client, id: string) => (await c.api<ConversationView>('GET', `/conversations/${id}`)).body;
const threadTexts = async (id: string) => (await collectionsOf(hub.deps.models).Message.find({ conversationId: new Types.ObjectId(id) }).lean()).map((m) => `${m.kind}:${m.text}`);

beforeAll(async () => {
  hub = await startTestHub(testConfig('macros'), 'hub');
  admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Aylin', 'admin');
  teamId = String((await collectionsOf(hub.deps.models).Team.create({ name: 'İadeler', assignmentPolicy: 'manual' }))._id);
  selin = await signedInAgent(hub, 'selin@kanal.test', 'Selin', 'supervisor', [teamId]);
  emre = await signedInAgent(hub, 'emre@kanal.test', 'Emre', 'agent', [teamId]);
  irem = await signedInAgent(hub, 'irem@kanal.test', 'İrem', 'agent');
  cannedId = (await admin.api('POST', '/canned', { shortcut: 'iade', title: 'İade', text: 'İade talebinizi aldık, 3 gün içinde dönüyoruz.' })).body.id;
  expect((await admin.api('PUT', '/attribute-definitions/conversation/reason', { type: 'list', label: 'Sebep', options: ['iade', 'kargo'] })).status).toBe(200);
});
afterAll(async () => {
  await hub.stop();
});

describe('managing macros', () => {
  test('personal macros are their owner’s alone; shared ones are written by supervisors and admins and listed for all', async () => {
    const mine = await emre.api('POST', '/macros', { name: 'Benim etiketim', actions: [{ type: 'add_labels', labels: ['vip'] }] });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ visibility: 'personal', ownerId: emre.id, editable: true });
    expect((await emre.api('POST', '/macros', { name: 'Herkese', visibility: 'shared', actions: [{ type: 'add_labels', labels: ['x'] }] })).status).toBe(403);
    const shared = await selin.api('POST', '/macros', { name: 'Kargo gecikmesi', visibility: 'shared', actions: [{ type: 'add_labels', labels: ['kargo'] }] });
    expect(shared.status).toBe(201);

    const names = async (c: Client) => (await c.api('GET', '/macros')).body.map((m: { name: string }) => m.name);
    expect(await names(emre)).toEqual(['Benim etiketim', 'Kargo gecikmesi']);
    expect(await names(irem)).toEqual(['Kargo gecikmesi']);
    expect(await names(admin)).toEqual(['Kargo gecikmesi']);
    expect((await irem.api('GET', '/macros')).body[0].editable).toBe(false);

    // Someone else's personal macro does not exist for them; a shared one is read-only for agents.
    expect((await irem.api('POST', `/macros/${mine.body.id}`, { name: 'Benim' })).status).toBe(404);
    expect((await admin.api('POST', `/macros/${mine.body.id}/delete`)).status).toBe(404);
    expect((await emre.api('POST', `/macros/${shared.body.id}`, { name: 'Değişti' })).status).toBe(403);
    expect((await emre.api('POST', `/macros/${shared.body.id}/delete`)).status).toBe(403);
    expect((await emre.api('POST', `/macros/${mine.body.id}`, { name: 'Benim VIP' })).body.name).toBe('Benim VIP');
    expect((await emre.api('POST', `/macros/${mine.body.id}`, { visibility: 'shared' })).status).toBe(403);

    // Names are unique where they are seen: per owner, and among the shared ones (Turkish case folding).
    expect((await selin.api('POST', '/macros', { name: 'KARGO GECİKMESİ', visibility: 'shared', actions: [{ type: 'add_labels', labels: ['x'] }] })).status).toBe(409);
    expect((await irem.api('POST', '/macros', { name: 'Kargo gecikmesi', actions: [{ type: 'add_labels', labels: ['x'] }] })).status).toBe(201);

    // Shared changes are in the audit trail; personal ones are the agent's own tools.
    expect((await selin.api('POST', `/macros/${shared.body.id}/delete`)).status).toBe(204);
    const trail = await collectionsOf(hub.deps.models).Audit.find({ subjectType: 'macro' }).lean();
    expect(trail.map((e) => e.action).sort()).toEqual(['macro.created', 'macro.deleted']);
  });

  test('bad action lists are refused with a clear 4xx before anything is stored', async () => {
    const post = (c: Client, actions: unknown, name = 'Kötü') => c.api('POST', '/macros', { name, actions });
    expect((await post(selin, [])).status).toBe(400);
    expect((await post(selin, [{ type: 'explode' }])).status).toBe(400);
    expect((await post(selin, [{ type: 'set_status', status: 'open' }, { type: 'snooze', minutes: 60 }])).status).toBe(400);
    expect((await post(selin, [{ type: 'add_labels', labels: ['a'] }, { type: 'remove_labels', labels: ['A'] }])).status).toBe(400);
    expect((await post(selin, [{ type: 'send_canned', cannedId: '0'.repeat(24) }])).status).toBe(422);
    expect((await post(selin, [{ type: 'assign_team', teamId: '0'.repeat(24) }])).status).toBe(422);
    expect((await post(selin, [{ type: 'set_attribute', key: 'reason', value: 'başka' }])).status).toBe(422);
    expect((await post(selin, [{ type: 'set_attribute', key: 'undefined_key', value: 'x' }])).status).toBe(422);
    // An agent's own macro cannot hold what the agent may not do by hand.
    expect((await post(emre, [{ type: 'set_priority', priority: 10 }])).status).toBe(403);
    expect((await post(emre, [{ type: 'assign_agent', agentId: irem.id }])).status).toBe(403);
    expect((await emre.api('GET', '/macros')).body.map((m: { name: string }) => m.name)).not.toContain('Kötü');
  });
});

describe('applying and undoing', () => {
  test('every action kind applies as by hand, and undo restores all but the sent reply', async () => {
    const id = await newConversation();
    await selin.api('POST', `/conversations/${id}/labels`, { add: ['eski', 'genel'] });
    const macro = (await selin.api('POST', '/macros', {
      name: 'İade', visibility: 'shared', actions: [
        { type: 'add_labels', labels: ['İADE'] },
        { type: 'remove_labels', labels: ['genel'] },
        { type: 'set_priority', priority: 10 },
        { type: 'assign_team', teamId },
        { type: 'assign_agent', agentId: emre.id },
        { type: 'set_attribute', key: 'reason', value: 'iade' },
        { type: 'send_canned', cannedId },
        { type: 'add_note', text: 'İade süreci başladı.' },
        { type: 'set_status', status: 'pending' },
      ],
    })).body;
    const applied = await selin.api('POST', `/conversations/${id}/macros/apply`, { macroId: macro.id });
    expect(applied.status).toBe(200);
    expect(applied.body.run).toMatchObject({ macroName: 'İade', replies: 1 });
    const after = await conversation(selin, id);
    expect(after).toMatchObject({ status: 'pending', priority: 10, teamId, assigneeId: emre.id, attributes: { reason: 'iade' } });
    expect(after.labels!.sort()).toEqual(['eski', 'iade']);
    const texts = await threadTexts(id);
    expect(texts).toEqual(expect.arrayContaining([
      'message:İade talebinizi aldık, 3 gün içinde dönüyoruz.', 'note:İade süreci başladı.', 'event:Selin assigned the conversation to Emre',
      'event:Selin set the status to pending', 'event:Selin applied the macro “İade”',
    ]));
    const reply = await collectionsOf(hub.deps.models).Message.findOne({ conversationId: new Types.ObjectId(id), kind: 'message', direction: 'out' }).lean();
    expect(reply?.delivery?.status).toBe('queued');
    expect((await selin.api('GET', `/conversations/${id}/macros/last`)).body.last).toMatchObject({ macroName: 'İade' });
    expect((await emre.api('GET', `/conversations/${id}/macros/last`)).body.last).toBeNull();

    const undone = await selin.api('POST', `/conversations/${id}/macros/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body.restored.sort()).toEqual(['assignee', 'attributes', 'labels', 'priority', 'status', 'team']);
    expect(undone.body.kept).toEqual([{ field: 'reply', reason: 'reply_sent' }, { field: 'note', reason: 'note_kept' }]);
    const back = await conversation(selin, id);
    expect(back).toMatchObject({ status: 'open', priority: 0, teamId: null, assigneeId: null });
    expect(back.attributes?.reason).toBeUndefined();
    expect(back.labels!.sort()).toEqual(['eski', 'genel']);
    expect(await threadTexts(id)).toContain('event:Selin undid the macro “İade”');
    // Once: the run is gone.
    expect((await selin.api('POST', `/conversations/${id}/macros/undo`)).status).toBe(404);
    expect((await selin.api('GET', `/conversations/${id}/macros/last`)).body.last).toBeNull();
  });

  test('snooze applies for its minutes and undo wakes it; a second application that changes nothing records nothing', async () => {
    const id = await newConversation();
    const macro = (await emre.api('POST', '/macros', { name: 'Yarına ertele', actions: [{ type: 'snooze', minutes: 24 * 60 }, { type: 'assign_agent', agentId: emre.id }] })).body;
    const t0 = Date.now();
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: macro.id })).status).toBe(200);
    const snoozed = await conversation(emre, id);
    expect(snoozed).toMatchObject({ status: 'snoozed', assigneeId: emre.id });
    expect(new Date(snoozed.snoozedUntil!).getTime()).toBeGreaterThanOrEqual(t0 + 24 * 3600_000 - 1000);
    const undone = await emre.api('POST', `/conversations/${id}/macros/undo`);
    expect(undone.body.restored.sort()).toEqual(['assignee', 'status']);
    expect(await conversation(emre, id)).toMatchObject({ status: 'open', assigneeId: null, snoozedUntil: null });

    const label = (await emre.api('POST', '/macros', { name: 'VIP yap', actions: [{ type: 'add_labels', labels: ['vip'] }] })).body;
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: label.id })).body.run).not.toBeNull();
    const events = (await threadTexts(id)).length;
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: label.id })).body.run).toBeNull();
    expect((await threadTexts(id)).length).toBe(events);
    // The previous run is still the one to undo.
    expect((await emre.api('POST', `/conversations/${id}/macros/undo`)).body).toMatchObject({ restored: ['labels'] });
  });

  test('undo keeps what someone changed after the macro', async () => {
    const id = await newConversation();
    const macro = (await selin.api('POST', '/macros', { name: 'Beklet', visibility: 'shared', actions: [{ type: 'set_status', status: 'pending' }, { type: 'add_labels', labels: ['bekliyor'] }] })).body;
    await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: macro.id });
    await selin.api('POST', `/conversations/${id}/status`, { status: 'resolved' });
    const undone = await emre.api('POST', `/conversations/${id}/macros/undo`);
    expect(undone.body.restored).toEqual(['labels']);
    expect(undone.body.kept).toEqual([{ field: 'status', reason: 'changed_since' }]);
    expect(await conversation(emre, id)).toMatchObject({ status: 'resolved', labels: [] });
  });

  test('refusals come before any change: a deleted canned response, too many labels, what the agent may not do', async () => {
    const id = await newConversation();
    const before = await conversation(selin, id);
    const countBefore = (await threadTexts(id)).length;
    const gone = (await admin.api('POST', '/canned', { shortcut: 'silinecek', title: 'Silinecek', text: 'Bu metin silinecek.' })).body.id;
    const withCanned = (await selin.api('POST', '/macros', { name: 'Silinen yanıt', visibility: 'shared', actions: [{ type: 'add_labels', labels: ['a'] }, { type: 'send_canned', cannedId: gone }] })).body;
    await admin.api('POST', `/canned/${gone}/delete`);
    const refused = await selin.api('POST', `/conversations/${id}/macros/apply`, { macroId: withCanned.id });
    // The console says why in the agent's language from `problem` and `action`.
    expect(refused).toMatchObject({ status: 422, body: { error: 'action 2: its canned response no longer exists', code: 'unprocessable', problem: 'canned_missing', action: 2 } });

    await selin.api('POST', `/conversations/${id}/labels`, { add: Array.from({ length: 29 }, (_, i) => `l${i}`) });
    const many = (await selin.api('POST', '/macros', { name: 'Çok etiket', visibility: 'shared', actions: [{ type: 'add_labels', labels: ['b', 'c'] }, { type: 'set_status', status: 'pending' }] })).body;
    expect((await selin.api('POST', `/conversations/${id}/macros/apply`, { macroId: many.id })).body).toMatchObject({ code: 'invalid_input', problem: 'too_many_labels' });

    const urgent = (await selin.api('POST', '/macros', { name: 'Acil', visibility: 'shared', actions: [{ type: 'set_status', status: 'pending' }, { type: 'set_priority', priority: 20 }] })).body;
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: urgent.id })).body).toMatchObject({ code: 'forbidden', problem: 'priority_staff_only', action: 2 });
    const toIrem = (await selin.api('POST', '/macros', { name: 'İrem’e ver', visibility: 'shared', actions: [{ type: 'assign_agent', agentId: irem.id }] })).body;
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: toIrem.id })).status).toBe(403);
    const emresOwn = (await emre.api('GET', '/macros')).body.find((m: { visibility: string }) => m.visibility === 'personal');
    expect((await irem.api('POST', `/conversations/${id}/macros/apply`, { macroId: emresOwn.id })).status).toBe(404);
    expect((await emre.api('POST', `/conversations/${'0'.repeat(24)}/macros/apply`, { macroId: urgent.id })).status).toBe(404);
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: 'nope' })).status).toBe(400);

    const after = await conversation(selin, id);
    expect(after).toMatchObject({ status: before.status, priority: before.priority, assigneeId: null });
    expect(after.labels).toHaveLength(29);
    expect((await threadTexts(id)).length).toBe(countBefore);
    expect((await emre.api('POST', `/conversations/${id}/macros/undo`)).status).toBe(404);
  });

  test('reopening a resolved conversation while the customer has another open one is refused before the reply', async () => {
    const address = `visitor-macro-reopen`;
    const first = (await ingest(hub.deps.models, null, webchatMessage('reopen-1', address))).conversationId;
    await selin.api('POST', `/conversations/${first}/status`, { status: 'resolved' });
    await hub.deps.models.conversations.updateById(first, { $set: { resolvedAt: new Date(Date.now() - 10 * 86400_000) } });
    const second = (await ingest(hub.deps.models, null, webchatMessage('reopen-2', address))).conversationId;
    expect(second).not.toBe(first);
    const reopen = (await selin.api('POST', '/macros', { name: 'Yeniden aç ve yanıtla', visibility: 'shared', actions: [{ type: 'send_canned', cannedId }, { type: 'set_status', status: 'open' }] })).body;
    const messages = (await threadTexts(first)).length;
    expect((await selin.api('POST', `/conversations/${first}/macros/apply`, { macroId: reopen.id })).body).toMatchObject({ code: 'conflict', problem: 'other_unresolved', action: 2 });
    expect((await threadTexts(first)).length).toBe(messages);
  });

  test('applying is checked like a reply: an agent outside the conversation’s team may not', async () => {
    const id = await newConversation();
    await hub.deps.models.conversations.updateById(id, { $set: { teamId: new Types.ObjectId(teamId) } });
    expect((await admin.api('PUT', '/admin/team-access', { mode: 'team' })).status).toBe(200);
    const macro = (await irem.api('POST', '/macros', { name: 'Başkasının ekibi', actions: [{ type: 'add_labels', labels: ['x'] }] })).body;
    const reply = await irem.api('POST', `/conversations/${id}/reply`, { text: 'Merhaba' });
    const applied = await irem.api('POST', `/conversations/${id}/macros/apply`, { macroId: macro.id });
    expect([403, 404]).toContain(applied.status);
    expect(applied.status).toBe(reply.status);
    expect((await conversation(selin, id)).labels).toEqual([]);
    // Emre, in the team, may.
    const own = (await emre.api('POST', '/macros', { name: 'Ekip etiketi', actions: [{ type: 'add_labels', labels: ['x'] }] })).body;
    expect((await emre.api('POST', `/conversations/${id}/macros/apply`, { macroId: own.id })).status).toBe(200);
  });

  test('a reply the channel refuses when applied leaves everything as it was (replies go first)', async () => {
    // An email customer, and this hub has no outgoing mail relay.
    const id = (await ingest(hub.deps.models, null, emailMessage('macro-mail', 'ayse@musteri.test'))).conversationId;
    const messages = (await threadTexts(id)).length;
    const macro = (await selin.api('POST', '/macros', {
      name: 'Not, etiket, yanıt', visibility: 'shared',
      actions: [{ type: 'add_note', text: 'Önce not' }, { type: 'add_labels', labels: ['e-posta'] }, { type: 'send_canned', cannedId }, { type: 'set_status', status: 'pending' }],
    })).body;
    const refused = await selin.api('POST', `/conversations/${id}/macros/apply`, { macroId: macro.id });
    expect(refused).toMatchObject({ status: 422, body: { code: 'unprocessable', reason: 'channel_not_configured' } });
    expect(await conversation(selin, id)).toMatchObject({ status: 'open', labels: [] });
    expect((await threadTexts(id)).length).toBe(messages);
    expect((await selin.api('GET', `/conversations/${id}/macros/last`)).body.last).toBeNull();
  });
});
