import type { Types } from 'mongoose';
import type { InboundMessage } from '../../domain/messages';
import { inboundMessageDocument, isDuplicateKey, type Models } from '../../store';
import { findOrOpenConversation } from '../conversations/conversations';
import type { EventPublisher } from '../events';
import { identityId, identityKindOf, linkIdentity, normalizeAddress, resolveCustomer, type CustomerLean } from '../identity/identity';
import { ingest, messageIdFor, type IngestResult } from './ingest';
import { inboundFacts, opensConversation, recordMetricEvents } from '../metrics/metrics';
import { indexMessages } from '../search/search-index';
import { preview, toConversationView, toMessageView } from '../conversations/views';

/** lastSeenAt is kept to the minute (same rule as resolveCustomer). */
const LAST_SEEN_PRECISION_MS = 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Lean = any;

interface Item {
  i: number;
  msg: InboundMessage;
  _id: Types.ObjectId;
  receivedAt: Date;
  identityKey: string;
  customerId?: Types.ObjectId;
  customer?: CustomerLean;
  conversation?: Lean;
  /** The conversation as returned by the update that already recorded this message (see touchKnownSenders). */
  touchedConversation?: Lean;
  createdConversation?: boolean;
  opened?: boolean;
  message?: Lean;
  duplicate: boolean;
  /** A later copy of a dedupeKey already in this batch: its result is the first copy's, as a duplicate. */
  copyOf?: Item;
}

/**
 * ingest() for many messages at once, with the same guarantees; its writes cost two store round trips per
 * batch instead of two per message: reads by _id (one per message, per sender identity, customer and
 * conversation, all in flight at once), one insertMany for the messages and one update per conversation.
 * First contacts, missing customers and missing/stale open conversations go through the race-safe per-item
 * helpers (resolveCustomer, findOrOpenConversation), so concurrent batches and ingest() calls stay safe.
 * If the batch path fails for any other reason than a duplicate key, the affected messages go through ingest()
 * one by one, so one bad message never fails the others.
 */
export async function ingestBatch(m: Models, events: EventPublisher | null, messages: InboundMessage[]): Promise<IngestResult[]> {
  const results = await ingestBatchSettled(m, events, messages);
  const failure = results.find((r): r is Error => r instanceof Error);
  if (failure) throw failure;
  return results as IngestResult[];
}

