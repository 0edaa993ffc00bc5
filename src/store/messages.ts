import { Schema, Types, type Connection, type InferSchemaType, type Model, type UpdateQuery } from 'mongoose';
import type { Channel } from '../domain/channels';
import type { Attachment, EmailMeta, InboundMessage } from '../domain/messages';
import type { ThreadEvent } from '../domain/thread-events';
import type { DeliveryStatus } from '../domain/views';
import { eachBatch } from './batches';
import { inParallel } from './parallel';
import { CHANNEL_NAME } from '../domain/channels';
import { withoutNul } from './nul-guard';
import { threadCacheOf } from './thread-cache';
import { threadWeeksOf, weekOf, weekStart } from './thread-weeks';

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
    channel: { type: String, match: CHANNEL_NAME, required: true }, // a registered channel (checked where messages are made)
    author: {
      type: { type: String, enum: ['customer', 'agent', 'system'], required: true },
      id: String,
      name: String,
    },
    text: { type: String, default: '' },
    /** An event's facts (ThreadEvent), which the console renders in the agent's language; `text` is its English sentence. */
    event: { type: Schema.Types.Mixed, default: undefined },
    html: String,
    subject: String,
    /** Notes: the agents the note @mentions (ids of active agents when written; absent when none). */
    mentions: { type: [String], default: undefined },
    attachments: { type: [attachmentSchema], default: [] },
    /**
     * The attachments' storage keys, top level (absent when none): which messages carry a stored file, by one
     * equality (`withAttachment`: who may download it, whose reply may carry it; src/services/access).
     */
    attachmentKeys: { type: [String], default: undefined },
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
    /** Set while our outbound message is queued (unset once sent or failed): finds sends whose job was lost. */
    sendPending: Boolean,
    /**
     * An agent reply that answered a waiting customer: the wait it closed and whether it was the conversation's
     * first response. Its metric fact is recorded once the reply is sent (a failed reply is no response).
     */
    responds: { type: new Schema({ waitingSince: { type: Date, default: null }, first: { type: Boolean, required: true } }, { _id: false }), default: undefined },
    delivery: {
      status: { type: String, enum: ['queued', 'sent', 'delivered', 'read', 'failed', 'received'], required: true },
      error: String,
      attempts: { type: Number, default: 0 },
      at: Date,
    },
    /** When its content was removed (customer erasure or retention, src/services/privacy): text, files, addresses. */
    erasedAt: Date,
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
// the inbound path register theirs in the repository (insertInboundMany).
messageSchema.pre('save', async function registerThreadWeek() {
  if (this.isNew && this.tb) await threadWeeksOf(this.db).register([this.tb]);
});
// ... and, once saved, joins its bucket where the thread cache holds it (src/store/thread-cache.ts).
messageSchema.post('save', async function cacheInThread() {
  await threadCacheOf(this.db)?.added([this.toObject()]);
});
// Serves: pendingSends (the outbound sweeper); only queued outbound messages hold the field.
messageSchema.index({ sendPending: 1 }, { sparse: true });
// Serves: one conversation's messages.
messageSchema.index({ conversationId: 1, createdAt: -1 });
// Serves: the messages that carry a stored file (downloads and replies check them): `withAttachment`. Multikey.
messageSchema.index({ attachmentKeys: 1 });

/** The storage keys of a message's attachments (its `attachmentKeys`), or undefined when it has none stored. */
const keysOf = (attachments: readonly { storageKey?: string | null }[] | undefined) => {
  const keys = [...new Set((attachments ?? []).flatMap((a) => (a.storageKey ? [a.storageKey] : [])))];
  return keys.length ? keys : undefined;
};

type MessageDoc = InferSchemaType<typeof messageSchema>;
const define = (db: Connection) => db.model('Message', messageSchema);
/** The model on this connection (registered once per connection). */
export const messageModel = (db: Connection) => (db.models.Message as ReturnType<typeof define> | undefined) ?? define(db);

/**
 * The stored document of an inbound message: the one builder both inbound write paths use (ingest() and the
 * batch), written through the driver as it is. Undefined fields are left out (the driver would store null).
 */
