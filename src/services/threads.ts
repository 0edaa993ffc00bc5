import type { MessageView } from '../domain/views';
import type { Models } from '../store';
import { toMessageView } from './views';

/** What a web chat visitor may see of their thread: their messages and agent replies, never notes or events. */
export async function visitorHistory(m: Models, visitorId: string, opts: { before?: string; limit: number }): Promise<MessageView[]> {
  const identity = await m.Identity.findOne({ kind: 'webchat', address: visitorId }).lean();
  if (!identity) return [];
  const filter: Record<string, unknown> = { customerId: identity.customerId, kind: 'message' };
  if (opts.before) filter.createdAt = { $lt: new Date(opts.before) };
  const docs = await m.Message.find(filter).sort({ createdAt: -1, _id: -1 }).limit(opts.limit).lean();
  return docs.reverse().map(toMessageView);
}
