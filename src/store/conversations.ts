import { Schema, Types, type Connection, type Model, type UpdateQuery } from 'mongoose';
import { CHANNEL_NAME, type Channel } from '../domain/channels';
import type { SlaBreach, SlaClocks } from '../domain/sla';
import type { ConversationStatus } from '../domain/views';
import { isDuplicateKey } from './connection';
import { matches, type Cursor, type InboxIndex, type ViewFilter } from './inbox-index';
import type { InboxSort } from '../domain/views';
import { inParallel } from './parallel';
import { withoutNul } from './nul-guard';
import { addSlaFields } from './sla';

const conversationSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    /**
     * Enforces "at most one unresolved conversation per customer" without transactions or partial indexes
     * (neither exists on FerretDB): the customer id while unresolved, `resolved:<own id>` once resolved.
     */
    openKey: { type: String, required: true },
    status: { type: String, enum: ['open', 'pending', 'snoozed', 'resolved'], default: 'open' },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    /** When the current assignee got it, and whether routing (not an agent) assigned it: the assignment's metric facts are keyed on these. */
    assignedAt: { type: Date, default: null },
    autoAssigned: { type: Boolean, default: false },
    /** Start of the current stay in the unassigned queue after an unassignment (absent: it has waited since openedAt). */
    queuedAt: { type: Date, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    priority: { type: Number, default: 0 },
    /** Skills an agent must all have to be routed this conversation (src/services/routing/routing-policy.ts). */
    requiredSkills: { type: [String], default: [] },
    lastInboundChannel: { type: String, match: CHANNEL_NAME },
    lastMessagePreview: { type: String, maxlength: 200 },
    snoozedUntil: { type: Date, default: null },
    openedAt: { type: Date, required: true },
    /** The UTC day of openedAt (`YYYY-MM-DD`): date-range reads go day by day through one equality each. */
    openedDay: { type: String, default(this: { openedAt?: Date } | null) { return this?.openedAt ? dayOf(this.openedAt) : undefined; } },
    lastActivityAt: { type: Date, required: true },
    lastInboundAt: { type: Date, default: null },
    lastOutboundAt: { type: Date, default: null },
    firstResponseAt: { type: Date, default: null },
    /** Since when the customer waits for an answer; absent while the last word is ours (so `$min` can set it). */
    waitingSince: { type: Date },
    resolvedAt: { type: Date, default: null },
    /** The UTC day of resolvedAt (`YYYY-MM-DD`), null while unresolved: retention finds old resolved ones by day. */
    resolvedDay: { type: String, default: null },
    /** When retention removed its messages' content (src/services/privacy/retention.ts). */
    retainedAt: { type: Date, default: null },
    /** Free labels agents attach (lowercased, Turkish-aware); see src/services/conversations/labels.ts. */
    labels: { type: [String], default: [] },
    /** Admin-defined typed attributes of the conversation (src/domain/attributes.ts), checked before they are set. */
    attributes: { type: Schema.Types.Mixed },
    /**
     * Ids of the view segments its customer was in when it opened or the customer last changed
     * (src/services/crm/segment-stamps.ts): the inbox index's segment views, Redis-served like labels.
     */
    segments: { type: [String], default: undefined },
    /** The segment whose rule applied when it opened (its SLA policy replaces the team's: src/services/sla). */
    ruleSegmentId: { type: String, default: null },
  },
  { timestamps: true },
);
addSlaFields(conversationSchema);
// Serves: the customer's unresolved conversation on every inbound message (race-safe upsert key): `unresolvedOf`.
conversationSchema.index({ openKey: 1 }, { unique: true });
// Serves: a customer's conversations (sidebar, reopen rule, merges): `ofCustomer`.
conversationSchema.index({ customerId: 1, openedAt: -1 });
// Serves: conversations opened on one day (the CSV export walks its date range day by day): `openedOn`.
conversationSchema.index({ openedDay: 1 });
// Serves: conversations resolved on one day (the retention job walks days past its cutoff): `resolvedOn`.
conversationSchema.index({ resolvedDay: 1 });
// Serves: conversations in one status (unresolved ones are few; routing and SLA rebuilds): `inStatus`.
conversationSchema.index({ status: 1, lastActivityAt: -1 });
// Serves: an agent's conversations in one status (presence grace, capacity rebuild): `assignedTo`.
conversationSchema.index({ assigneeId: 1, status: 1, lastActivityAt: -1 });

/** The conversation's `sla`: its clocks, compare-and-set counter and breaches (`key`: `<kind>:<due ms>`). */
export type ConversationSla = Partial<SlaClocks> & { rev?: number; breaches?: (SlaBreach & { key: string })[] };

