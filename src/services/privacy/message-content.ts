import { inParallel, type BlobStore, type Models, type StoredMessage } from '../../store';
import { unindexMessages } from '../search/search-index';

/**
 * Removes the content of stored messages (customer erasure, retention): queued replies are failed first (nothing
 * goes out with an emptied text), search postings are deleted while the text is still there, files are deleted from
 * GridFS unless a message outside what is being erased carries the same file (an agent's upload sent to several
 * customers), then each message is emptied (`anonymize`: the envelope stays, with `erasedAt`) or deleted.
 * Idempotent: messages already emptied are skipped.
 */
export async function eraseMessages(
  m: Models,
  blobs: BlobStore,
  messages: StoredMessage[],
  opts: { mode: 'anonymize' | 'delete'; at: Date; owner: (msg: StoredMessage) => boolean },
): Promise<{ messages: number; attachmentsRemoved: number }> {
  const todo = opts.mode === 'delete' ? messages : messages.filter((d) => !d.erasedAt || d.text || d.attachments?.length || d.html || d.subject);
  if (!todo.length) return { messages: 0, attachmentsRemoved: 0 };
  await inParallel(todo.filter((d) => d.direction === 'out' && d.delivery?.status === 'queued'), (d) => m.messages.markFailed(d._id, 'not sent: the customer\'s data was erased'));
  await unindexMessages(m, todo);
  const keys = [...new Set(todo.flatMap((d) => (d.attachments ?? []).flatMap((a) => (a.storageKey ? [a.storageKey] : []))))];
  let attachmentsRemoved = 0;
  await inParallel(keys, async (key) => {
    const carriers = await m.messages.withAttachment(key);
    if (carriers.some((c) => !opts.owner(c))) return;
    await blobs.remove(key);
    attachmentsRemoved++;
  }, 4);
  if (opts.mode === 'delete') await inParallel(todo, (d) => m.messages.deleteById(d));
  else await inParallel(todo, (d) => m.messages.eraseContent(d, opts.at));
  return { messages: todo.length, attachmentsRemoved };
}
