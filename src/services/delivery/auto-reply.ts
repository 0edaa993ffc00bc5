import { Types } from 'mongoose';
import { isOpen, nextOpening } from '../../domain/business-hours';
import type { InboundMessage } from '../../domain/messages';
import { autoReplyText } from '../../domain/sla';
import { AUTO_REPLY_AUTHOR } from '../../domain/thread-events';
import { isDuplicateKey } from '../../store';
import { prepareOutbound } from './reply-channels';
import { identityKindOf, normalizeAddress } from '../identity/identity';
import type { SlaContext } from '../sla/sla';
import { effectiveSettings } from '../sla/sla-settings';
import { toConversationView, toMessageView } from '../conversations/views';
import { enqueueOutbound } from './outbound-queue';

/** Marks our automatic replies for the adapters (email sends `Auto-Submitted: auto-replied`, RFC 3834). */
export const AUTO_REPLY_HINT = 'autoReply';

/** Automatic mail (RFC 3834 Auto-Submitted, Precedence, out-of-office; marked by the email channel) is never answered. */
export const isAutomatic = (msg: InboundMessage) => Boolean(msg.email?.autoSubmitted) || msg.threadHints?.autoSubmitted === 'true';

/**
 * The out-of-hours reply to a new customer message: sent when the conversation's team (or the default) has a
 * calendar that is closed now and reply texts, at most once per conversation per closed period. The message's
 * dedupeKey names the conversation and the period's end (the next opening), so the unique key enforces "once"
 * across retries and worker processes. Authored by the system: not an agent response for SLA or metrics.
 */
export async function maybeAutoReply(
  ctx: SlaContext, msg: InboundMessage, conversationId: string,
): Promise<{ sent: false; reason: string } | { sent: true; messageId: string }> {
  if (isAutomatic(msg)) return { sent: false, reason: 'automatic message' };
  const m = ctx.models;
  const c = await m.conversations.byId(conversationId);
  if (!c) return { sent: false, reason: 'no conversation' };
  const settings = await effectiveSettings(m, c.teamId);
  if (!settings.hasCalendar || !settings.autoReply?.enabled) return { sent: false, reason: 'not configured' };
  const now = (ctx.now ?? (() => new Date()))();
  if (isOpen(settings.calendar, now)) return { sent: false, reason: 'open' };
  const customer = await m.customers.byId(c.customerId, ['language']);
  const text = autoReplyText(settings.autoReply, msg.channel, customer?.language ?? msg.language);
  if (!text) return { sent: false, reason: 'no text' };
  const periodEnd = nextOpening(settings.calendar, now)?.getTime() ?? 'never';

  const kind = identityKindOf(msg.channel);
  const to = normalizeAddress(kind, msg.from.address);
  // The channel's own additions (email threading headers); a channel that refuses it now gets no auto-reply.
  const prepared = await prepareOutbound(m, msg.channel, c, { address: to, now });
  if ('refused' in prepared) return { sent: false, reason: prepared.refused.en };
  let message;
  try {
    message = await m.messages.insert({
      _id: new Types.ObjectId(),
      conversationId: c._id,
      customerId: c.customerId,
      direction: 'out',
      kind: 'message',
      channel: msg.channel,
      author: { type: 'system', id: AUTO_REPLY_AUTHOR, name: 'Auto-reply' },
      text,
      dedupeKey: `autoreply:${conversationId}:${periodEnd}`,
      to,
      threadHints: { ...prepared.threadHints, [AUTO_REPLY_HINT]: 'true' },
      delivery: { status: 'queued', at: now, attempts: 0 },
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Sent before; if a crash came between storing and enqueueing, enqueue now (same job id: never twice).
    const earlier = await m.messages.byDedupeKey(`autoreply:${conversationId}:${periodEnd}`);
    if (earlier?.delivery?.status === 'queued') await enqueueOutbound(ctx.queues, String(earlier._id));
    return { sent: false, reason: 'already sent in this closed period' };
  }
  const messageId = String(message._id);
  await enqueueOutbound(ctx.queues, messageId);
  ctx.events?.message(toMessageView(message), toConversationView(c));
  return { sent: true, messageId };
}