export function inboundMessageDocument(msg: InboundMessage, ids: { _id: Types.ObjectId; conversationId: Types.ObjectId; customerId: Types.ObjectId }, receivedAt: Date): StoredMessage {
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
  const attachmentKeys = keysOf(msg.attachments);
  if (attachmentKeys) doc.attachmentKeys = attachmentKeys;
  if (msg.html !== undefined) doc.html = msg.html;
  if (msg.subject !== undefined) doc.subject = msg.subject;
  if (msg.threadHints !== undefined) doc.threadHints = msg.threadHints;
  if (msg.email !== undefined) doc.email = msg.email;
  return doc as StoredMessage; // what the schema describes, written raw (the driver adds nothing)
}
const withoutUndefined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** How far a message's createdAt may follow the instant its bucket was taken (see walkWeeks). */
const BUCKET_SKEW_MS = 60_000;
/** A message's thread bucket (`tb`): its customer and the week of its createdAt. */
export const threadBucket = (customerId: unknown, at: Date) => `${String(customerId)}:${weekOf(at)}`;

/**
 * A stored message as the repository returns it. Typed where the schema cannot say it: `author` and `delivery` are
 * always there (their `type` and `status` are required), attachments are as written (Attachment), and the Mixed
 * `email` and `threadHints` hold EmailMeta and the channel's hints.
 */
export type StoredMessage = Omit<MessageDoc, 'author' | 'delivery' | 'attachments' | 'email' | 'threadHints' | 'event'> & {
  _id: Types.ObjectId;
  createdAt: Date;
  author: NonNullable<MessageDoc['author']>;
  delivery: NonNullable<MessageDoc['delivery']>;
  attachments: Attachment[];
  email?: EmailMeta | null;
  threadHints?: Record<string, string> | null;
  event?: ThreadEvent | null;
};
const newestFirst = (a: StoredMessage, b: StoredMessage) => b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id));

/** A message we write (reply, note, event, auto-reply); the schema fills in the rest (kind's default, tb, timestamps). */
export interface NewMessage {
  _id?: Types.ObjectId;
  conversationId: Types.ObjectId;
  customerId: Types.ObjectId;
  direction: 'in' | 'out';
  kind: 'message' | 'note' | 'event';
  channel: Channel;
  author: { type: 'customer' | 'agent' | 'system'; id?: string; name?: string };
  text: string;
  /** Events only: the facts `text` says in English. */
  event?: ThreadEvent;
  attachments?: Attachment[];
  dedupeKey: string;
  to?: string;
  subject?: string;
  threadHints?: Record<string, string>;
  delivery: { status: DeliveryStatus; at: Date; attempts?: number };
  createdAt?: Date;
}

/** What a delivery receipt sets on our message. */
export interface DeliveryUpdate { status: DeliveryStatus; at: Date; error: string | null }

/** Where a conversation's messages sit in its customer's week buckets (see `lastInboundIn`). */
export type ConversationSpan = { _id: Types.ObjectId; customerId: Types.ObjectId; openedAt: Date; lastInboundAt: Date | null };

/**
 * Every query and write of `messages`. Each goes by `_id`, by a unique key (dedupeKey), by `providerId`, or by the
 * thread bucket `tb` (a customer's week): FerretDB pushes down only top-level equality and sorts in its own code, so
 * nothing here sorts or ranges over a customer's or a conversation's history. Conditions on dotted paths
 * (`delivery.status`) are guards of a single-document write selected by a top-level equality.
 */
