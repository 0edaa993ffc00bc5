import { Types } from 'mongoose';
import { inParallel, type BlobStore, type Models, type StoredConversation } from '../../store';
import { InboxError, oid } from '../conversations/inbox';
import { teamAccessMode } from './team-access';
import { canSeeConversation, seesEverything, type Viewer } from './visibility';

/**
 * The team access checks of single resources (src/services/access/team-access.ts has the rule). What an agent may
 * not see answers exactly like what does not exist (404), so ids of other teams' conversations reveal nothing.
 */

/** The conversation, if the viewer may see it; else 404 as if it did not exist. */
export async function visibleConversation(m: Models, v: Viewer, id: string): Promise<StoredConversation> {
  const c = await m.conversations.byId(oid(id));
  if (!c || !canSeeConversation(v, c, await teamAccessMode(m))) throw new InboxError('conversation not found', 'not_found');
  return c;
}

/**
 * The ids of the customer's conversations the viewer may see (null: all of them, no restriction applies); 404 when
 * the viewer sees none of them (a restricted agent sees a customer through a conversation they may see).
 */
export async function visibleConversationsOf(m: Models, v: Viewer, customerId: string): Promise<ReadonlySet<string> | null> {
  const mode = await teamAccessMode(m);
  if (seesEverything(v, mode)) return null;
  const id = oid(customerId, 'customer id');
  const visible = (await m.conversations.ofCustomer(id)).filter((c) => canSeeConversation(v, c, mode));
  if (!visible.length) throw new InboxError('customer not found', 'not_found');
  return new Set(visible.map((c) => String(c._id)));
}

/** Refuses (404) a customer the viewer sees no conversation of. */
export async function checkCustomer(m: Models, v: Viewer, customerId: string): Promise<void> {
  await visibleConversationsOf(m, v, customerId);
}

/** Refuses (404) a message of a conversation the viewer may not see. */
export async function checkMessage(m: Models, v: Viewer, messageId: string): Promise<void> {
  const message = await m.messages.byId(oid(messageId));
  if (!message) throw new InboxError('message not found', 'not_found');
  const c = await m.conversations.byId(message.conversationId);
  if (!c || !canSeeConversation(v, c, await teamAccessMode(m))) throw new InboxError('message not found', 'not_found');
}

/** Refuses (404) an audit entry about a customer the viewer may not see. */
export async function checkAuditEntry(m: Models, v: Viewer, auditId: string): Promise<void> {
  const subject = await m.audit.subjectOf(oid(auditId, 'audit id'));
  if (!subject) throw new InboxError('audit entry not found', 'not_found');
  try {
    await checkCustomer(m, v, String(subject));
  } catch (e) {
    if (e instanceof InboxError) throw new InboxError('audit entry not found', 'not_found');
    throw e;
  }
}

/**
 * Whether the viewer may download a stored file: it is on a message of a conversation they may see, or they
 * uploaded it themselves (for a reply not sent yet). Supervisors and admins (and everyone in open mode) may.
 */
async function mayDownload(m: Models, v: Viewer, file: { uploadedBy?: string }, carriers: { conversationId: Types.ObjectId }[]): Promise<boolean> {
  const mode = await teamAccessMode(m);
  if (seesEverything(v, mode) || file.uploadedBy === v.id) return true;
  const conversations = await m.conversations.byIds([...new Set(carriers.map((c) => String(c.conversationId)))]);
  return conversations.some((c) => c !== null && canSeeConversation(v, c, mode));
}

/** Refuses (404) a file the viewer may not download (or that does not exist). */
export async function checkAttachment(m: Models, blobs: BlobStore, v: Viewer, key: string): Promise<void> {
  const file = Types.ObjectId.isValid(key) ? await blobs.describe(key) : null;
  if (!file || !(await mayDownload(m, v, file, await m.messages.withAttachment(key)))) throw new InboxError('attachment not found', 'not_found');
}

/**
 * The stored file, if the viewer may attach it to a reply in `conversation`: a file they may download, that no
 * other customer's message carries, and that, when no message carries it yet, they uploaded themselves. One
 * customer's file never goes out to another (whatever the access mode).
 */
export async function attachableFile(m: Models, blobs: BlobStore, v: Viewer, key: string, conversation: Pick<StoredConversation, 'customerId'>) {
  const file = await blobs.describe(key);
  if (!file) return null;
  const carriers = await m.messages.withAttachment(key);
  if (carriers.some((c) => !c.customerId.equals(conversation.customerId))) return null;
  if (!carriers.length && file.uploadedBy !== v.id) return null;
  if (!(await mayDownload(m, v, file, carriers))) return null;
  const { uploadedBy: _by, ...described } = file;
  return described;
}

/** The items (messages of a search page) whose conversation the viewer may see, in order. */
export async function visibleMessagesOf<T extends { conversationId: string }>(m: Models, v: Viewer, items: T[]): Promise<T[]> {
  const mode = await teamAccessMode(m);
  if (seesEverything(v, mode)) return items;
  const ids = [...new Set(items.map((i) => i.conversationId))];
  const conversations = await m.conversations.byIds(ids);
  const visible = new Set(ids.filter((_, k) => conversations[k] && canSeeConversation(v, conversations[k], mode)));
  return items.filter((i) => visible.has(i.conversationId));
}

/** The customers (of a search page) the viewer sees a conversation of, in order. */
export async function visibleCustomersOf<T extends { id: string }>(m: Models, v: Viewer, items: T[]): Promise<T[]> {
  const mode = await teamAccessMode(m);
  if (seesEverything(v, mode)) return items;
  const seen = await inParallel(items, async (c) => (await m.conversations.ofCustomer(new Types.ObjectId(c.id))).some((x) => canSeeConversation(v, x, mode)));
  return items.filter((_, k) => seen[k]);
}
