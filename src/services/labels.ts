import type { ConversationView } from '../domain/views';
import type { Models } from '../store';
import type { EventPublisher } from './events';
import { InboxError, oid } from './inbox';
import { toConversationView } from './views';

export const MAX_LABELS = 30;

/** One spelling per label: trimmed, inner spaces collapsed, lowercased the Turkish way (İ -> i, I -> ı). */
export const normalizeLabel = (label: string) => label.trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr-TR');

/**
 * Adds and removes labels on a conversation. Two single-document updates ($addToSet, then $pullAll), each atomic,
 * so concurrent edits by two agents never lose each other's labels (no read-modify-write).
 */
export async function changeLabels(
  m: Models,
  events: EventPublisher | null,
  id: string,
  input: { add?: string[]; remove?: string[] },
): Promise<ConversationView> {
  const _id = oid(id);
  const add = [...new Set((input.add ?? []).map(normalizeLabel).filter(Boolean))];
  const remove = [...new Set((input.remove ?? []).map(normalizeLabel).filter(Boolean))];
  const current = await m.Conversation.findById(_id, { labels: 1 }).lean();
  if (!current) throw new InboxError('conversation not found', 404);
  const after = new Set([...(current.labels ?? []), ...add]);
  if (after.size > MAX_LABELS) throw new InboxError(`at most ${MAX_LABELS} labels per conversation`, 400);
  if (add.length) await m.Conversation.updateOne({ _id }, { $addToSet: { labels: { $each: add } } });
  if (remove.length) await m.Conversation.updateOne({ _id }, { $pullAll: { labels: remove } });
  const updated = await m.Conversation.findById(_id).lean();
  if (!updated) throw new InboxError('conversation not found', 404);
  const customer = await m.Customer.findById(updated.customerId, { name: 1 }).lean();
  const view = toConversationView(updated, customer?.name ?? undefined);
  events?.conversation(view);
  return view;
}