export function messageRepo(model: Model<MessageDoc>) {
  const weeks = threadWeeksOf(model.db);
  const lean = (q: { lean<T>(): Promise<T> }) => q.lean<StoredMessage[]>();
  const one = async (filter: Record<string, unknown>): Promise<StoredMessage | null> => (await lean(model.find(filter).limit(1)))[0] ?? null;
  const byId = (id: Types.ObjectId | string) => one({ _id: new Types.ObjectId(id) });
  /** One guarded single-document write by `_id`; the stored document after it, or null when the guard failed. */
  const updateById = (id: Types.ObjectId | string, update: UpdateQuery<MessageDoc>, guard: Record<string, unknown>) =>
    changed(model.findOneAndUpdate({ _id: new Types.ObjectId(id), ...guard }, update, { new: true }).lean<StoredMessage | null>());
  /** A changed message (null: nothing changed): its bucket is read from the store next time (thread-cache.ts). */
  const changed = async (write: Promise<StoredMessage | null>) => {
    const doc = await write;
    if (doc) await threadCacheOf(model.db)?.forget([doc.tb]);
    return doc;
  };
  /** Buckets by `tb` equality, through the thread cache where one is attached. */
  const readBucket = (bucket: string) => lean(model.find({ tb: bucket }));
  const readBuckets = (buckets: string[]) => threadCacheOf(model.db)?.buckets(buckets, readBucket) ?? inParallel(buckets, readBucket);
  /**
   * The `need` newest messages `keep` accepts among a customer's week buckets (`weeks`, newest first; index `tb`),
   * newest first (more may come along). Weeks are read two, then four, then eight at a time: a busy customer's page
   * is in its latest week or two (every document costs FerretDB about half a millisecond to decode), a quiet one's is
   * spread over weeks and comes in a few round trips. The walk ends when the `need`-th message is newer than every
   * unread bucket can hold: a bucket holds its week's messages, and a message whose bucket was taken a moment before
   * its createdAt crossed into the next week (BUCKET_SKEW_MS) sits one bucket early.
   */
  const walkWeeks = async (customerId: Types.ObjectId, weeks: number[], keep: (d: StoredMessage) => boolean, need: number) => {
    let found: StoredMessage[] = [];
    const complete = (oldestRead: number) => found.length >= need && found[need - 1]!.createdAt.getTime() >= weekStart(oldestRead) + BUCKET_SKEW_MS;
    for (let next = 0, group = 2; next < weeks.length; next += group, group = Math.min(group * 2, 8)) {
      const some = weeks.slice(next, next + group);
      for (const docs of await readBuckets(some.map((w) => `${String(customerId)}:${w}`))) found.push(...docs.filter(keep));
      found = found.sort(newestFirst);
      if (complete(some[some.length - 1]!)) break;
    }
    return found;
  };
  /** Every week from `from` down to `to`, newest first. */
  const weeksBetween = (from: number, to: number) => Array.from({ length: Math.max(0, from - to + 1) }, (_, k) => from - k);
  return {
    /** Index: `_id`. */
    byId,
    /** Index: `_id`. */
    exists: async (id: Types.ObjectId | string): Promise<boolean> => Boolean(await model.exists({ _id: new Types.ObjectId(id) })),
    /** Several by `_id`, in the order asked (null where gone): parallel lookups, never `$in`. Index: `_id`. */
    byIds: (ids: (Types.ObjectId | string)[]): Promise<(StoredMessage | null)[]> => inParallel(ids, byId),
    /** The message a dedupeKey names (a retried reply, an auto-reply of a closed period). Index: unique `dedupeKey`. */
    byDedupeKey: (dedupeKey: string): Promise<StoredMessage | null> => one({ dedupeKey }),
    /** The message a provider id names (delivery receipts; email threading: an email's providerId is its Message-ID). Index: `providerId`. */
    byProviderId: (providerId: string): Promise<StoredMessage | null> => one({ providerId }),
    /** Whether our outbound message with this provider id on this channel exists. Index: `providerId`. */
    hasOutbound: async (providerId: string, channel: Channel): Promise<boolean> => Boolean(await model.exists({ providerId, channel, direction: 'out' })),
    /** Inserts built inbound message documents as they are, unordered; duplicate keys reject with the driver's bulk write error (the rest are stored). */
    async insertInboundMany(docs: StoredMessage[]): Promise<void> {
      await weeks.register(docs.map((d) => String(d.tb)));
      const stored = docs.map(withoutNul);
      try {
        await model.collection.insertMany(stored, { ordered: false });
      } catch (err) {
        await threadCacheOf(model.db)?.forget(stored.map((d) => d.tb)); // some were stored: their buckets are read again
        throw err;
      }
      await threadCacheOf(model.db)?.added(stored);
    },
    /** Stores a message we write and returns it as stored; a used dedupeKey rejects (unique `dedupeKey`). */
    insert: async (doc: NewMessage): Promise<StoredMessage> => {
      // One instant for createdAt and the thread bucket, so the message sits in its own week's bucket.
      const createdAt = doc.createdAt ?? new Date();
      // A queued outbound message is marked so the sweeper finds it should its job be lost (`pendingSends`).
      const sendPending = doc.direction === 'out' && doc.delivery.status === 'queued' ? true : undefined;
      return (await model.create({ ...doc, createdAt, tb: threadBucket(doc.customerId, createdAt), sendPending, attachmentKeys: keysOf(doc.attachments) })).toObject() as StoredMessage;
    },
    /** Our outbound messages still queued (a few at any time: sends take seconds). Index: `sendPending`. */
    pendingSends: (limit = 500): Promise<StoredMessage[]> => lean(model.find({ sendPending: true }).limit(limit)),
    /** Index: `attachmentKeys` (multikey). The messages that carry this stored file (a file is sent a few times at most). */
    withAttachment: (storageKey: string): Promise<StoredMessage[]> => lean(model.find({ attachmentKeys: storageKey }).limit(50)),
    /** Counts a send attempt of an outbound message. Index: `_id`. */
    async recordAttempt(id: Types.ObjectId | string, attempt: number): Promise<void> {
      await changed(model.findOneAndUpdate({ _id: new Types.ObjectId(id) }, { $set: { 'delivery.attempts': attempt } }, { new: true }).lean<StoredMessage | null>());
    },
    /**
     * Notes what an agent reply answered (see `responds`), for its metric fact once sent. Index: `_id`. No thread
     * shows it, so cached thread buckets stay valid (the send reads the stored document).
     */
    async setResponds(id: Types.ObjectId | string, responds: { waitingSince: Date | null; first: boolean }): Promise<void> {
      await model.updateOne({ _id: new Types.ObjectId(id) }, { $set: { responds } });
    },
    /** A queued message the provider accepted: sent, with its provider id; null unless it was queued. Index: `_id`. */
    markSent: (id: Types.ObjectId | string, providerId: string) =>
      updateById(id, { $set: { providerId, 'delivery.status': 'sent', 'delivery.at': new Date(), 'delivery.error': null }, $unset: { sendPending: 1 } }, { 'delivery.status': 'queued' }),
    /** A queued message that will not go out: failed, with the reason; null unless it was queued. Index: `_id`. */
    markFailed: (id: Types.ObjectId | string, reason: string) =>
      updateById(id, { $set: { 'delivery.status': 'failed', 'delivery.error': reason.slice(0, 500), 'delivery.at': new Date() }, $unset: { sendPending: 1 } }, { 'delivery.status': 'queued' }),
    /**
     * A customer's message an agent has now seen (their console had the thread open): read, once; null when it was
     * read already or is not an inbound message. Index: `_id`.
     */
    markInboundRead: (id: Types.ObjectId | string, at: Date) =>
      updateById(id, { $set: { 'delivery.status': 'read', 'delivery.at': at } }, { direction: 'in', kind: 'message', 'delivery.status': 'received' }),
    /** A failed outbound message goes back to queued with its attempts reset; null unless it was one. Index: `_id`. */
    requeueFailed: (id: Types.ObjectId | string) =>
      updateById(id, { $set: { 'delivery.status': 'queued', 'delivery.at': new Date(), 'delivery.attempts': 0, sendPending: true }, $unset: { 'delivery.error': 1 } },
        { direction: 'out', kind: 'message', 'delivery.status': 'failed' }),
    /**
     * Applies a provider's receipt to our outbound message with that provider id on that channel, if its status is
     * one of `from` (checked on the document the equality selected); the stored message after it, or null.
     * Index: `providerId`.
     */
    recordDeliveryStatus: (ref: { providerId: string; channel: Channel }, from: DeliveryStatus[], delivery: DeliveryUpdate) =>
      changed(model.findOneAndUpdate(
        { providerId: ref.providerId, channel: ref.channel, direction: 'out', 'delivery.status': { $in: from } },
        { $set: { 'delivery.status': delivery.status, 'delivery.at': delivery.at, 'delivery.error': delivery.error } },
        { new: true },
      ).lean<StoredMessage | null>()),
    /**
     * The customer's newest inbound message (kind message) on `channel` created after `after` (the WhatsApp window:
     * only the last 24 hours count). Index: `tb`, the weeks from `after` to now, not the customer's history.
     */
    lastInboundAfter: async (customerId: Types.ObjectId, channel: Channel, after: Date): Promise<StoredMessage | null> => {
      const keep = (d: StoredMessage) => d.direction === 'in' && d.kind === 'message' && d.channel === channel && d.createdAt > after;
      return (await walkWeeks(customerId, weeksBetween(weekOf(new Date()), weekOf(after) - 1), keep, 1))[0] ?? null;
    },
    /**
     * The conversation's newest inbound message on `channel` (email threading). Index: `tb`, the customer's registered
     * weeks from the conversation's last inbound message back, ending soon after the first match (at the latest at its
     * opening). `registered` false (a customer from before weeks were registered): by `conversationId`, sorted here.
     */
    async lastInboundIn(c: ConversationSpan, channel: Channel, registered: boolean): Promise<StoredMessage | null> {
      const keep = (d: StoredMessage) => d.direction === 'in' && d.channel === channel && d.conversationId.equals(c._id);
      if (!registered) return (await lean(model.find({ conversationId: c._id, direction: 'in', channel }))).sort(newestFirst)[0] ?? null;
      const [top, stop] = [weekOf(c.lastInboundAt ?? new Date()), weekOf(c.openedAt) - 1];
      const span = (await weeks.of(c.customerId)).filter((w) => w <= top && w >= stop);
      return (await walkWeeks(c.customerId, span, keep, 1))[0] ?? null;
    },
    /**
     * Sets `attachmentKeys` on messages stored before it existed (one cursor pass over the collection, single-document
     * updates by `_id`; maintenance, never requests): the number changed.
     */
    async backfillAttachmentKeys(): Promise<number> {
      let n = 0;
      await eachBatch<Pick<StoredMessage, '_id' | 'attachments'> & { attachmentKeys?: string[] }>(model, {}, { attachments: 1, attachmentKeys: 1 }, 500, async (docs) => {
        const missing = docs.filter((d) => !d.attachmentKeys && keysOf(d.attachments));
        await inParallel(missing, (d) => model.updateOne({ _id: d._id }, { $set: { attachmentKeys: keysOf(d.attachments) } }));
        n += missing.length;
      });
      return n;
    },
    /**
     * Whether the customer ever wrote on `channel` (index: `customerId`; the rest is checked on that customer's messages:
     * maintenance, never requests).
     */
    hasInbound: async (customerId: Types.ObjectId, channel: Channel): Promise<boolean> =>
      Boolean(await model.exists({ customerId, channel, direction: 'in' })),
    /** Every message, in batches of one cursor pass (maintenance jobs, never requests). */
    eachBatch: (size: number, fn: (docs: Pick<StoredMessage, '_id' | 'kind' | 'text' | 'subject' | 'createdAt' | 'customerId'>[]) => Promise<void>) =>
      eachBatch(model, {}, { kind: 1, text: 1, subject: 1, createdAt: 1, customerId: 1 }, size, fn),
    /** The customer's registered thread weeks, newest first (for threadPage). Index: thread_weeks `c`. */
    threadWeeks: (customerId: Types.ObjectId) => weeks.of(customerId),
    /**
     * One page of a customer's unified thread, newest first, strictly before `before` (createdAt, then _id when
     * given), only the messages `only` names when given (a web chat visitor's history). `weeks`: the customer's
     * registered weeks, newest first (threadWeeks): only their buckets are read, until the page is full. Index: `tb`.
     * `weeks` null (a customer from before weeks were registered): by the customer id (index `customerId`;
     * correct, the cost grows with that customer's history).
     */
    async threadPage(customerId: Types.ObjectId, opts: {
      limit: number; before?: { at: Date; id?: Types.ObjectId }; weeks: number[] | null; only?: { kind: StoredMessage['kind']; channel: Channel };
      /** Only messages of these conversations (an agent restricted to some of the customer's conversations). */
      conversations?: ReadonlySet<string>;
    }): Promise<StoredMessage[]> {
      const { before, only, conversations } = opts;
      const older = (d: StoredMessage) => !before || d.createdAt < before.at || (Boolean(before.id) && d.createdAt.getTime() === before.at.getTime() && String(d._id) < String(before.id));
      const keep = (d: StoredMessage) => older(d) && (!only || (d.kind === only.kind && d.channel === only.channel)) && (!conversations || conversations.has(String(d.conversationId)));
      if (!opts.weeks) return (await lean(model.find({ customerId }))).filter(keep).sort(newestFirst).slice(0, opts.limit + 1);
      const top = weekOf(before?.at ?? new Date());
      const found = await walkWeeks(customerId, opts.weeks.filter((w) => w <= top), keep, opts.limit + 1);
      return found.slice(0, opts.limit + 1);
    },
    /**
     * Every message of a customer, one thread week at a time, oldest week first (exports and erasure walk a
     * customer's history without holding it). `registered` false (a customer from before weeks were registered):
     * by `customerId`, through one cursor in batches. Index: thread_weeks `c`, then `tb` per week.
     */
    async *ofCustomerByWeek(customerId: Types.ObjectId, registered: boolean): AsyncGenerator<StoredMessage[]> {
      if (!registered) {
        let batch: StoredMessage[] = [];
        for await (const doc of model.find({ customerId }).lean<StoredMessage[]>().cursor({ batchSize: 200 })) {
          batch.push(doc as unknown as StoredMessage);
          if (batch.length >= 200) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
        return;
      }
      for (const week of [...(await weeks.of(customerId))].reverse()) {
        const docs = await readBucket(`${String(customerId)}:${week}`);
        if (docs.length) yield docs.sort((a, b) => -newestFirst(a, b));
      }
    },
    /** One conversation's messages, unordered (retention; a conversation holds a bounded number). Index: `conversationId`. */
    ofConversation: (conversationId: Types.ObjectId): Promise<StoredMessage[]> => lean(model.find({ conversationId })),
    /**
     * Removes a message's content, keeping what reports and the thread's shape need (who, when, channel, direction,
     * delivery): text emptied; html, subject, attachments, addresses, email headers and a customer author's name gone;
     * `erasedAt` set. Idempotent. The caller removes the files and search postings first. Index: `_id`.
     */
    eraseContent: (doc: Pick<StoredMessage, '_id' | 'author' | 'erasedAt'>, at: Date) =>
      changed(model.findOneAndUpdate({ _id: doc._id }, {
        $set: { text: '', attachments: [], erasedAt: doc.erasedAt ?? at },
        $unset: { html: 1, subject: 1, attachmentKeys: 1, to: 1, threadHints: 1, email: 1, responds: 1, ...(doc.author.type === 'customer' ? { 'author.name': 1 } : {}) },
      }, { new: true }).lean<StoredMessage | null>()),
    /** Deletes a message (retention's delete mode; files and postings removed by the caller first). Index: `_id`. */
    async deleteById(doc: Pick<StoredMessage, '_id' | 'tb'>): Promise<void> {
      await model.deleteOne({ _id: doc._id });
      await threadCacheOf(model.db)?.forget([doc.tb]);
    },
    /**
     * Gives a conversation's messages to another customer (merges and their undo), thread bucket included: one
     * conversationId equality, then one single-document update each (no `$in`, no multi-statement update).
     */
    async moveConversation(conversationId: Types.ObjectId, customerId: Types.ObjectId): Promise<number> {
      const docs = await lean(model.find({ conversationId }));
      await weeks.register(docs.map((d) => threadBucket(customerId, d.createdAt)));
      await inParallel(docs, (d) => model.updateOne({ _id: d._id }, { $set: { customerId, tb: threadBucket(customerId, d.createdAt) } }));
      await threadCacheOf(model.db)?.forget(docs.flatMap((d) => [d.tb, threadBucket(customerId, d.createdAt)]));
      return docs.length;
    },
  };
}
