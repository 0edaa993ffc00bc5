import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { InboundMessage } from '../domain/messages';
import { eachBatch } from './batches';
import { inParallel } from './parallel';
import { CHANNELS } from '../domain/channels';

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
export function inboundMessageDocument(msg: InboundMessage, ids: { _id: Types.ObjectId; conversationId: Types.ObjectId; customerId: Types.ObjectId }, receivedAt: Date): Record<string, unknown> {
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
  return doc;
}
const withoutUndefined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const WEEK_MS = 7 * 24 * 3600 * 1000;
const weekOf = (at: Date) => Math.floor(at.getTime() / WEEK_MS);
/** A message's thread bucket (`tb`): its customer and the week of its createdAt. */
export const threadBucket = (customerId: unknown, at: Date) => `${String(customerId)}:${weekOf(at)}`;

type MessageLean = MessageDoc & { _id: Types.ObjectId; createdAt: Date };
const newestFirst = (a: MessageLean, b: MessageLean) => b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id));

/** Queries of `messages` that have moved into the store layer (the rest still goes through the model). */
export function messageRepo(model: Model<MessageDoc>) {
  const lean = (q: { lean<T>(): Promise<T> }) => q.lean<MessageLean[]>();
  return {
    byId: async (id: Types.ObjectId | string): Promise<MessageLean | null> => (await lean(model.find({ _id: new Types.ObjectId(id) }).limit(1)))[0] ?? null,
    /** Several by `_id`, in the order asked (null where gone): parallel lookups, never `$in`. */
    byIds: (ids: (Types.ObjectId | string)[]): Promise<(MessageLean | null)[]> =>
      inParallel(ids, async (id) => (await lean(model.find({ _id: new Types.ObjectId(id) }).limit(1)))[0] ?? null),
    /** The message a provider id names (delivery receipts; email threading: an email's providerId is its Message-ID). */
    byProviderId: async (providerId: string): Promise<MessageLean | null> => (await lean(model.find({ providerId }).limit(1)))[0] ?? null,
    /** Inserts a built inbound message document (inboundMessageDocument) as it is; a duplicate key rejects. */
    async insertInbound(doc: Record<string, unknown>): Promise<void> {
      await model.collection.insertOne(doc);
    },
    /** Every message, in batches of one cursor pass (maintenance jobs, never requests). */
    eachBatch: (size: number, fn: (docs: MessageLean[]) => Promise<void>) => eachBatch(model, {}, { kind: 1, text: 1, subject: 1, createdAt: 1, customerId: 1 }, size, fn),
    /**
     * One page of a customer's unified thread, newest first, strictly before `before` (createdAt, then _id):
     * week buckets from the cursor's week back to `earliest` (the customer's first conversation), four at a time,
     * plus one group past the one that filled the page (a message's bucket is taken a moment before its createdAt
     * is stamped, so it can sit one bucket early). `bucketed` false: the customer has messages written before
     * buckets existed, read by the customer id instead (correct, cost grows with their history).
     */
    async threadPage(customerId: Types.ObjectId, opts: { earliest: Date; limit: number; before?: { at: Date; id: Types.ObjectId }; bucketed: boolean }): Promise<MessageLean[]> {
      const older = (d: MessageLean) => !opts.before || d.createdAt < opts.before.at || (d.createdAt.getTime() === opts.before.at.getTime() && String(d._id) < String(opts.before.id));
      if (!opts.bucketed) return (await lean(model.find({ customerId }))).filter(older).sort(newestFirst).slice(0, opts.limit + 1);
      const found: MessageLean[] = [];
      const stop = weekOf(opts.earliest) - 1;
      let filled = false;
      for (let week = weekOf(opts.before?.at ?? new Date()); week >= stop; week -= 4) {
        const weeks = [week, week - 1, week - 2, week - 3].filter((w) => w >= stop);
        for (const docs of await inParallel(weeks, (w) => lean(model.find({ tb: `${String(customerId)}:${w}` })))) found.push(...docs.filter(older));
        if (filled) break;
        filled = found.length > opts.limit;
      }
      return found.sort(newestFirst).slice(0, opts.limit + 1);
    },
    /**
     * Gives a conversation's messages to another customer (merges and their undo), thread bucket included: one
     * conversationId equality, then one single-document update each (no `$in`, no multi-statement update).
     */
    async moveConversation(conversationId: Types.ObjectId, customerId: Types.ObjectId): Promise<number> {
      const docs = await lean(model.find({ conversationId }));
      await inParallel(docs, (d) => model.updateOne({ _id: d._id }, { $set: { customerId, tb: threadBucket(customerId, d.createdAt) } }));
      return docs.length;
    },
  };
}
export type MessageRepo = ReturnType<typeof messageRepo>;
