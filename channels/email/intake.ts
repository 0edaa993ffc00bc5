import { Readable } from 'node:stream';
import type { ParsedMail } from 'mailparser';
import { InvalidInboundError } from '../../src/domain/inbound-schema';
import { AttachmentTooLargeError, type InboundMessageInput } from '../../src/domain/messages';
import type { IngressContext } from '../types';
import { detectBounce } from './bounce';
import type { EmailSettings } from './settings';
import { normalizeMail, UnusableMailError, type StoredPart } from './normalize';
import { MalformedMailError, parseMail, type ParsedRawMail } from './parse';
import type { RawMail } from './raw-mail';
import { repairRawMail } from './mime-repair';

export { LIMITS, rawProblem } from './mime-limits';

export type IntakeOutcome = 'queued' | 'bounce' | 'quarantined';

export type IntakeContext = Pick<IngressContext, 'enqueueInbound' | 'discardAttachments' | 'storeAttachment' | 'reportDelivery' | 'quarantine' | 'logger'>;

/**
 * One raw mail from either intake (SMTP listener, IMAP poller), received and checked (raw-mail.ts): parsed,
 * classified (bounce, customer mail, unusable) and handed on. Resolves once the message is queued (or the bounce
 * applied, or the mail quarantined); rejects with AttachmentTooLargeError (the SMTP intake answers 552) or on an
 * infrastructure error (answer 451, IMAP leaves the mail unflagged for the next poll). Never crashes on content.
 * Attachments stream from the spool into the store: a large mail is never held whole in memory.
 */
/**
 * What the parser reads: a mail held in memory (all but large ones) repaired first (mime-repair.ts: 8-bit bytes in
 * encoded-words, unlabelled 8-bit headers, UTF-7, charsets only in `<meta>`, parameters without `;`); a spooled
 * large mail as it came (the repair works on whole bytes).
 */
async function parserInput(raw: RawMail): Promise<Readable> {
  if (raw.onDisk) return raw.open();
  const chunks: Buffer[] = [];
  for await (const chunk of raw.open()) chunks.push(Buffer.from(chunk as Buffer));
  return Readable.from([repairRawMail(Buffer.concat(chunks))]);
}

/**
 * The parse step of both intakes (and of the tests that read fixtures the way mail arrives): the raw mail through
 * the repair and the streaming parser, attachments past `memoryBytes` spooled into its workspace. Rejects with
 * MalformedMailError for bytes the parser refuses; any other rejection is the spool's (disk).
 */
export async function parseRawMail(raw: RawMail, memoryBytes: number): Promise<ParsedRawMail> {
  return parseMail(await parserInput(raw), raw.workspace, memoryBytes);
}

export async function takeMail(ctx: IntakeContext, settings: EmailSettings, raw: RawMail, meta: { source: 'smtp' | 'imap'; envelopeTo?: string[] }): Promise<IntakeOutcome> {
  if (raw.problem) return quarantine(ctx, meta.source, raw, raw.problem);

  let parsed: ParsedRawMail;
  try {
    parsed = await parseRawMail(raw, settings.spool.memoryBytes);
  } catch (err) {
    if (err instanceof MalformedMailError) return quarantine(ctx, meta.source, raw, `malformed MIME: ${err.message}`);
    throw err; // the spool failed (disk): try again later
  }
  const { mail } = parsed;

  const bounce = detectBounce(mail, raw.head);
  if (bounce) {
    for (const providerId of bounce.originalIds) {
      const result = await ctx.reportDelivery({ channel: 'email', providerId, status: 'failed', error: bounce.reason });
      if (result !== 'unknown') {
        ctx.logger.info({ providerId, result }, 'email bounce applied to our message');
        return 'bounce';
      }
    }
    return quarantine(ctx, meta.source, raw, 'bounce for a message we do not know', mail);
  }

  if (!mail.from?.value.some((a) => a.address?.includes('@'))) return quarantine(ctx, meta.source, raw, 'no From address', mail);

  const parts: StoredPart[] = [];
  let message: InboundMessageInput;
  try {
    for (const [i, a] of mail.attachments.entries()) {
      const stored = await ctx.storeAttachment({ name: a.filename ?? defaultName(a.contentType), contentType: a.contentType, data: parsed.parts[i]!.open() });
      parts.push({ attachment: stored, cid: a.contentId ?? a.cid ?? undefined });
    }
    message = normalizeMail(mail, { rawSha256: raw.sha256, attachments: parts, envelopeTo: meta.envelopeTo, tokenSecret: settings.tokenSecret });
  } catch (err) {
    // Not handed on: the parts stored so far would belong to nothing (the sender retries, or it is quarantined).
    await ctx.discardAttachments(parts.map((p) => p.attachment));
    if (err instanceof UnusableMailError) return quarantine(ctx, meta.source, raw, `unusable mail: ${err.message.slice(0, 300)}`, mail);
    throw err;
  }
  try {
    // Fitted there to the one inbound schema; from here the parts are enqueueInbound's (removed unless queued).
    await ctx.enqueueInbound(message);
    return 'queued';
  } catch (err) {
    if (err instanceof InvalidInboundError) return quarantine(ctx, meta.source, raw, `unusable mail: ${err.issues.slice(0, 300)}`, mail);
    throw err;
  }
}

async function quarantine(ctx: IntakeContext, source: 'smtp' | 'imap', raw: RawMail, reason: string, mail?: ParsedMail): Promise<IntakeOutcome> {
  const from = mail?.from?.value[0]?.address ?? /^from:\s*(.{0,300})/im.exec(raw.head.subarray(0, 16384).toString('latin1'))?.[1]?.trim();
  ctx.logger.warn({ source, reason, from, size: raw.size }, 'email quarantined');
  if (!ctx.quarantine) throw new Error(`email quarantined but no quarantine store: ${reason}`);
  await ctx.quarantine({ channel: 'email', source, reason, from, subject: mail?.subject?.slice(0, 998), size: raw.size, excerpt: raw.head.subarray(0, 4096).toString('latin1') });
  return 'quarantined';
}

const defaultName = (contentType: string) => (contentType.startsWith('image/') ? `image.${contentType.slice(6).split(/[;+]/)[0]}` : 'attachment');

export { AttachmentTooLargeError };
