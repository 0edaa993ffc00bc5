import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { InboundMessage } from '../domain/messages';
import { eachBatch } from './batches';
import { inParallel } from './parallel';
import { CHANNELS } from '../domain/channels';
import { threadWeeksOf, weekOf } from './thread-weeks';

const attachmentSchema = new Schema(
  { name: String, contentType: String, size: Number, url: String, storageKey: String },
  { _id: false },
);

const messageSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    kind: { type: String, enum: ['message', 'note', 'event'], default: 'message' },
    channel: { type: String, enum: CHANNELS, required: true },
    author: {
      type: { type: String, enum: ['customer', 'agent', 'system'], required: true },
      id: String,
      name: String,
    },
    text: { type: String, default: '' },
    html: String,
    subject: String,
    attachments: { type: [attachmentSchema], default: [] },
    /** Always set: `<channel>:<provider id>` inbound, `out:<uuid>` (client-supplied or generated) for ours. */
    dedupeKey: { type: String, required: true },
    /**
     * The thread bucket: `<customerId>:<week number>` of createdAt (weeks since the epoch). The unified thread reads
     * a customer's messages a week at a time by this one equality, so a page costs that week's messages, not the
     * customer's whole history (FerretDB sorts in its own code over everything a filter matched).
     */
    tb: { type: String, default(this: { customerId?: unknown; createdAt?: Date } | null) { return this?.customerId ? threadBucket(this.customerId, this.createdAt ?? new Date()) : undefined; } },
    providerId: { type: String, default: null },
    /** Where an outbound message goes (address on its channel). */
    to: String,
    threadHints: { type: Schema.Types.Mixed },
    /** Email only (see EmailMeta): quoted history, auto-reply marker, Message-ID / In-Reply-To / References. */
    email: { type: Schema.Types.Mixed },
    sentAt: Date,
    delivery: {
      status: { type: String, enum: ['queued', 'sent', 'delivered', 'read', 'failed', 'received'], required: true },
      error: String,
      attempts: { type: Number, default: 0 },
      at: Date,
    },
  },
  { timestamps: true, minimize: false },
);
// Serves: idempotent ingest and replies; a redelivered webhook or retried job hits this and changes nothing.
messageSchema.index({ dedupeKey: 1 }, { unique: true });
// Serves: the unified thread of a customer across conversations and channels, in time order, paginated.
messageSchema.index({ customerId: 1, createdAt: -1, _id: -1 });
// Serves: delivery receipts, bounces and acks, which name our message by the provider's id; and email threading,
// the In-Reply-To/References of a reply naming an earlier mail by its Message-ID (an email's providerId).
messageSchema.index({ providerId: 1 });
// Serves: a customer's unified thread, a week at a time (`threadPage`).
messageSchema.index({ tb: 1 });
// Every message saved through the model (replies, notes, events) registers its thread week first; the raw inserts of
// the inbound paths register theirs in the repository (insertInbound, ...).
messageSchema.pre('save', async function registerThreadWeek() {
  if (this.isNew && this.tb) await threadWeeksOf(this.db).register([this.tb]);
});
messageSchema.pre('insertMany', async function registerThreadWeeks(this: Model<MessageDoc>, next: () => void, docs: { tb?: string | null }[]) {
  await threadWeeksOf(this.db).register(docs.flatMap((d) => (d.tb ? [d.tb] : [])));
  next();
});
// Serves: one conversation's messages.
messageSchema.index({ conversationId: 1, createdAt: -1 });

export type MessageDoc = InferSchemaType<typeof messageSchema>;
const define = (db: Connection) => db.model('Message', messageSchema);
/** The model on this connection (registered once per connection). */
export const messageModel = (db: Connection) => (db.models.Message as ReturnType<typeof define> | undefined) ?? define(db);

/**
 * The stored document of an inbound message: the one builder both inbound write paths use (ingest() and the
 * batch), written through the driver as it is. Undefined fields are left out (the driver would store null).
 */
export function inboundMessageDocument(msg: InboundMessage, ids: { _id: Types.ObjectId; conversationId: Types.ObjectId; customerId: Types.ObjectId }, receivedAt: Date): MessageRecord {
  const doc: Record<string, unknown> = {
    ...ids,
    direction: 'in',
    kind: 'message',
    channel: msg.channel,
    author: msg.from.name === undefined ? { type: 'customer' } : { type: 'customer', name: msg.from.name },
    text: msg.text ?? '',
    attachments: (msg.attachments ?? []).map((a) => withoutUndefined({ ...a })),
    dedupeKey: msg.dedupeKey,
    providerId: msg.providerId ?? null,
    sentAt: new Date(msg.sentAt),
    delivery: { status: 'received', attempts: 0, at: receivedAt },
    createdAt: receivedAt,
    updatedAt: receivedAt,
    tb: threadBucket(ids.customerId, receivedAt),
    __v: 0,
  };
  if (msg.html !== undefined) doc.html = msg.html;
  if (msg.subject !== undefined) doc.subject = msg.subject;
  if (msg.threadHints !== undefined) doc.threadHints = msg.threadHints;
  if (msg.email !== undefined) doc.email = msg.email;
  return doc as MessageRecord; // what the schema describes, written raw (the driver adds nothing)
}
const withoutUndefined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Week buckets read in parallel per round trip of a thread page. */
const THREAD_WEEKS_AT_ONCE = 8;
/** A message's thread bucket (`tb`): its customer and the week of its createdAt. */
export const threadBucket = (customerId: unknown, at: Date) => `${String(customerId)}:${weekOf(at)}`;