/** ingestBatch with one outcome per message: a result, or the error that message alone failed with. */
export async function ingestBatchSettled(
  m: Models,
  events: EventPublisher | null,
  messages: InboundMessage[],
  receivedAt?: Date[],
  cache?: SenderCache,
): Promise<(IngestResult | Error)[]> {
  if (messages.length === 0) return [];
  const now = Date.now();
  const items: Item[] = messages.map((msg, i) => {
    const kind = identityKindOf(msg.channel);
    return {
      i, msg, _id: messageIdFor(msg.dedupeKey),
      receivedAt: receivedAt?.[i] ?? new Date(now + i), // distinct, ordered times keep the thread in arrival order
      identityKey: `${kind}:${normalizeAddress(kind, msg.from.address)}`,
      duplicate: false,
    };
  });
  const oneByOne = () => Promise.all(messages.map((msg) => ingest(m, events, msg).catch((err) => (err instanceof Error ? err : new Error(String(err))))));
  // Email threading (reply token, In-Reply-To) may name a conversation: only ingest() honours that.
  if (messages.some((msg) => msg.channel === 'email')) return oneByOne();
  let prepared: { fresh: Item[]; all: Item[]; seenWrite: Promise<unknown> };
  try {
    prepared = await prepare(m, items, cache);
  } catch {
    return oneByOne();
  }
  const { fresh } = prepared;

  // One insert for all new messages; duplicates (a retried job, a concurrent copy) are read back.
  const failed = new Set<Item>();
  if (fresh.length) {
    const docs = fresh.map(toDoc);
    try {
      await m.messages.insertInboundMany(docs);
      fresh.forEach((it, k) => (it.message = docs[k]));
    } catch (err) {
      const writeErrors = bulkWriteErrors(err);
      if (!writeErrors) {
        // Nothing known about what was written: let ingest() sort each message out (it reads before writing).
        fresh.forEach((it) => failed.add(it));
      } else {
        const byIndex = new Map(writeErrors.map((e) => [e.index, e]));
        const dupes: Item[] = [];
        fresh.forEach((it, k) => {
          const e = byIndex.get(k);
          if (!e) it.message = docs[k];
          else if (isDuplicateKey({ code: e.code, message: e.errmsg ?? e.message })) dupes.push(it);
          else failed.add(it);
        });
        if (dupes.length) {
          try {
            const stored = await messagesByIds(m, dupes.map((d) => d._id));
            const byId = new Map(stored.map((d) => [String(d._id), d]));
            for (const it of dupes) {
              const d = byId.get(String(it._id));
              if (!d) { failed.add(it); continue; }
              it.message = d;
              it.duplicate = true; // a concurrent copy won; it announces the message
            }
          } catch {
            dupes.forEach((it) => failed.add(it));
          }
        }
        // A duplicate stored by a concurrent copy may sit in another conversation than the one we picked.
        const missing = dupes.filter((it) => it.message && String(it.message.conversationId) !== String(it.conversation?._id));
        if (missing.length) {
          try {
            const convs = await conversationsByIds(m, missing.map((it) => it.message.conversationId));
            const byId = new Map(convs.map((c) => [String(c._id), c]));
            for (const it of missing) it.conversation = byId.get(String(it.message.conversationId));
          } catch {
            missing.forEach((it) => failed.add(it));
          }
        }
      }
    }
  }

  const done = prepared.all.filter((it) => !it.copyOf && !failed.has(it) && it.message);
  const touched = await touchConversations(m, done);
  // Events: once per new message, in arrival order, with the conversation as updated by this batch; sent before the
  // metric facts are written, which agents need not wait for (a failure there retries the jobs, and a retried
  // message is a duplicate, never announced twice).
  if (events) {
    const announced = new Set<string>();
    for (const it of done) {
      if (it.duplicate) continue;
      const conv = touched.views.get(String(it.message.conversationId));
      if (!conv) continue;
      const view = toConversationView(conv, it.customer?.name ?? undefined);
      const key = String(conv._id);
      events.conversation(view, Boolean(it.createdConversation) && !announced.has(key));
      announced.add(key);
      events.message(toMessageView(it.message), view);
    }
  }
  await recordMetricEvents(m, done.filter((it) => it.conversation && touched.ok.has(it)).flatMap((it) => {
    const conv = touched.views.get(String(it.conversation._id)) ?? it.conversation;
    return inboundFacts(conv, it.message, Boolean(it.createdConversation) || opensConversation(conv, it.message));
  }));
  // Search postings of every stored message (duplicates too: a retry completes what a crash left out). Idempotent by
  // _id; if it fails, the messages' jobs fail and their retries (duplicates by then) index them.
  const indexFailure = await indexMessages(m, done.filter((it) => touched.ok.has(it)).map((it) => it.message)).then(() => null, (err: unknown) => err);
  // lastSeenAt is kept to the minute and only moves forward: a failed write is retried by a later message.
  await prepared.seenWrite.catch(() => undefined);
  if (cache) {
    for (const it of done) {
      if (it.duplicate || !it.conversation || !touched.ok.has(it)) continue;
      cache.remember(it.identityKey, { customerId: it.customerId!, name: it.customer?.name, conversationId: it.conversation._id, lastSeenAt: it.customer?.lastSeenAt });
    }
  }

  const results: (IngestResult | Error)[] = new Array(items.length);
  await Promise.all(
    items.map(async (it) => {
      if (it.copyOf) return;
      try {
        if (failed.has(it) || !it.message) {
          results[it.i] = await ingest(m, events, it.msg);
          return;
        }
        if (!touched.ok.has(it)) {
          // The conversation update failed: the message is stored, so a retry sees it as a duplicate and
          // completes the timestamps (as after a failure between the two writes in ingest()).
          throw new Error(`conversation update failed for ${it.msg.dedupeKey}`);
        }
        if (indexFailure) throw new Error(`search index write failed for ${it.msg.dedupeKey}: ${String(indexFailure)}`);
        results[it.i] = {
          messageId: String(it.message._id),
          conversationId: String(it.message.conversationId),
          customerId: String(it.message.customerId),
          duplicate: it.duplicate,
          ...(it.opened && !it.duplicate ? { opened: true } : {}),
        };
      } catch (err) {
        results[it.i] = err instanceof Error ? err : new Error(String(err));
      }
    }),
  );
  for (const it of items) {
    if (!it.copyOf) continue;
    const r = results[it.copyOf.i]!;
    results[it.i] = r instanceof Error ? r : { ...r, duplicate: true };
  }

  return results;
}

