import { Types } from 'mongoose';
import { changeLabels } from '../../src/services/conversations/labels';
import { ingest } from '../../src/services/ingest/ingest';
import { collectionsOf } from '../../src/store/collections';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

// Concurrent updates of one document must all take effect, and a conditional update must succeed for one writer
// only. FerretDB applies an update by reading the document and writing it back whole from its Go code, so without
// the store's revision guard (src/store/revisions.ts) the last writer silently undid the others.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let conversationId: string;

beforeAll(async () => {
  hub = await startTestHub(testConfig('concupd'), 'hub');
  conversationId = (await ingest(hub.deps.models, null, webchatMessage('cu1', 'visitor-concurrent'))).conversationId;
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

test('labels added by many agents at the same moment are all kept', async () => {
  const labels = Array.from({ length: 12 }, (_, i) => `etiket-${i}`);
  await Promise.all(labels.map((label) => changeLabels(hub.deps.models, null, conversationId, { add: [label] })));
  expect((await hub.deps.models.conversations.byId(conversationId))?.labels?.slice().sort()).toEqual(labels.slice().sort());
});

test('of agents taking an unassigned conversation at the same moment, exactly one gets it', async () => {
  const agents = Array.from({ length: 10 }, () => new Types.ObjectId());
  const won = await Promise.all(agents.map((a) => hub.deps.models.conversations.updateById(conversationId, { $set: { assigneeId: a } }, { assigneeId: null })));
  const winners = won.filter(Boolean);
  expect(winners).toHaveLength(1);
  expect(String((await hub.deps.models.conversations.byId(conversationId))?.assigneeId)).toBe(String(winners[0]!.assigneeId));
});

test('increments from concurrent writers all count, through mongoose and the raw collection alike', async () => {
  const { Conversation } = collectionsOf(hub.deps.models);
  const _id = new Types.ObjectId(conversationId);
  await Promise.all(Array.from({ length: 30 }, (_, i) =>
    i % 2 ? Conversation.updateOne({ _id }, { $inc: { benchCounter: 1 } }, { strict: false }) : Conversation.collection.updateOne({ _id }, { $inc: { benchCounter: 1 } })));
  expect((await Conversation.collection.findOne({ _id }))?.benchCounter).toBe(30);
});