/** A stored conversation, as every read returns it. */
export interface StoredConversation {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  openKey: string;
  status: ConversationStatus;
  assigneeId: Types.ObjectId | null;
  assignedAt?: Date | null;
  autoAssigned?: boolean;
  queuedAt?: Date | null;
  teamId: Types.ObjectId | null;
  priority: number;
  requiredSkills: string[];
  lastInboundChannel?: Channel;
  lastMessagePreview?: string;
  snoozedUntil: Date | null;
  openedAt: Date;
  openedDay?: string;
  lastActivityAt: Date;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  firstResponseAt: Date | null;
  waitingSince?: Date | null;
  resolvedAt: Date | null;
  resolvedDay?: string | null;
  /** When retention removed its messages' content (src/services/privacy/retention.ts). */
  retainedAt?: Date | null;
  labels: string[];
  attributes?: Record<string, unknown>;
  segments?: string[];
  ruleSegmentId?: string | null;
  sla?: ConversationSla | null;
  createdAt: Date;
  updatedAt: Date;
}

const define = (db: Connection) => db.model('Conversation', conversationSchema);
/** The model on this connection (registered once per connection). */
export const conversationModel = (db: Connection) => (db.models.Conversation as ReturnType<typeof define> | undefined) ?? define(db);

/** Called with the stored document after every write through the repository (the inbox index keeps in step). */
export type ConversationListener = (doc: StoredConversation) => Promise<void>;
const listenersOf = new WeakMap<Connection, Set<ConversationListener>>();

/** Registers a listener for every conversation written through this connection's repository; returns its removal. */
export function onConversationWritten(db: Connection, listener: ConversationListener): () => void {
  const set = listenersOf.get(db) ?? new Set();
  listenersOf.set(db, set);
  set.add(listener);
  return () => set.delete(listener);
}

const indexOf = new WeakMap<Connection, InboxIndex>();
/** Rows of each inbox page checked against the store after the page is answered (lost index updates heal). */
const VERIFY_PER_PAGE = 3;

/**
 * Keeps `index` in step with every conversation written through this connection and serves inbox pages and counts
 * from it. Every process that writes attaches one at start (attachRedisState in src/store/index.ts); returns the
 * detachment.
 */
export function attachInboxIndex(db: Connection, index: InboxIndex): () => void {
  indexOf.set(db, index);
  const off = onConversationWritten(db, (doc) => index.apply(doc));
  return () => {
    off();
    if (indexOf.get(db) === index) indexOf.delete(db);
  };
}

/** Extra conditions a guarded write checks on the one document its `_id` selects (evaluated by the store). */
export type Guard = Record<string, unknown>;

/**
 * Every query and write of `conversations`. Reads are by `_id`, by the unique `openKey`, or by one equality on an
 * indexed field whose matches are few (a customer's conversations, the unresolved ones of a status, an agent's):
 * FerretDB pushes down only top-level equality and sorts in its own code, so nothing here sorts or ranges over
 * history. Inbox pages and counts come from the inbox index (src/store/inbox-index.ts), kept in step by the
 * listeners every write here calls.
 */