/**
 * Resolves customer and conversation of every message. The steady state costs one read by _id per message with the
 * worker's SenderCache (the open conversation, checked by openKey), three without it (identity, customer,
 * conversation), and no write: the message is then inserted without a prior
 * existence check, a duplicate showing up as a duplicate-key error. Only where something would have to be created
 * (first contact, a customer lost to a crash, no open conversation) is the message looked up first, so that a late
 * redelivery never creates or reopens anything, exactly as in ingest().
 */
async function prepare(m: Models, items: Item[], cache?: SenderCache): Promise<{ fresh: Item[]; all: Item[]; seenWrite: Promise<unknown> }> {
  const first = new Map<string, Item>();
  for (const it of items) {
    const seen = first.get(String(it._id));
    if (seen) it.copyOf = seen;
    else first.set(String(it._id), it);
  }
  const unique = items.filter((it) => !it.copyOf);
  const senderId = (it: Item) => identityId(identityKindOf(it.msg.channel), it.msg.from.address);
  const knownIds = new Set<string>();
  const readCustomers = new Set<string>();

  // identity -> customer -> cached open conversation, by _id, for the senders not in the process cache
  const resolveByReads = async (list: Item[]) => {
    if (!list.length) return;
    const identities = await byIds(m.Identity, list.map(senderId));
    const identityById = new Map(identities.map((d) => [String(d._id), d]));
    identities.forEach((d) => knownIds.add(String(d._id)));
    const customers = await byIds(m.Customer, list.map((it) => identityById.get(String(senderId(it)))?.customerId).filter(Boolean));
    const customerById = new Map(customers.map((c) => [String(c._id), c]));
    for (const it of list) {
      const customerId = identityById.get(String(senderId(it)))?.customerId;
      const customer = customerId ? customerById.get(String(customerId)) : undefined;
      if (customer) {
        it.customerId = customerId;
        it.customer = customer;
        readCustomers.add(String(customerId));
      }
    }
    await checkConversations(list);
  };
  const checkConversations = async (list: Item[]) => {
    const convs = await conversationsByIds(m, list.map((it) => it.customer?.openConversationId).filter(Boolean));
    const convById = new Map(convs.map((c) => [String(c._id), c]));
    for (const it of list) {
      const c = it.customer?.openConversationId ? convById.get(String(it.customer.openConversationId)) : undefined;
      // openKey is unique: an unresolved conversation with this customer's key IS the customer's open conversation.
      if (c && c.openKey === String(it.customerId)) it.conversation = c;
    }
  };

  // Senders this process has seen: identity -> customer never changes, so only the open conversation is read.
  const hits: Item[] = [];
  const misses: Item[] = [];
  for (const it of unique) {
    const known = cache?.get(it.identityKey);
    if (known) {
      it.customerId = known.customerId;
      it.customer = { _id: known.customerId, name: known.name, lastSeenAt: known.lastSeenAt, openConversationId: known.conversationId };
      readCustomers.add(String(known.customerId));
      hits.push(it);
    } else misses.push(it);
  }
  await Promise.all([touchKnownSenders(m, hits), resolveByReads(misses)]);
  const stale = hits.filter((it) => !it.conversation);
  for (const it of stale) {
    cache?.forget(it.identityKey);
    readCustomers.delete(String(it.customerId));
    it.customerId = undefined;
    it.customer = undefined;
  }
  await resolveByReads(stale);

  // Something to create: first make sure the message is not already stored (then it is a duplicate, done).
  const slow = unique.filter((it) => !it.conversation);
  if (slow.length) {
    const stored = await messagesByIds(m, slow.map((it) => it._id));
    const storedById = new Map(stored.map((d) => [String(d._id), d]));
    const dupes = slow.filter((it) => storedById.has(String(it._id)));
    for (const it of dupes) {
      it.message = storedById.get(String(it._id));
      it.duplicate = true;
    }
    const dupConvs = await conversationsByIds(m, dupes.map((it) => it.message.conversationId));
    const dupConvById = new Map(dupConvs.map((c) => [String(c._id), c]));
    for (const it of dupes) it.conversation = dupConvById.get(String(it.message.conversationId));

    const toResolve = slow.filter((it) => !it.duplicate);
    // Customers: the race-safe path, once per sender.
    const bySender = groupBy(toResolve.filter((it) => !it.customer), (it) => it.identityKey);
    await Promise.all(
      [...bySender.values()].map(async (list) => {
        const head = list[0]!;
        const r = await resolveCustomer(m, identityKindOf(head.msg.channel), head.msg.from.address, {
          name: head.msg.from.name, verified: head.msg.from.verified, language: head.msg.language,
        });
        for (const it of list) {
          it.customerId = r.customerId;
          it.customer = r.customer;
        }
      }),
    );
    // Conversations: the race-safe path, once per customer.
    const byCustomer = groupBy(toResolve, (it) => String(it.customerId));
    await Promise.all(
      [...byCustomer.values()].map(async (list) => {
        const head = list[0]!;
        const found = await findOrOpenConversation(m, head.customerId!, head.receivedAt, undefined, null);
        for (const it of list) {
          it.conversation = found.conversation;
          it.createdConversation = found.created;
          it.opened = it === head && (found.created || Boolean(found.reopened));
        }
      }),
    );
  }

  // lastSeenAt (to the minute) of customers that were only read, and linked identities not known to exist.
  const seenNow = new Date();
  const staleSeen = dedupeIds(
    unique
      .filter((it) => it.customerId && readCustomers.has(String(it.customerId)))
      .filter((it) => !it.customer.lastSeenAt || seenNow.getTime() - new Date(it.customer.lastSeenAt).getTime() > LAST_SEEN_PRECISION_MS)
      .map((it) => it.customerId!),
  );
  for (const it of unique) if (it.customerId && staleSeen.some((id) => id.equals(it.customerId!))) it.customer = { ...it.customer, lastSeenAt: seenNow };
  // Not awaited here: it goes to the store alongside the message insert (see ingestBatchSettled).
  const seenWrite = Promise.all(staleSeen.map((_id) => m.Customer.updateOne({ _id }, { $max: { lastSeenAt: seenNow } })));
  seenWrite.catch(() => undefined);
  await Promise.all([
    ...unique.flatMap((it) =>
      (it.msg.linkedIdentities ?? []).map(async (l) => {
        const key = String(identityId(identityKindOf(l.channel), l.address));
        if (knownIds.has(key) || cache?.hasIdentity(key)) return;
        await linkIdentity(m, it.customerId ?? it.message.customerId, identityKindOf(l.channel), l.address, l.verified);
        cache?.identityExists(key); // linked now, to this customer or (left alone) to another
      }),
    ),
  ]);
  return { fresh: unique.filter((it) => !it.duplicate), all: unique, seenWrite };
}

