import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { channelDescriptor } from '../../domain/channels';
import { KanalError } from '../../domain/errors';
import { WidgetEvents } from '../../domain/events';
import type { InboundMessage } from '../../domain/messages';
import { idForKey, inboundMessageDocument, isDuplicateKey, type StoredConversation, type StoredMessage, type Models } from '../../store';
import { findOrOpenConversation } from '../conversations/conversations';
import { preview, toConversationView, toMessageView } from '../conversations/views';
import type { EventPublisher } from '../events';
import { claimKey, recordClaimedAddress } from '../identity/claims';
import { identityId, identityKindOf, normalizeAddress, resolveCustomer } from '../identity/identity';
import { inboundFacts, opensConversation, recordMetricEvents } from '../metrics/metrics';
import { indexMessages } from '../search/search-index';
import { reopenNamedConversation } from './email-threading';
import { recordReopens } from './reopen-events';
import type { SenderCache } from './sender-cache';

/**
 * The one inbound write path (ingest() is a batch of one; the worker's batches are the same code). Safe to run any
 * number of times for the same messages: identities and conversations are found or created on unique keys, a
 * message's `_id` follows from its dedupeKey, conversation timestamps only move forward, and a retry after a crash
 * at any step completes what is missing. Two phases: `plan` finds every message's customer and conversation
 * (creating them only where needed, race-safe) and which messages are already stored; `execute` writes.
 */

export interface IngestResult {
  messageId: string;
  conversationId: string;
  customerId: string;
  duplicate: boolean;
  /** This message opened or reopened its conversation (routing starts then; src/services/routing/routing.ts). */
  opened?: boolean;
  /** The customer segment whose rule the opening applied (src/services/crm/segments.ts openingFields). */
  ruleSegmentId?: string;
}

/** A message's _id follows from its dedupeKey, so the idempotency check and the insert race go by _id. */
export const messageIdFor = (dedupeKey: string) => idForKey('message', dedupeKey);

/** lastSeenAt is kept to the minute (same rule as resolveCustomer). */
const LAST_SEEN_PRECISION_MS = 60_000;

/** What the path needs of a customer: read from the store, created, or remembered by the SenderCache. */
interface SenderCustomer {
  _id: Types.ObjectId;
  name?: string | null;
  lastSeenAt?: Date | null;
  openConversationId?: Types.ObjectId | null;
}

interface Item {
  i: number;
  msg: InboundMessage;
  _id: Types.ObjectId;
  receivedAt: Date;
  identityKey: string;
  customerId?: Types.ObjectId;
  customer?: SenderCustomer;
  conversation?: StoredConversation;
  /** The conversation as returned by the update that already recorded this message (see touchKnownSenders). */
  touchedConversation?: StoredConversation;
  createdConversation?: boolean;
  opened?: boolean;
  /** The status this message took its conversation out of (a customer writing into a pending, snoozed or resolved one). */
  reopenedFrom?: 'pending' | 'snoozed' | 'resolved';
  message?: StoredMessage;
  duplicate: boolean;
  /** A later copy of a dedupeKey already in this batch: its result is the first copy's, as a duplicate. */
  copyOf?: Item;
  /** Why its insert, read-back or conversation update failed: the cause of the error its job fails with. */
  failure?: unknown;
}

/**
 * Stores `messages` with one outcome each: a result, or the error that message alone failed with. Its writes cost
 * two store round trips per batch, not per message: reads by _id (all in flight at once, bounded by the store
 * layer), one insert for the messages and one update per conversation. If the batch fails for any other reason than
 * a duplicate key, its messages are stored again one at a time (`alone`), so one bad message never fails the others.
 */
