import type { SlaPolicy } from '../../domain/sla';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { isDuplicateKey, onCustomerWritten, type Models, type StoredConversation, type StoredCustomer } from '../../store';
import { recordEvent } from '../conversations/replies';
import { toConversationView, toMessageView } from '../conversations/views';
import type { EventPublisher } from '../events';
import { loadSegments, segmentsOf } from './segments';

/**
 * What segments do to conversations: the rule of the first matching segment when a conversation opens, and the
 * view segments stamped on the conversation (`segments`, which the inbox index keys like labels, so a segment view
 * and its count stay Redis-served). Both evaluate only the segments that have a rule or a view, for one customer,
 * in one Redis pipeline: the cost per opening follows the number of those segments, never the customers.
 */

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * A conversation opened (or reopened): its opening write already carries the segments' views and rule
 * (`openingFields`, src/services/crm/segments.ts); this tells the agents, once per opening, which segment's rule set
 * its priority, team and SLA policy (a thread event and the realtime update). Runs in the inbound worker before the
 * SLA clocks and routing. Nothing to read unless the opening applied a rule (its ingest result says which).
 */
export async function announceOpeningRule(m: Models, events: EventPublisher | null, opening: { conversationId: string; messageId: string; ruleSegmentId?: string }): Promise<void> {
  if (!opening.ruleSegmentId) return; // the common case: no rule applied, nothing to read
  const { segments } = await loadSegments(m);
  const ruled = segments.find((s) => String(s._id) === opening.ruleSegmentId);
  const c = ruled?.rule ? await m.conversations.byId(opening.conversationId) : null;
  if (!c || !ruled?.rule || c.status === 'resolved') return;
  await announceRule(m, events, c, ruled.name, ruled.rule, opening.messageId);
}

/** The thread says why the conversation has its priority and team (once per opening: the event is keyed on it). */
async function announceRule(m: Models, events: EventPublisher | null, c: StoredConversation, name: string, rule: { priority?: number; teamId?: string; sla?: SlaPolicy }, openingMessageId: string) {
  const team = rule.teamId && String(c.teamId) === rule.teamId ? (await m.teams.byId(rule.teamId))?.name : undefined;
  let event;
  try {
    event = await recordEvent(m, c, { type: 'segment_rule', segment: name, priority: rule.priority, team, sla: !!rule.sla }, undefined, `event:segment-rule:${String(c._id)}:${openingMessageId}`);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return; // a retried job: recorded and announced already
  }
  if (!events) return;
  const view = toConversationView(c, (await m.customers.nameOf(c.customerId)) ?? undefined);
  events.conversation(view);
  events.message(toMessageView(event), view);
}

/**
 * A customer changed (a label, an attribute, the language ...): their unresolved conversation's view segments follow,
 * so it enters or leaves "VIP open" at once. Rules are not applied again (they apply when a conversation opens).
 */
export async function restampCustomer(m: Models, events: EventPublisher | null, customer: Pick<StoredCustomer, '_id' | 'openConversationId' | 'mergedInto'>): Promise<void> {
  if (!customer.openConversationId || customer.mergedInto) return;
  const { views: viewSegments, defs } = await loadSegments(m);
  if (!viewSegments.length) return; // stamps of removed view segments are harmless: no view reads them
  const c = await m.conversations.byId(customer.openConversationId);
  if (!c || c.status === 'resolved' || String(c.customerId) !== String(customer._id)) return;
  const views = (await segmentsOf(m, String(customer._id), viewSegments, defs)).map((s) => String(s._id));
  if (sameSet(views, c.segments)) return;
  const updated = await m.conversations.updateById(c._id, { $set: { segments: views } }, { status: { $ne: 'resolved' } });
  if (updated && events) events.conversation(toConversationView(updated, (await m.customers.nameOf(updated.customerId)) ?? undefined));
}

/**
 * Keeps view segments stamped as customers change, for every customer write through this connection's repository
 * (after the directory applied it: listeners run in order). A failure is logged, never fails the customer's write;
 * the next write or opening stamps again. Returns the removal.
 */
export function keepSegmentStamps(db: Connection, m: Models, events: EventPublisher | null, logger: Pick<Logger, 'warn'>): () => void {
  return onCustomerWritten(db, {
    written: (doc) => restampCustomer(m, events, doc).catch((err: unknown) => logger.warn({ err, customerId: String(doc._id) }, 'segment views of a customer not restamped')),
    seen: async () => {},
  });
}
