import { Types } from 'mongoose';
import { AgentEvents, Rooms } from '../../domain/events';
import { customerTerms } from '../../domain/search-terms';
import { inParallel, type BlobStore, type Models, type StoredAudit } from '../../store';
import { InboxError, oid } from '../conversations/inbox';
import { changeStatus, type ConversationEffects } from '../conversations/lifecycle';
import type { AgentRef } from '../conversations/replies';
import { customerRenamed } from '../conversations/customer-names';
import type { SenderInvalidator } from '../identity/merge';
import { unindexCustomer } from '../search/search-index';
import { eraseMessages } from './message-content';

/**
 * Erasing a customer (GDPR art. 17), admins only, after a confirmation: the admin types the phrase the preview
 * shows (the customer's name, or its id when it has none). What happens, in an order that a repeat completes
 * whatever a failed run left (every step is idempotent, and the steps that need the personal data run before the
 * data is removed):
 * 1. the customer's search postings are deleted (computed from its name and addresses, so first);
 * 2. its identities are deleted and every inbound worker forgets its sender cache: the next message from one of its
 *    addresses makes a new customer, never this one again;
 * 3. its unresolved conversations are resolved (no survey), like any resolve: routing load, SLA clocks, metric fact;
 * 4. every message of its thread loses its content (and its inbound job, kept a while in Redis, goes) (text, html, subject, files, addresses, email headers, the
 *    customer's name as author) and its search postings; queued replies are failed first; files that no other
 *    customer's message carries are deleted from GridFS;
 * 5. conversations lose their preview and custom attributes, CSAT surveys their comments (scores stay);
 * 6. audit entries about it have every personal value replaced; customers merged into it are anonymized too; the
 *    outgoing webhooks' delivery log keeps only the envelope of deliveries that name it; automation's event jobs and
 *    recent-events log lose the customer's message text;
 * 7. the customer document is anonymized (`erasedAt`): it leaves the directory and the name cache.
 * Conversations, message envelopes (times, channel, direction, author agent, delivery) and metric facts stay, so
 * reports keep their counts and durations; none of them holds personal data once the steps above ran. The erasure
 * is recorded in the audit trail with its counts and nothing of what was erased.
 */

export const ERASED = '[erased]';

export interface ErasurePreview {
  customerId: string;
  /** What the admin must type to confirm: the customer's name, or its id when it has none. */
  confirmPhrase: string;
  conversations: number;
  unresolved: number;
  identities: number;
  erasedAt: string | null;
}

export interface ErasureReport {
  customerId: string;
  conversationsClosed: number;
  messages: number;
  attachmentsRemoved: number;
  identitiesRemoved: number;
  mergedCustomers: number;
  auditId: string;
}

const confirmPhraseOf = (c: { _id: Types.ObjectId; name?: string | null }) => c.name?.trim() || String(c._id);
const comparable = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr');

async function erasable(m: Models, idRaw: string) {
  const customer = await m.customers.byId(oid(idRaw, 'customer id'));
  if (!customer) throw new InboxError('customer not found', 'not_found');
  if (customer.mergedInto) throw new InboxError(`this customer was merged into ${String(customer.mergedInto)}: erase that customer`, 'conflict');
  return customer;
}

/** What an erasure would touch, and the phrase that confirms it. */
export async function erasurePreview(m: Models, idRaw: string): Promise<ErasurePreview> {
  const customer = await erasable(m, idRaw);
  const [conversations, identities] = await Promise.all([m.conversations.ofCustomer(customer._id, Number.MAX_SAFE_INTEGER), m.identities.ofCustomer(customer._id)]);
  return {
    customerId: String(customer._id), confirmPhrase: confirmPhraseOf(customer), conversations: conversations.length,
    unresolved: conversations.filter((c) => c.status !== 'resolved').length, identities: identities.length,
    erasedAt: customer.erasedAt ? customer.erasedAt.toISOString() : null,
  };
}