export async function ingestMessages(
  m: Models,
  events: EventPublisher | null,
  messages: InboundMessage[],
  opts: { receivedAt?: Date[]; cache?: SenderCache; alone?: boolean; logger?: Pick<Logger, 'warn'> } = {},
): Promise<(IngestResult | Error)[]> {
  if (messages.length === 0) return [];
  const now = Date.now();
  const items: Item[] = messages.map((msg, i) => {
    const kind = identityKindOf(msg.channel);
    return {
      i, msg, _id: messageIdFor(msg.dedupeKey),
      receivedAt: opts.receivedAt?.[i] ?? new Date(now + i), // distinct, ordered times keep the thread in arrival order
      identityKey: `${kind}:${normalizeAddress(kind, msg.from.address)}`,
      duplicate: false,
    };
  });
  const alone = async (it: Item): Promise<IngestResult | Error> =>
    (await ingestMessages(m, events, [it.msg], { receivedAt: [it.receivedAt], cache: opts.cache, alone: true, logger: opts.logger }))[0]!;
  let planned: Planned;
  try {
    planned = await plan(m, items, opts.cache);
  } catch (err) {
    if (opts.alone) return [asError(err)];
    // Each message is planned again alone: one that fails again fails its own job with its own error.
    opts.logger?.warn({ err, messages: items.length }, 'inbound batch could not be planned; storing its messages one at a time');
    return Promise.all(items.map(alone));
  }
  const { stored, touched, indexFailure } = await execute(m, events, planned, opts.cache, opts.logger);

  const results: (IngestResult | Error)[] = new Array(items.length);
  await Promise.all(
    planned.all.map(async (it) => {
      if (!stored.has(it)) {
        // Nothing known about what was written: stored again alone (it reads before writing), or failed for a retry.
        results[it.i] = opts.alone ? storeFailure(`message ${it.msg.dedupeKey} could not be stored`, it.failure) : await alone(it);
      } else if (!touched.ok.has(it)) {
        // The conversation update failed: the message is stored, so a retry sees it as a duplicate and completes
        // the timestamps.
        results[it.i] = storeFailure(`conversation update failed for ${it.msg.dedupeKey}`, it.failure);
      } else if (indexFailure) {
        results[it.i] = storeFailure(`search index write failed for ${it.msg.dedupeKey}`, indexFailure);
      } else {
        results[it.i] = {
          messageId: String(it._id),
          conversationId: String(it.message!.conversationId),
          customerId: String(it.message!.customerId),
          duplicate: it.duplicate,
          ...(it.opened && !it.duplicate ? { opened: true } : {}),
          ...(it.opened && !it.duplicate && it.conversation?.ruleSegmentId ? { ruleSegmentId: it.conversation.ruleSegmentId } : {}),
        };
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

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/** A write that did not happen: the job is retried (a retry completes what is missing), the store's error kept as the cause. */
const storeFailure = (message: string, cause: unknown) =>
  new KanalError('unavailable', cause instanceof Error ? `${message}: ${cause.message}` : message, { cause });

interface Planned {
  /** Every distinct message (later copies of a dedupeKey are left to the first). */
  all: Item[];
  /** The lastSeenAt writes, sent alongside the message insert. */
  seenWrite: Promise<unknown>;
}

/**
 * Finds every message's customer and conversation. The steady state costs one read by _id per message with the
 * worker's SenderCache (the open conversation, checked by openKey), three without it (identity, customer,
 * conversation), and no write: the message is then inserted without a prior existence check, a duplicate showing
 * up as a duplicate-key error. Only where something would have to be created (first contact, a customer lost to a
 * crash, no open conversation) is the message looked up first, so that a late redelivery never creates or reopens
 * anything.
 */
async function plan(m: Models, items: Item[], cache?: SenderCache): Promise<Planned> {
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
    const identities = present(await m.identities.byIds(dedupeIds(list.map(senderId))));
    const identityById = new Map(identities.map((d) => [String(d._id), d]));
    identities.forEach((d) => knownIds.add(String(d._id)));
    const customers = present(await m.customers.byIds(dedupeIds(identities.map((d) => d.customerId))));
    const customerById = new Map(customers.map((c) => [String(c._id), c]));
    for (const it of list) {
      const customerId = identityById.get(String(senderId(it)))?.customerId;
      const customer = customerId ? customerById.get(String(customerId)) : undefined;
      if (customerId && customer) {
        it.customerId = customerId;
        it.customer = customer;
        readCustomers.add(String(customerId));
      }
    }
    const convs = await conversationsByIds(m, list.flatMap((it) => (it.customer?.openConversationId ? [it.customer.openConversationId] : [])));
    for (const it of list) {
      const c = it.customer?.openConversationId ? convs.get(String(it.customer.openConversationId)) : undefined;
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
    const storedById = new Map(present(await m.messages.byIds(slow.map((it) => it._id))).map((d) => [String(d._id), d]));
    const dupes = slow.filter((it) => storedById.has(String(it._id)));
    for (const it of dupes) {
      it.message = storedById.get(String(it._id));
      it.duplicate = true;
    }
    const dupConvs = await conversationsByIds(m, dupes.map((it) => it.message!.conversationId));
    for (const it of dupes) it.conversation = dupConvs.get(String(it.message!.conversationId));

    const toResolve = slow.filter((it) => !it.duplicate);
    // Customers: the race-safe path, once per sender.
    await Promise.all(
      [...groupBy(toResolve.filter((it) => !it.customer), (it) => it.identityKey).values()].map(async (list) => {
        const head = list[0]!;
        const r = await resolveCustomer(m, identityKindOf(head.msg.channel), head.msg.from.address, {
          name: head.msg.from.name, verified: head.msg.from.verified, language: head.msg.language, visitor: head.msg.from.visitor,
        });
        for (const it of list) {
          it.customerId = r.customerId;
          it.customer = r.customer ?? { _id: r.customerId };
        }
      }),
    );
    // Conversations: the race-safe path, once per customer. An email may name a conversation of this customer (its
    // reply token or In-Reply-To): a resolved one is then reopened, whatever its age, instead of the default rule.
    await Promise.all(
      [...groupBy(toResolve, (it) => String(it.customerId)).values()].map(async (list) => {
        const head = list[0]!;
        let named: Awaited<ReturnType<typeof reopenNamedConversation>>;
        for (const it of list) if ((named = await reopenNamedConversation(m, it.msg, head.customerId!))) break;
        const found = await findOrOpenConversation(m, head.customerId!, head.receivedAt, undefined, named?.id ?? null);
        const opened = found.created || Boolean(found.reopened) || Boolean(named?.reopened && named.id.equals(found.conversation._id));
        for (const it of list) {
          it.conversation = found.conversation;
          it.createdConversation = found.created;
          it.opened = it === head && opened;
          if (it === head && !found.created && opened) it.reopenedFrom = 'resolved';
        }
      }),
    );
  }

  // Addresses given along with a message (pre-chat email): linked when proven, else kept as the customer's claim
  // (claims.ts). Written before the lastSeenAt writes below: two concurrent updates of one customer document can lose
  // one on FerretDB.
  await Promise.all(
    unique.flatMap((it) =>
      (it.msg.linkedIdentities ?? []).map(async (l) => {
        const customerId = it.customerId ?? it.message!.customerId;
        const key = claimKey(customerId, l);
        if ((l.verified && knownIds.has(key)) || cache?.hasIdentity(key)) return;
        await recordClaimedAddress(m, customerId, l);
        cache?.identityExists(key); // linked or recorded now (a proven address of another customer is left alone)
      }),
    ),
  );
  // lastSeenAt (to the minute) of customers that were only read.
  const seenNow = new Date();
  const staleSeen = dedupeIds(
    unique
      .filter((it) => it.customerId && readCustomers.has(String(it.customerId)))
      .filter((it) => !it.customer?.lastSeenAt || seenNow.getTime() - new Date(it.customer.lastSeenAt).getTime() > LAST_SEEN_PRECISION_MS)
      .map((it) => it.customerId!),
  );
  for (const it of unique) if (it.customerId && staleSeen.some((id) => id.equals(it.customerId!))) it.customer = { ...it.customer!, lastSeenAt: seenNow };
  // Not awaited here: it goes to the store alongside the message insert (see execute).
  const seenWrite = Promise.all(staleSeen.map((id) => m.customers.touchLastSeen(id, seenNow)));
  seenWrite.catch(() => undefined); // awaited (and a failure logged) in execute; this only keeps it from being unhandled meanwhile
  return { all: unique, seenWrite };
}

/**
 * Known senders whose cached conversation is still theirs and open: one findOneAndUpdate per conversation both
 * checks that (openKey, status) and records the messages (same update as touchConversations), instead of a read
 * now and an update after the insert. Anything else (resolved, replaced, pending or snoozed, which must wake up)
 * is left without a conversation for the read path. A redelivered message counts its redelivery time here.
 */
async function touchKnownSenders(m: Models, hits: Item[]): Promise<void> {
  await Promise.all(
    [...groupBy(hits, (it) => String(it.customer!.openConversationId)).values()].map(async (list) => {
      const last = list.reduce((a, b) => (b.receivedAt.getTime() >= a.receivedAt.getTime() ? b : a));
      const first = list.reduce((a, b) => (b.receivedAt.getTime() < a.receivedAt.getTime() ? b : a));
      const updated = await m.conversations.recordInbound(
        last.customer!.openConversationId!,
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

/**
 * Writes what `plan` decided: one unordered insert of the new messages (a duplicate, from a concurrent copy, is read
 * back), the conversations' timestamps, then the events, metric facts and search postings. `stored` holds the items
 * whose message is in the store after it.
 */
async function execute(m: Models, events: EventPublisher | null, planned: Planned, cache?: SenderCache, logger?: Pick<Logger, 'warn'>) {
  const fresh = planned.all.filter((it) => !it.duplicate);
  const failed = new Set<Item>();
  if (fresh.length) {
    const docs = fresh.map((it) => inboundMessageDocument(it.msg, { _id: it._id, conversationId: it.conversation!._id, customerId: it.customerId! }, it.receivedAt));
    try {
      await m.messages.insertInboundMany(docs);
      fresh.forEach((it, k) => (it.message = docs[k]));
    } catch (err) {
      const writeErrors = bulkWriteErrors(err);
      const dupes: Item[] = [];
      fresh.forEach((it, k) => {
        const e = writeErrors?.get(k);
        if (!e && writeErrors) it.message = docs[k];
        else if (e && isDuplicateKey({ code: e.code, message: e.errmsg })) dupes.push(it);
        else {
          failed.add(it);
          it.failure = e ? new Error(e.errmsg ?? `write error ${e.code}`) : err;
        }
      });
      await readBackDuplicates(m, dupes, failed);
    }
  }

  const done = planned.all.filter((it) => !failed.has(it) && it.message);
  const touched = await touchConversations(m, done);
  // Events: once per new message, in arrival order, with the conversation as updated here; sent before the metric
  // facts are written, which agents need not wait for (a failure there retries the jobs, and a retried message is a
  // duplicate, never announced twice).
  if (events) {
    const announced = new Set<string>();
    for (const it of done) {
      if (it.duplicate) continue;
      const conv = touched.views.get(String(it.message!.conversationId));
      if (!conv) continue;
      const view = toConversationView(conv, it.customer?.name ?? undefined);
      events.conversation(view, Boolean(it.createdConversation) && !announced.has(view.id));
      announced.add(view.id);
      events.message(toMessageView(it.message!), view);
      // A visitor with a live session (web chat) sees their message reach the agents: delivered; and the widget
      // learns the conversation it is in again (a resolved one was just reopened).
      if (channelDescriptor(it.msg.channel).liveTyping) {
        events.toVisitor(it.msg.from.address, WidgetEvents.messageStatus, { id: String(it.message!._id), clientId: it.msg.providerId, status: 'delivered' });
        if (it.reopenedFrom || it.createdConversation) events.toVisitor(it.msg.from.address, WidgetEvents.conversationStatus, { status: view.status });
      }
    }
  }
  // The messages are stored and their conversations awake: a failure here must not fail (and retry) them.
  await recordReopens(m, events, done.filter((it) => it.reopenedFrom && !it.duplicate && touched.ok.has(it)), touched.views)
    .catch((err: unknown) => logger?.warn({ err }, 'reopened event or fact not recorded'));
  // Duplicates too: a retry after a crash records what the first attempt could not (facts are keyed).
  await recordMetricEvents(m, done.filter((it) => it.conversation && touched.ok.has(it)).flatMap((it) => {
    const conv = touched.views.get(String(it.conversation!._id)) ?? it.conversation!;
    return inboundFacts(conv, it.message!, Boolean(it.createdConversation) || opensConversation(conv, it.message!));
  }));
  // Search postings of every stored message (duplicates too, for the same reason). Idempotent by _id; if it fails,
  // the messages' jobs fail and their retries (duplicates by then) index them.
  const indexFailure = await indexMessages(m, done.filter((it) => touched.ok.has(it)).map((it) => it.message!)).then(() => null, (err: unknown) => err);
  // lastSeenAt is kept to the minute and only moves forward: a failed write is retried by a later message, so it
  // does not fail the messages' jobs.
  await planned.seenWrite.catch((err: unknown) => logger?.warn({ err }, 'lastSeenAt not updated; a later message retries it'));
  if (cache) {
    for (const it of done) {
      if (it.duplicate || !it.conversation || !touched.ok.has(it)) continue;
      cache.remember(it.identityKey, { customerId: it.customerId!, name: it.customer?.name ?? undefined, conversationId: it.conversation._id, lastSeenAt: it.customer?.lastSeenAt ?? undefined });
    }
  }
  return { stored: new Set(done), touched, indexFailure };
}

/** Messages a concurrent copy stored first: read back (they are duplicates; that copy announces them). */
async function readBackDuplicates(m: Models, dupes: Item[], failed: Set<Item>): Promise<void> {
  if (!dupes.length) return;
  try {
    const byId = new Map(present(await m.messages.byIds(dupes.map((d) => d._id))).map((d) => [String(d._id), d]));
    for (const it of dupes) {
      const d = byId.get(String(it._id));
      if (!d) failed.add(it);
      else Object.assign(it, { message: d, duplicate: true });
    }
    // The copy may have put it in another conversation than the one we picked.
    const moved = dupes.filter((it) => it.message && String(it.message.conversationId) !== String(it.conversation?._id));
    const convs = await conversationsByIds(m, moved.map((it) => it.message!.conversationId));
    for (const it of moved) it.conversation = convs.get(String(it.message!.conversationId));
  } catch (err) {
    for (const it of dupes) {
      failed.add(it);
      it.failure = err;
    }
  }
}

/**
 * Conversation timestamps for every stored message (new ones and duplicates, so a retry after a crash completes
 * them), one update per conversation with its latest message (`conversations.recordInbound`). `views` holds the
 * conversations as updated; `ok` the items whose update succeeded.
 */
async function touchConversations(m: Models, done: Item[]): Promise<{ ok: Set<Item>; views: Map<string, StoredConversation> }> {
  const views = new Map<string, StoredConversation>();
  const touchedAlready = done.filter((it) => it.conversation && it.conversation === it.touchedConversation);
  for (const it of touchedAlready) views.set(String(it.conversation!._id), it.conversation!);
  // (an item without a conversation: it vanished, nothing to touch)
  const pending = groupBy(done.filter((it) => it.conversation && !touchedAlready.includes(it)), (it) => String(it.conversation!._id));
  // One update per conversation, all in flight (bounded by the store layer), never one bulkWrite: FerretDB 1.24
  // holds a pool connection per statement of an update command until the command ends (docs/architecture.md).
  await Promise.all(
    [...pending].map(async ([key, list]) => {
      const times = list.map((it) => new Date(it.message!.createdAt).getTime());
      const last = list[times.indexOf(Math.max(...times))]!;
      const c = last.conversation!;
      const wake = c.status === 'pending' || c.status === 'snoozed';
      if (wake && !last.duplicate) last.reopenedFrom = c.status as 'pending' | 'snoozed';
      try {
        const updated = await m.conversations.recordInbound(c._id, { at: new Date(Math.max(...times)), earliest: new Date(Math.min(...times)), channel: last.msg.channel, preview: preview(last.msg.text), wake });
        if (updated) views.set(key, updated);
      } catch (err) {
        // its messages fail with this as the cause, and are retried (see ingestMessages)
        for (const it of list) it.failure = err;
      }
    }),
  );
  const ok = new Set(done.filter((it) => !it.conversation || views.has(String(it.conversation._id))));
  return { ok, views };
}

/** The driver's per-document errors of an unordered insert, by index; null when the error says nothing of them. */
function bulkWriteErrors(err: unknown): Map<number, { code?: number; errmsg?: string }> | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { writeErrors?: unknown };
  if (!Array.isArray(e.writeErrors) || e.writeErrors.length === 0) return null;
  type WriteError = { index: number; code?: number; errmsg?: string; err?: { index: number; code?: number; errmsg?: string } };
  return new Map((e.writeErrors as WriteError[]).map((w) => { const x = w.err ?? w; return [x.index, { code: x.code, errmsg: x.errmsg }]; }));
}

/** Conversations by `_id` (parallel lookups in the repository, never `$in`), each once, by id string. */
async function conversationsByIds(m: Models, ids: Types.ObjectId[]): Promise<Map<string, StoredConversation>> {
  return new Map(present(await m.conversations.byIds(dedupeIds(ids))).map((c) => [String(c._id), c]));
}

const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const list = out.get(key(x));
    if (list) list.push(x);
    else out.set(key(x), [x]);
  }
  return out;
}

function dedupeIds<T extends { toString(): string }>(ids: T[]): T[] {
  return [...new Map(ids.map((id) => [String(id), id])).values()];
}
