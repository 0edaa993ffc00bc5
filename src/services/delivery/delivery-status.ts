import type { DeliveryReport } from '../../domain/messages';
import type { DeliveryStatus } from '../../domain/views';
import type { Models } from '../../store';
import type { EventPublisher } from '../events';
import { publishMessageUpdate } from './delivery';

/** Provider receipts arrive out of order (a "sent" callback after "delivered"): a status only ever moves forward. */
const earlier: Record<DeliveryReport['status'], DeliveryStatus[]> = {
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  read: ['queued', 'sent', 'delivered'],
  // A bounce or an "undelivered" receipt can come after the relay accepted (sent) or even after "delivered"
  // (email DSNs do); only a read message stays read.
  failed: ['queued', 'sent', 'delivered'],
};

/**
 * Applies a provider's delivery receipt to our outbound message. Returns 'updated', 'stale' (the message is
 * already at that status or further) or 'unknown' (no outbound message with that provider id on that channel).
 */
export async function applyDeliveryReport(m: Models, events: EventPublisher | null, report: DeliveryReport): Promise<'updated' | 'stale' | 'unknown'> {
  const error = report.status === 'failed' ? (report.error ?? 'delivery failed').slice(0, 500) : null;
  const updated = await m.messages.recordDeliveryStatus(report, earlier[report.status], { status: report.status, at: report.at ?? new Date(), error });
  if (updated) {
    await publishMessageUpdate(m, events, updated);
    return 'updated';
  }
  return (await m.messages.hasOutbound(report.providerId, report.channel)) ? 'stale' : 'unknown';
}