/** Replaces every occurrence of one of `secrets` (case-insensitively) in every string, at any depth. */
export function redacted(value: unknown, secrets: string[]): unknown {
  const needles = [...new Set(secrets.map((s) => s.trim()).filter((s) => s.length >= 2))].sort((a, b) => b.length - a.length);
  const pattern = needles.length ? new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu') : null;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return pattern ? v.replace(pattern, ERASED) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Types.ObjectId)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** Names the customer had before a rename (audit entries keep them in `before`). */
const earlierNames = (entries: StoredAudit[]) =>
  entries.flatMap((e) => [(e.before as { name?: unknown }).name, (e.after as { name?: unknown }).name]).filter((n): n is string => typeof n === 'string' && n.length > 0);

/** Customers merged into this one (and not undone): their documents still hold the contact fields they had. */
const mergedSources = (entries: StoredAudit[]) =>
  entries.filter((e) => e.action === 'customer.merge' && !e.undoneAt).map((e) => (e.after as { mergedFrom?: string }).mergedFrom).filter((id): id is string => Boolean(id && Types.ObjectId.isValid(id)));

/** What an erasure reaches outside the store: inbound workers' sender caches, and finished inbound jobs in Redis. */
export interface ErasureReach {
  invalidate: SenderInvalidator;
  /** Removes the inbound jobs of these dedupe keys (their payload holds the message as received). */
  forgetInboundJobs(dedupeKeys: string[]): Promise<void>;
  /** Empties the logged webhook deliveries that name the customer (src/services/webhooks). */
  forgetWebhookDeliveries(customerId: string): Promise<void>;
  /**
   * Automation (src/services/automation): removes the jobs of these inbound messages' events and takes the text out
   * of the customer's events in the dry run's recent-events log.
   */
  forgetAutomationEvents(customerId: string, inboundMessageIds: string[]): Promise<void>;
}

/** Checks an admin's confirmation against the customer (the phrase the preview showed); throws what the admin sees. */
export async function confirmErasure(m: Models, idRaw: string, confirm: string): Promise<void> {
  const customer = await erasable(m, idRaw);
  if (comparable(confirm) !== comparable(confirmPhraseOf(customer))) throw new InboxError('the confirmation does not match the customer', 'invalid_input');
}

/** Erases a customer whose erasure was confirmed (confirmErasure): runs as a job (src/services/privacy/erasure-requests.ts). */
export async function eraseCustomer(fx: ConversationEffects, blobs: BlobStore, actor: AgentRef, idRaw: string, reach: ErasureReach): Promise<ErasureReport> {
  const m = fx.models;
  const customer = await erasable(m, idRaw);
  const id = customer._id;
  const now = new Date();
  const entries = await m.audit.allOfSubject(id);
  const sources = (await m.customers.byIds(mergedSources(entries))).filter((c): c is NonNullable<typeof c> => Boolean(c));
  const identities = await m.identities.ofCustomer(id);
  const names = [customer.name, ...earlierNames(entries), ...sources.map((s) => s.name)].filter((n): n is string => Boolean(n));
  const secrets = [...names, customer.email, customer.phone, customer.unverifiedEmail, ...sources.flatMap((s) => [s.email, s.phone]), ...identities.map((i) => i.address)]
    .filter((s): s is string => Boolean(s));

  // 1-2: unfindable, then unreachable by its addresses.
  await unindexCustomer(m, id, names.flatMap((n) => customerTerms({ name: n })));
  const removed = await m.identities.removeOfCustomer(id);
  await reach.invalidate();

  // 3: nothing stays open for an erased customer.
  const conversations = await m.conversations.ofCustomer(id, Number.MAX_SAFE_INTEGER);
  let closed = 0;
  for (const c of conversations.filter((x) => x.status !== 'resolved')) {
    await changeStatus(fx, actor, String(c._id), { status: 'resolved' }, { type: 'customer_erased', actor: actor.name }, { survey: false });
    closed++;
  }

  // 4: the thread, a week at a time.
  let messages = 0;
  let attachmentsRemoved = 0;
  for await (const week of m.messages.ofCustomerByWeek(id, customer.threadWeeks !== false)) {
    const inbound = week.filter((msg) => msg.direction === 'in');
    await reach.forgetInboundJobs(inbound.map((msg) => msg.dedupeKey));
    await reach.forgetAutomationEvents(String(id), inbound.map((msg) => String(msg._id)));
    const done = await eraseMessages(m, blobs, week, { mode: 'anonymize', at: now, owner: (msg) => msg.customerId.equals(id) });
    messages += done.messages;
    attachmentsRemoved += done.attachmentsRemoved;
  }

  // 5: what conversations and surveys show of the customer's words.
  await inParallel(conversations, async (c) => {
    await m.conversations.scrub(c._id);
    await m.csat.scrub(c._id);
  });

  // 6: the trail keeps who did what and when, not the customer's data; merged-in customers go the same way.
  await inParallel(entries, (e) => m.audit.redact(e._id, redacted({ subjectName: e.subjectName, summary: e.summary, before: e.before, after: e.after }, secrets) as never));
  await inParallel(sources, (s) => m.customers.anonymize(s._id, now));
  // The outgoing webhooks' delivery log (Redis, 7 days) holds the payloads sent about it.
  for (const c of [id, ...sources.map((s) => s._id)]) await reach.forgetWebhookDeliveries(String(c));

  // 7: the customer itself.
  await m.customers.anonymize(id, now);
  await customerRenamed(m, id, null);
  for (const s of sources) await customerRenamed(m, s._id, null);

  // Consoles that show its thread drop what they hold of it (the event names only the id).
  fx.events?.toRoom(Rooms.agents, AgentEvents.customerErased, { customerId: String(id) });

  const report = { customerId: String(id), conversationsClosed: closed, messages, attachmentsRemoved, identitiesRemoved: removed.length, mergedCustomers: sources.length };
  const auditId = await m.audit.record({
    action: 'customer.erased', actor: { id: actor.id, name: actor.name }, subjectType: 'customer', subjectId: id, subjectName: '',
    before: {}, after: { ...report, customerId: undefined },
    summary: `${actor.name}: customer.erased customer ${String(id)} (${messages} messages, ${conversations.length} conversations, ${attachmentsRemoved} files)`,
  });
  return { ...report, auditId: String(auditId) };
}