/**
 * Known senders whose cached conversation is still theirs and open: one findOneAndUpdate per conversation both
 * checks that (openKey, status) and records the messages (same update as touchConversations), instead of a read
 * now and an update after the insert. Anything else (resolved, replaced, pending or snoozed, which must wake up)
 * is left without a conversation for the read path. A redelivered message counts its redelivery time here.
 */
async function touchKnownSenders(m: Models, hits: Item[]): Promise<void> {
  const byConversation = groupBy(hits, (it) => String(it.customer.openConversationId));
  await Promise.all(
    [...byConversation.values()].map(async (list) => {
      const last = list.reduce((a, b) => (b.receivedAt.getTime() >= a.receivedAt.getTime() ? b : a));
      const first = list.reduce((a, b) => (b.receivedAt.getTime() < a.receivedAt.getTime() ? b : a));
      const updated = await m.conversations.recordInbound(
        last.customer.openConversationId,
        { at: last.receivedAt, earliest: first.receivedAt, channel: last.msg.channel, preview: preview(last.msg.text), wake: false },
        { openKey: String(last.customerId), status: 'open' },
      );
      if (!updated) return;
      for (const it of list) {
        it.conversation = updated;
        it.touchedConversation = updated;
      }
    }),
  );
}

interface KnownSender {
  customerId: Types.ObjectId;
  name?: string;
  conversationId: Types.ObjectId;
  lastSeenAt?: Date;
}

/**
 * What one worker process remembers about senders: identity -> customer (never changes once written), the
 * customer's name, when lastSeenAt was last known, and the last open conversation, which is always re-read and
 * checked (openKey) before use, so a resolved or replaced conversation is never written to. Bounded, oldest out.
 */
