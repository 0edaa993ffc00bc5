import type { ConversationView } from '../../domain/views';
import type { Models } from '../../store';
import type { EventPublisher } from '../events';
import { InboxError, oid } from './inbox';
import { toConversationView } from './views';
import { MAX_LABELS, normalizeLabel } from '../../domain/labels';

export { MAX_LABELS, normalizeLabel } from '../../domain/labels';

/**
 * Adds and removes labels on a conversation. Two single-document updates ($addToSet, then $pullAll), each atomic
 * (on FerretDB through the store's revision guard, src/store/revisions.ts), so concurrent edits by two agents never
 * lose each other's labels (no read-modify-write here).
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
  const current = await m.conversations.byId(_id);
  if (!current) throw new InboxError('conversation not found', 'not_found');
  const after = new Set([...(current.labels ?? []), ...add]);
  if (after.size > MAX_LABELS) throw new InboxError(`at most ${MAX_LABELS} labels per conversation`, 'invalid_input');
  let updated: typeof current | null = current;
  if (add.length) updated = await m.conversations.updateById(_id, { $addToSet: { labels: { $each: add } } });
  if (remove.length) updated = await m.conversations.updateById(_id, { $pullAll: { labels: remove } });
  if (!updated) throw new InboxError('conversation not found', 'not_found');
  const view = toConversationView(updated, await m.customers.nameOf(updated.customerId));
  events?.conversation(view);
  return view;
}