type MessageLean = MessageDoc & { _id: Types.ObjectId; createdAt: Date };
/** A stored message as the repository returns it. */
export type MessageRecord = MessageLean;
const newestFirst = (a: MessageLean, b: MessageLean) => b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id));

/** Queries of `messages` that have moved into the store layer (the rest still goes through the model). */
export function messageRepo(model: Model<MessageDoc>) {
  const weeks = threadWeeksOf(model.db);
  const lean = (q: { lean<T>(): Promise<T> }) => q.lean<MessageLean[]>();
  return {
    byId: async (id: Types.ObjectId | string): Promise<MessageLean | null> => (await lean(model.find({ _id: new Types.ObjectId(id) }).limit(1)))[0] ?? null,
    /** Several by `_id`, in the order asked (null where gone): parallel lookups, never `$in`. */
    byIds: (ids: (Types.ObjectId | string)[]): Promise<(MessageLean | null)[]> =>
      inParallel(ids, async (id) => (await lean(model.find({ _id: new Types.ObjectId(id) }).limit(1)))[0] ?? null),
    /** The message a provider id names (delivery receipts; email threading: an email's providerId is its Message-ID). */
    byProviderId: async (providerId: string): Promise<MessageLean | null> => (await lean(model.find({ providerId }).limit(1)))[0] ?? null,
    /** Inserts a built inbound message document (inboundMessageDocument) as it is; a duplicate key rejects. */
    async insertInbound(doc: MessageRecord): Promise<void> {
      await weeks.register([String(doc.tb)]);
      await model.collection.insertOne(doc);
    },
    /**
     * Inserts built inbound message documents, unordered: one duplicate key does not stop the others (the driver's
     * bulk error lists which failed, by index).
     */
    async insertInboundMany(docs: MessageRecord[]): Promise<void> {
      await weeks.register(docs.map((d) => String(d.tb)));
      await model.collection.insertMany(docs, { ordered: false });
    },
    /** Every message, in batches of one cursor pass (maintenance jobs, never requests). */
    eachBatch: (size: number, fn: (docs: MessageLean[]) => Promise<void>) => eachBatch(model, {}, { kind: 1, text: 1, subject: 1, createdAt: 1, customerId: 1 }, size, fn),
    /**
     * One page of a customer's unified thread, newest first, strictly before `before` (createdAt, then _id).
     * `weeks`: the customer's registered weeks, newest first (thread_weeks): their buckets (`tb`, one equality each)
     * are read eight at a time until the page is full, plus the week just below it (a message's bucket is taken a
     * moment before its createdAt is stamped, so it can sit one week early). `weeks` null (a customer from before
     * weeks were registered): by the customer id (correct; the cost grows with that customer's history).
     */
    /** The customer's registered thread weeks, newest first (for threadPage). */
    threadWeeks: (customerId: Types.ObjectId) => weeks.of(customerId),
    async threadPage(customerId: Types.ObjectId, opts: { limit: number; before?: { at: Date; id: Types.ObjectId }; weeks: number[] | null }): Promise<MessageLean[]> {
      const older = (d: MessageLean) => !opts.before || d.createdAt < opts.before.at || (d.createdAt.getTime() === opts.before.at.getTime() && String(d._id) < String(opts.before.id));
      const page = (docs: MessageLean[]) => docs.filter(older).sort(newestFirst).slice(0, opts.limit + 1);
      if (!opts.weeks) return page(await lean(model.find({ customerId })));
      const top = weekOf(opts.before?.at ?? new Date());
      const weeks = opts.weeks.filter((w) => w <= top);
      const found: MessageLean[] = [];
      const read = async (some: number[]) => {
        for (const docs of await inParallel(some, (w) => lean(model.find({ tb: `${String(customerId)}:${w}` })))) found.push(...docs.filter(older));
      };
      let next = 0;
      for (; next < weeks.length && found.length <= opts.limit; next += THREAD_WEEKS_AT_ONCE) await read(weeks.slice(next, next + THREAD_WEEKS_AT_ONCE));
      if (next < weeks.length && weeks[next] === weeks[next - 1]! - 1) await read([weeks[next]!]);
      return page(found);
    },
    /**
     * Gives a conversation's messages to another customer (merges and their undo), thread bucket included: one
     * conversationId equality, then one single-document update each (no `$in`, no multi-statement update).
     */
    async moveConversation(conversationId: Types.ObjectId, customerId: Types.ObjectId): Promise<number> {
      const docs = await lean(model.find({ conversationId }));
      await weeks.register(docs.map((d) => threadBucket(customerId, d.createdAt)));
      await inParallel(docs, (d) => model.updateOne({ _id: d._id }, { $set: { customerId, tb: threadBucket(customerId, d.createdAt) } }));
      return docs.length;
    },
  };
}
export type MessageRepo = ReturnType<typeof messageRepo>;
