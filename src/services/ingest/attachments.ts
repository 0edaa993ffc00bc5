import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Attachment } from '../../domain/messages';
import type { Models } from '../../store';
import type { BlobStore } from '../../store/attachments';
import { messageIdFor } from './inbound-writes';

/** Magic numbers of the types we let a browser render inline; everything else is served as a download. */
const signatures: Array<{ type: string; bytes: number[]; offset?: number }> = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'audio/ogg', bytes: [0x4f, 0x67, 0x67, 0x53] },
  { type: 'audio/amr', bytes: [0x23, 0x21, 0x41, 0x4d, 0x52] },
  { type: 'audio/mpeg', bytes: [0x49, 0x44, 0x33] },
];

/**
 * The content type from the bytes, not from what the sender claimed: a file claiming image/png but holding HTML
 * must never be served as an image (or as HTML). Unknown binaries fall back to the claim only for harmless
 * families (office documents, plain text), else application/octet-stream.
 */
export function sniffContentType(head: Buffer, claimed: string): string {
  for (const sig of signatures) {
    const at = sig.offset ?? 0;
    if (head.length >= at + sig.bytes.length && sig.bytes.every((b, i) => head[at + i] === b)) return sig.type;
  }
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return claimed.startsWith('audio/') ? claimed : 'video/mp4';
  // A media type is at most 127 characters (RFC 6838); a longer claim is no type at all.
  const claim = claimed.length > 255 ? '' : claimed.toLowerCase().split(';')[0]!.trim();
  if (claim.length > 127) return 'application/octet-stream';
  if (claim === 'text/plain' || claim === 'text/csv' || claim === 'text/calendar') return claim;
  if (claim.startsWith('application/vnd.') || claim === 'application/msword') return claim;
  return 'application/octet-stream';
}

export const attachmentUrl = (key: string) => `/api/attachments/${key}`;

/** Stores one attachment (size-limited, type sniffed) and returns its record for a message. */
export async function storeAttachment(
  blobs: BlobStore,
  input: { name: string; contentType?: string; data: Buffer | Readable; uploadedBy?: string },
  maxBytes: number,
): Promise<Attachment> {
  const name = (input.name || 'attachment').replace(/[\r\n"\\/]/g, '_').slice(0, 255);
  const claimed = input.contentType || 'application/octet-stream';
  const { key, size, contentType } = await blobs.put(input.data, { name, typeOf: (head) => sniffContentType(head, claimed), maxBytes, uploadedBy: input.uploadedBy });
  return { name, contentType, size, storageKey: key, url: attachmentUrl(key) };
}

/**
 * Removes stored attachment files (those of a message that will not be stored). Never throws: it runs on the way out
 * of a failure, whose own error matters more; a file it could not remove is logged (an orphan to clean up).
 */
export async function discardAttachments(blobs: BlobStore, attachments: readonly Pick<Attachment, 'storageKey'>[], logger?: Pick<Logger, 'warn'>): Promise<void> {
  await Promise.all(attachments.map(async ({ storageKey }) => {
    if (!storageKey) return;
    await blobs.remove(storageKey).catch((err: unknown) => logger?.warn({ err, storageKey }, 'attachment file of an unstored message not removed'));
  }));
}

/**
 * After an inbound job: removes the files of its message that the stored message (by dedupeKey) does not hold. A
 * redelivery stored its own copies before it turned out to be a duplicate, and a job that failed for good stored
 * nothing; either way its files would be left behind with nothing pointing at them. Returns how many went.
 */
export async function releaseUnstoredAttachments(m: Models, blobs: BlobStore, msg: { dedupeKey: string; attachments?: readonly Attachment[] }, logger?: Pick<Logger, 'warn'>): Promise<number> {
  const keys = (msg.attachments ?? []).flatMap((a) => (a.storageKey ? [a.storageKey] : []));
  if (!keys.length) return 0;
  const stored = await m.messages.byId(messageIdFor(msg.dedupeKey));
  const kept = new Set((stored?.attachments ?? []).map((a) => a.storageKey));
  const orphans = keys.filter((k) => !kept.has(k));
  await discardAttachments(blobs, orphans.map((storageKey) => ({ storageKey })), logger);
  return orphans.length;
}
