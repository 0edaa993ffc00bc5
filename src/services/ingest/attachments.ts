import type { Readable } from 'node:stream';
import type { Attachment } from '../../domain/messages';
import type { BlobStore } from '../../store/attachments';

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
  const claim = claimed.toLowerCase().split(';')[0]!.trim();
  if (claim === 'text/plain' || claim === 'text/csv' || claim === 'text/calendar') return claim;
  if (claim.startsWith('application/vnd.') || claim === 'application/msword') return claim;
  return 'application/octet-stream';
}

/** Types a browser may show inline from our origin (images, PDF, audio); everything else is a download. */
export const inlineSafe = (contentType: string) => /^(image\/(png|jpeg|gif|webp)|application\/pdf|audio\/(ogg|mpeg|amr)|video\/mp4)$/.test(contentType);

export const attachmentUrl = (key: string) => `/api/attachments/${key}`;

/** Stores one attachment (size-limited, type sniffed) and returns its record for a message. */
export async function storeAttachment(
  blobs: BlobStore,
  input: { name: string; contentType?: string; data: Buffer | Readable },
  maxBytes: number,
): Promise<Attachment> {
  const name = (input.name || 'attachment').replace(/[\r\n"\\/]/g, '_').slice(0, 255);
  const claimed = input.contentType || 'application/octet-stream';
  const { key, size, contentType } = await blobs.put(input.data, { name, typeOf: (head) => sniffContentType(head, claimed), maxBytes });
  return { name, contentType, size, storageKey: key, url: attachmentUrl(key) };
}
