import { contactFieldOf, identityKindOf } from '../../domain/channels';
import type { InboundMessage } from '../../domain/messages';
import { parseRatingReply } from '../../domain/csat';
import { normalizeAddress } from '../identity/identity';
import { answerable, answerSurvey, type CsatContext } from './csat';

/**
 * SMS and WhatsApp surveys are answered by replying 1-5 (or a word: "çok iyi", "bad" ...). The inbound worker asks
 * this before ingesting: a reply that reads as a rating while the sender has a survey it can still answer (sent,
 * not expired, its conversation still resolved and no other conversation open) is the answer, not a new message
 * that would reopen the conversation. Anything else returns null and is ingested as usual.
 */
export async function answerFromReply(ctx: Pick<CsatContext, 'models' | 'events' | 'now'>, msg: InboundMessage): Promise<{ conversationId: string; score: number } | null> {
  // Only phone channels (SMS, WhatsApp) ask for a reply; the others carry the survey link.
  if (contactFieldOf(identityKindOf(msg.channel)) !== 'phone' || msg.attachments.length > 0) return null;
  const score = parseRatingReply(msg.text);
  if (score === null) return null;
  const m = ctx.models;
  const now = (ctx.now ?? (() => new Date()))();
  const candidates = (await m.csat.byReplyKey(`phone:${normalizeAddress('phone', msg.from.address)}`))
    .filter((d) => answerable(d, now).ok)
    .sort((a, b) => (b.askedAt?.getTime() ?? 0) - (a.askedAt?.getTime() ?? 0));
  const survey = candidates[0];
  if (!survey) return null;
  const [conversation, open] = await Promise.all([m.conversations.byId(survey._id), m.conversations.unresolvedOf(survey.customerId)]);
  if (!conversation || conversation.status !== 'resolved' || open) return null; // talking about something else now
  await answerSurvey(ctx, String(survey._id), { score, comment: msg.text && msg.text.trim() !== String(score) ? msg.text.trim() : undefined }, msg.channel);
  return { conversationId: String(survey._id), score };
}