export class SenderCache {
  private readonly senders = new Map<string, KnownSender>();
  private readonly identities = new Set<string>();
  constructor(private readonly max = 20_000) {}
  get(key: string): KnownSender | undefined {
    return this.senders.get(key);
  }
  remember(key: string, v: KnownSender): void {
    this.senders.delete(key);
    this.senders.set(key, v);
    if (this.senders.size > this.max) this.senders.delete(this.senders.keys().next().value!);
  }
  forget(key: string): void {
    this.senders.delete(key);
  }
  /** Drops everything: a customer merge moved identities to another customer (src/services/identity/merge.ts). */
  clear(): void {
    this.senders.clear();
  }
  hasIdentity(id: string): boolean {
    return this.identities.has(id);
  }
  identityExists(id: string): void {
    this.identities.add(id);
    if (this.identities.size > this.max) this.identities.delete(this.identities.values().next().value!);
  }
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

function toDoc(it: Item) {
  return inboundMessageDocument(it.msg, { _id: it._id, conversationId: it.conversation._id, customerId: it.customerId! }, it.receivedAt);
}

/**
 * Conversation timestamps for every stored message of the batch (new ones and duplicates, so a retry after a crash
 * completes them), one updateOne per conversation with its latest message. Same update as touchInbound; the
 * returned views are the read conversations with the update applied; `ok` holds the items whose update succeeded.
 */
async function touchConversations(m: Models, done: Item[]): Promise<{ ok: Set<Item>; views: Map<string, Lean> }> {
  const latest = new Map<string, { it: Item; at: Date; earliest: Date }>();
  const views = new Map<string, Lean>();
  const ok = new Set<Item>();
  for (const it of done) {
    if (!it.conversation) continue; // vanished conversation: nothing to touch (as in ingest())
    if (it.conversation === it.touchedConversation) {
      if (!views.has(String(it.conversation._id))) views.set(String(it.conversation._id), it.conversation);
      continue;
    }
    const key = String(it.conversation._id);
    const at = new Date(it.message.createdAt);
    const cur = latest.get(key);
    if (!cur) latest.set(key, { it, at, earliest: at });
    else {
      if (at.getTime() >= cur.at.getTime()) { cur.it = it; cur.at = at; }
      if (at.getTime() < cur.earliest.getTime()) cur.earliest = at;
    }
  }
  // One updateOne per conversation, all in flight at once, not one bulkWrite: FerretDB 1.24 (PostgreSQL) holds a
  // pool connection per statement of an update command until the command ends, so a bulkWrite of about 50
  // statements (its pool size) deadlocks the store (docs/architecture.md, "Store writes").
  await Promise.all(
    [...latest].map(async ([key, { it, at, earliest }]) => {
      const c = it.conversation;
      const wake = c.status === 'pending' || c.status === 'snoozed';
      try {
        const updated = await m.conversations.recordInbound(c._id, { at, earliest, channel: it.msg.channel, preview: preview(it.msg.text), wake });
        if (updated) views.set(key, updated);
      } catch {
        return; // its messages fail and are retried (see ingestBatchSettled)
      }
    }),
  );
  for (const it of done) if (!it.conversation || views.has(String(it.conversation._id))) ok.add(it);
  return { ok, views };
}

function bulkWriteErrors(err: unknown): { index: number; code?: number; errmsg?: string; message?: string }[] | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { writeErrors?: unknown };
  if (!Array.isArray(e.writeErrors) || e.writeErrors.length === 0) return null;
  return e.writeErrors.map((w: { index: number; code?: number; errmsg?: string; err?: { index: number; code?: number; errmsg?: string } }) =>
    w.err ? { index: w.err.index, code: w.err.code, errmsg: w.err.errmsg } : { index: w.index, code: w.code, errmsg: w.errmsg },
  );
}

/**
 * Documents by _id, one findById each, all in flight at once. Not one `$in` query: FerretDB pushes only equality
 * filters down to SQL, so `{_id: {$in}}` scans the whole collection (measured: 3x slower end to end than per-message
 * ingest()). On MongoDB both are index lookups.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
/** Conversations by `_id`, each once (gone ones left out). */
async function conversationsByIds(m: Models, ids: unknown[]): Promise<Lean[]> {
  return (await m.conversations.byIds(dedupeIds(ids as Types.ObjectId[]))).filter(Boolean);
}

async function byIds(model: { findById(id: unknown): { lean(): any } }, ids: unknown[]): Promise<Lean[]> {
  const docs = await Promise.all(dedupeIds(ids as Types.ObjectId[]).map((id) => model.findById(id).lean()));
  return docs.filter(Boolean);
}

/** The stored messages of these ids (each once; gone ones left out). */
async function messagesByIds(m: Models, ids: Types.ObjectId[]) {
  return (await m.messages.byIds(dedupeIds(ids))).filter((d) => d !== null);
}

function dedupeIds<T extends { toString(): string }>(ids: T[]): T[] {
  const seen = new Map<string, T>();
  for (const id of ids) if (!seen.has(String(id))) seen.set(String(id), id);
  return [...seen.values()];
}

