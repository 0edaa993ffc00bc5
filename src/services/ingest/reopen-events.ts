import { isDuplicateKey, type Models, type StoredConversation, type StoredMessage } from '../../store';
import { recordEvent } from '../conversations/replies';
import { toConversationView, toMessageView } from '../conversations/views';
import type { EventPublisher } from '../events';
import { recordMetricEvents, reopenedFacts } from '../metrics/metrics';

export type ReopenedFrom = 'pending' | 'snoozed' | 'resolved';

/**
 * A customer message that reopened its conversation: a "reopened" event in the thread, so agents see why a
 * conversation they set aside is back, and a `reopened` metric fact. Both are keyed on the message, so a retried
 * job writes neither twice; the event is announced only when this call stored it.
 */
export async function recordReopens(
  m: Models,
  events: EventPublisher | null,
  items: { message?: StoredMessage; reopenedFrom?: ReopenedFrom; conversation?: StoredConversation; customer?: { name?: string | null } }[],
  updated: Map<string, StoredConversation>,
): Promise<void> {
  for (const it of items) {
    const msg = it.message!;
    const conv = updated.get(String(msg.conversationId)) ?? it.conversation!;
    let event: StoredMessage | null = null;
    try {
      event = await recordEvent(m, conv, { type: 'reopened', from: it.reopenedFrom! }, undefined, `event:reopened:${String(msg._id)}`);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (event && events) events.message(toMessageView(event), toConversationView(conv, it.customer?.name ?? undefined));
    await recordMetricEvents(m, reopenedFacts(conv, msg, it.reopenedFrom));
  }
}