export function conversationRepo(model: Model<StoredConversation>) {
  const db = model.db;
  const notify = async (doc: StoredConversation | null): Promise<StoredConversation | null> => {
    if (doc) for (const listener of listenersOf.get(db) ?? []) await listener(doc);
    return doc;
  };
  const lean = (q: { lean<T>(): Promise<T> }) => q.lean<StoredConversation | null>();
  /** One guarded single-document write by `_id`; the stored document after it, or null when the guard failed. */
  const updateById = async (id: Types.ObjectId | string, update: UpdateQuery<StoredConversation>, guard: Guard = {}) =>
    notify(await lean(model.findOneAndUpdate({ _id: new Types.ObjectId(id), ...guard }, update, { new: true })));

  const index = () => {
    const found = indexOf.get(db);
    if (!found) throw new Error('the inbox index is not attached to this store connection (attachInboxIndex)');
    return found;
  };

  /** Compares a few rows of a page with the store and applies the stored document where they differ. */
  const verifySample = async (ix: InboxIndex, rows: StoredConversation[]) => {
    const sample = [...rows].sort(() => Math.random() - 0.5).slice(0, VERIFY_PER_PAGE);
    const stored = await inParallel(sample, (r) => lean(model.findById(new Types.ObjectId(String(r._id)))), 2);
    for (const [i, doc] of stored.entries()) {
      if (!doc) await ix.remove(String(sample[i]!._id));
      else if (doc.updatedAt?.getTime() !== new Date(sample[i]!.updatedAt).getTime()) await ix.apply(doc);
    }
  };

  return {
    /**
     * One inbox page: the view's ids from the inbox index in the sort's order (newest activity first by default), with their rows as last written
     * (Redis alone; a row missing there is read from the store by `_id`), each checked against the filter. After
     * answering, a few of the page's rows are compared with the store and repaired if a write's index update was
     * lost. `next` continues after the page. With `within`, the page is of the union of those views narrowed by `f`.
     */
    async page(f: ViewFilter, limit: number, cursor?: Cursor, within?: ViewFilter[], sort: InboxSort = 'newest'): Promise<{ items: StoredConversation[]; next: Cursor | null }> {
      const ix = index();
      const items: StoredConversation[] = [];
      const scoreOf = new Map<string, number>(); // the cursor of the page's last item is its score in the sort's order
      const seen = new Set<string>(); // an entry moved by a concurrent write can come twice
      let more = false;
      // `within`: the page is of the union of these views, each narrowed by `f` (an agent's visible conversations).
      const views = within ? within.flatMap((w) => narrowed(f, w) ?? []) : [f];
      const passes = (doc: StoredConversation) => views.some((v) => matches(doc, v));
      for await (const found of ix.ids(views, cursor, limit + 1, sort)) {
        const chunk = found.filter(({ id }) => !seen.has(id) && seen.add(id));
        for (const { id, at } of chunk) scoreOf.set(id, at);
        const cached = await ix.rows(chunk.map(({ id }) => id));
        const missing = chunk.filter((_, i) => !cached[i]);
        const stored = await inParallel(missing, ({ id }) => lean(model.findById(new Types.ObjectId(id))));
        for (const [k, entry] of missing.entries()) {
          const doc = stored[k];
          if (doc) await ix.apply(doc);
          else await ix.remove(entry.id);
          cached[chunk.indexOf(entry)] = doc as unknown as Record<string, unknown> | null;
        }
        for (const row of cached) {
          const doc = row as unknown as StoredConversation | null;
          if (!doc || !passes(doc)) continue;
          if (items.length === limit) {
            more = true;
            break;
          }
          items.push(doc);
        }
        if (more) break;
      }
      // Self-repair, best effort: a check that fails (Redis or the store away) is made again by a later page.
      void verifySample(ix, items).catch(() => undefined);
      const last = items[items.length - 1];
      return { items, next: more && last ? { at: scoreOf.get(String(last._id)) ?? last.lastActivityAt.getTime(), id: String(last._id) } : null };
    },
    /** The inbox index's name cache for the customers on rows (see inbox-index.ts `names`); null when not attached. */
    nameCache: (): Pick<InboxIndex, 'names' | 'fillNames' | 'setName'> | null => indexOf.get(db) ?? null,
    /** How many conversations each view holds, from the inbox index (no store read). */
    count: (filters: ViewFilter[]): Promise<number[]> => index().count(filters),
    /** Per team (null: "no team"): open, unassigned conversations and when the oldest began waiting (inbox index). */
    waiting: (teamIds: (string | null)[]): Promise<{ count: number; oldestSince: number | null }[]> => index().waiting(teamIds),
    /** Teams that have conversations (for per-team counts). */
    indexedTeamIds: (): Promise<string[]> => index().teamIds(),
    /** Labels on at least one conversation, with how many carry each (inbox index: no store read). */
    labelsInUse: (): Promise<{ name: string; count: number }[]> => index().labels(),
    /**
     * Index: the inbox index's any-status view of the label (never a store scan: `labels` is a multikey array and
     * FerretDB would read every conversation). Up to `limit` ids of conversations that carry it, newest first.
     */
    async idsWithLabel(label: string, limit: number): Promise<string[]> {
      for await (const chunk of index().ids({ label }, undefined, limit)) return chunk.map((e) => e.id);
      return [];
    },
    /** Builds the inbox index from the store if this Redis has none (worker start); the number indexed, if it did. */
    async ensureIndexed(): Promise<number | false> {
      const ix = index();
      if (await ix.isBuilt()) return false;
      await this.backfillDerived(); // documents from before a derived key existed (or seeded without it)
      return ix.rebuild(this.all());
    },
    /** Builds the inbox index again from the store (after writes that bypassed the repository: bulk seeding). */
    rebuildIndex(): Promise<number | false> {
      return index().rebuild(this.all());
    },
    /** Sets the derived keys a document written before they existed lacks (openedDay); the number changed. */
    async backfillDerived(): Promise<number> {
      let n = 0;
      for await (const batch of this.all()) {
        const missing = batch.filter((c) => !c.openedDay);
        await inParallel(missing, (c) => model.updateOne({ _id: c._id }, { $set: { openedDay: dayOf(c.openedAt) } }));
        n += missing.length;
      }
      return n;
    },

    byId: async (id: Types.ObjectId | string): Promise<StoredConversation | null> =>
      Types.ObjectId.isValid(id) ? lean(model.findById(new Types.ObjectId(id))) : null,
    /** Several by `_id` at once, in the order asked (null where gone): parallel lookups, never `$in` (a scan). */
    byIds: (ids: (Types.ObjectId | string)[]): Promise<(StoredConversation | null)[]> =>
      inParallel(ids, (id) => lean(model.findById(new Types.ObjectId(id)))),
    exists: async (id: Types.ObjectId | string): Promise<boolean> =>
      Types.ObjectId.isValid(id) && Boolean(await model.exists({ _id: new Types.ObjectId(id) })),
    /** The customer's unresolved conversation (open, pending or snoozed), by the unique openKey. */
    unresolvedOf: (customerId: Types.ObjectId | string): Promise<StoredConversation | null> => lean(model.findOne({ openKey: String(customerId) })),
    /** All conversations of a customer, newest opened first (a customer has a bounded number). */
    ofCustomer: async (customerId: Types.ObjectId | string, limit = 1000): Promise<StoredConversation[]> => {
      const docs = await model.find({ customerId: new Types.ObjectId(customerId) }).lean<StoredConversation[]>();
      return docs.sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime()).slice(0, limit);
    },
    /**
     * Conversations in an unresolved status (few at any time: what the team has in hand). Not for `resolved`,
     * which grows with history; the inbox index pages through that.
     */
    inStatus: (status: Exclude<ConversationStatus, 'resolved'>): Promise<StoredConversation[]> => model.find({ status }).lean<StoredConversation[]>(),
    /** Conversations opened on one UTC day (`YYYY-MM-DD`), in opening order. */
    openedOn: async (day: string): Promise<StoredConversation[]> =>
      (await model.find({ openedDay: day }).lean<StoredConversation[]>())
        .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || String(a._id).localeCompare(String(b._id))),
    /**
     * Sets `resolvedDay` on resolved conversations written before it existed (one cursor pass; retention's first
     * run, never requests): the days they were resolved on, for the caller to register.
     */
    async backfillResolvedDays(): Promise<string[]> {
      const days = new Set<string>();
      for await (const batch of this.all()) {
        const resolved = batch.filter((c) => c.status === 'resolved' && c.resolvedAt);
        for (const c of resolved) days.add(dayOf(c.resolvedAt!));
        await inParallel(resolved.filter((c) => !c.resolvedDay), (c) => model.updateOne({ _id: c._id }, { $set: { resolvedDay: dayOf(c.resolvedAt!) } }));
      }
      return [...days];
    },
    /**
     * Removes what a conversation shows of its customer's words (erasure, retention): the last message preview and
     * its custom attributes; `retained` also records when retention did it. Index: `_id`.
     */
    scrub: (id: Types.ObjectId, retained?: Date): Promise<StoredConversation | null> =>
      updateById(id, { $unset: { lastMessagePreview: 1, attributes: 1 }, ...(retained ? { $set: { retainedAt: retained } } : {}) }),
    /** Conversations resolved on one UTC day (`YYYY-MM-DD`), unordered (retention). */
    resolvedOn: (day: string): Promise<StoredConversation[]> => model.find({ resolvedDay: day }).lean<StoredConversation[]>(),
    /** An agent's conversations in one status. */
    assignedTo: (agentId: Types.ObjectId | string, status: ConversationStatus): Promise<StoredConversation[]> =>
      model.find({ assigneeId: new Types.ObjectId(agentId), status }).lean<StoredConversation[]>(),
    /** Every conversation in `_id` order, in batches (rebuilding derived state, exports); no sort in the store. */
    async *all(batch = 500): AsyncGenerator<StoredConversation[]> {
      let buffer: StoredConversation[] = [];
      for await (const doc of model.find({}).lean<StoredConversation[]>().cursor({ batchSize: batch })) {
        buffer.push(doc as unknown as StoredConversation);
        if (buffer.length >= batch) {
          yield buffer;
          buffer = [];
        }
      }
      if (buffer.length) yield buffer;
    },

    updateById,
    /** Sets and clears custom attributes, each its own path so other keys' concurrent writes stay (index: `_id`). */
    setAttributes: (id: Types.ObjectId | string, set: Record<string, unknown>, unset: string[] = []): Promise<StoredConversation | null> =>
      updateById(id, {
        ...(Object.keys(set).length ? { $set: Object.fromEntries(Object.entries(set).map(([k, v]) => [`attributes.${k}`, v])) } : {}),
        ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [`attributes.${k}`, 1])) } : {}),
      }),
    /**
     * The conversation write of inbound messages, one per conversation and batch: times only move forward ($max),
     * waiting starts at the earliest unanswered message ($min on an absent field sets it), pending and snoozed wake
     * up. Idempotent, so a retried job can run it again. Through the driver, not the model: it runs for nearly every
     * message, and mongoose's casting cost more than the command (updatedAt is set here instead).
     */
    async recordInbound(id: Types.ObjectId, touch: { at: Date; earliest: Date; channel: Channel; preview: string; wake: boolean }, guard: Guard = {}): Promise<StoredConversation | null> {
      const doc = await model.collection.findOneAndUpdate(
        { _id: id, ...guard },
        {
          $max: { lastInboundAt: touch.at, lastActivityAt: touch.at },
          $min: { waitingSince: touch.earliest },
          $set: {
            lastInboundChannel: touch.channel, lastMessagePreview: withoutNul(touch.preview), updatedAt: new Date(),
            ...(touch.wake ? { status: 'open', snoozedUntil: null } : {}),
          },
        },
        { returnDocument: 'after' },
      );
      return notify(doc as unknown as StoredConversation | null);
    },
    /** Like updateById, returning the document as it was before the write (what the write changed). */
    async updateByIdReturningBefore(id: Types.ObjectId | string, update: UpdateQuery<StoredConversation>, guard: Guard = {}): Promise<StoredConversation | null> {
      // No projection: FerretDB 1.24's findAndModify does not support `fields`.
      const before = await lean(model.findOneAndUpdate({ _id: new Types.ObjectId(id), ...guard }, update, { new: false }));
      if (before) await notify(await lean(model.findById(before._id)));
      return before;
    },
    /**
     * Opens the customer's unresolved conversation unless one exists (race-safe on the unique openKey): the stored
     * one, and whether this call created it. `fields`: what else a new one starts with (its customer's segments).
     */
    async openFor(customerId: Types.ObjectId, at: Date, fields: Partial<StoredConversation> = {}): Promise<{ conversation: StoredConversation; created: boolean }> {
      const openKey = String(customerId);
      const fresh = new Types.ObjectId();
      try {
        const conversation = await lean(model.findOneAndUpdate(
          { openKey },
          { $setOnInsert: { ...fields, _id: fresh, customerId, openKey, status: 'open', openedAt: at, openedDay: dayOf(at), lastActivityAt: at } },
          { upsert: true, new: true },
        ));
        await notify(conversation);
        return { conversation: conversation!, created: fresh.equals(conversation!._id) };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return { conversation: (await lean(model.findOne({ openKey })))!, created: false };
      }
    },
    /**
     * Makes a resolved conversation the customer's unresolved one again; null if it is not resolved any more or the
     * customer has another unresolved conversation (the unique openKey refuses the second).
     */
    async reopen(id: Types.ObjectId, customerId: Types.ObjectId, set: Partial<StoredConversation> = {}): Promise<StoredConversation | null> {
      try {
        // A reopened conversation that has no assignee waits in the queue again from now (docs/metrics.md).
        return await updateById(id, { $set: { openKey: String(customerId), status: 'open', resolvedAt: null, resolvedDay: null, snoozedUntil: null, queuedAt: new Date(), ...set } }, { status: 'resolved' });
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },
    /** Test and benchmark fixtures: inserts stored documents as they are, and tells the listeners. */
    async insertFixtures(docs: Partial<StoredConversation>[]): Promise<StoredConversation[]> {
      const inserted = (await model.insertMany(docs, { ordered: false })).map((d) => d.toObject() as StoredConversation);
      await inParallel(inserted, (d) => notify(d));
      return inserted;
    },
  };
}

/** `f` and `w` together (every dimension either sets must hold), or null when they contradict each other. */
export function narrowed(f: ViewFilter, w: ViewFilter): ViewFilter | null {
  const out: ViewFilter = { ...f };
  for (const [k, v] of Object.entries(w) as [keyof ViewFilter, ViewFilter[keyof ViewFilter]][]) {
    if (v === undefined) continue;
    if (out[k] !== undefined && out[k] !== v) return null;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The UTC day of a time, `YYYY-MM-DD` (conversation `openedDay`). */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
