import { simpleParser, type ParsedMail } from 'mailparser';
import { AttachmentTooLargeError } from '../../src/domain/messages';
import type { IngressContext } from '../types';
import { detectBounce } from './bounce';
import type { EmailSettings } from './settings';
import { normalizeMail, PARSER_OPTIONS, UnusableMailError, type StoredPart } from './normalize';

/** Limits against hostile input, checked on the raw bytes before anything is parsed. */
export const LIMITS = {
  headerBytes: 256 * 1024,
  mimeParts: 500,
  nestingDepth: 16,
};

export type IntakeOutcome = 'queued' | 'bounce' | 'quarantined';

export type IntakeContext = Pick<IngressContext, 'enqueueInbound' | 'storeAttachment' | 'reportDelivery' | 'quarantine' | 'logger'>;

/**
 * One raw mail from either intake (SMTP listener, IMAP poller): checked, parsed, classified (bounce, customer mail,
 * unusable) and handed on. Resolves once the message is queued (or the bounce applied, or the mail quarantined);
 * rejects with AttachmentTooLargeError (the SMTP intake answers 552) or on an infrastructure error (answer 451,
 * IMAP leaves the mail unflagged for the next poll). Never crashes on content.
 */
export async function takeMail(ctx: IntakeContext, settings: EmailSettings, raw: Buffer, meta: { source: 'smtp' | 'imap'; envelopeTo?: string[] }): Promise<IntakeOutcome> {
  const problem = rawProblem(raw);
  if (problem) return quarantine(ctx, meta.source, raw, problem);

  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, PARSER_OPTIONS);
  } catch (err) {
    return quarantine(ctx, meta.source, raw, `malformed MIME: ${(err as Error).message}`);
  }

  const bounce = detectBounce(mail, raw);
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
  for (const a of mail.attachments ?? []) {
    const stored = await ctx.storeAttachment({ name: a.filename ?? defaultName(a.contentType), contentType: a.contentType, data: a.content });
    parts.push({ attachment: stored, cid: a.contentId ?? a.cid ?? undefined });
  }
  try {
    const message = normalizeMail(mail, { raw, attachments: parts, envelopeTo: meta.envelopeTo, tokenSecret: settings.tokenSecret });
    await ctx.enqueueInbound(message);
    return 'queued';
  } catch (err) {
    if (err instanceof UnusableMailError || (err as Error).name === 'ZodError') return quarantine(ctx, meta.source, raw, `unusable mail: ${(err as Error).message.slice(0, 300)}`, mail);
    throw err;
  }
}

/** Oversized header block, too many MIME parts or too deep nesting: a parser must never see these. */
export function rawProblem(raw: Buffer): string | undefined {
  const head = raw.subarray(0, LIMITS.headerBytes + 4).toString('latin1');
  if (!/\r?\n\r?\n/.test(head) && raw.length > LIMITS.headerBytes) return `header block larger than ${LIMITS.headerBytes} bytes`;
  const text = raw.toString('latin1');
  const parts = text.match(/^content-type:/gim)?.length ?? 0;
  if (parts > LIMITS.mimeParts) return `too many MIME parts (${parts} > ${LIMITS.mimeParts})`;
  const boundaries = new Set([...text.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]));
  if (boundaries.size > LIMITS.nestingDepth) return `MIME nesting too deep (${boundaries.size} multipart levels > ${LIMITS.nestingDepth})`;
  return undefined;
}

async function quarantine(ctx: IntakeContext, source: 'smtp' | 'imap', raw: Buffer, reason: string, mail?: ParsedMail): Promise<IntakeOutcome> {
  const from = mail?.from?.value[0]?.address ?? /^from:\s*(.{0,300})/im.exec(raw.subarray(0, 16384).toString('latin1'))?.[1]?.trim();
  ctx.logger.warn({ source, reason, from, size: raw.length }, 'email quarantined');
  if (!ctx.quarantine) throw new Error(`email quarantined but no quarantine store: ${reason}`);
  await ctx.quarantine({ channel: 'email', source, reason, from, subject: mail?.subject?.slice(0, 998), size: raw.length, excerpt: raw.subarray(0, 4096).toString('latin1') });
  return 'quarantined';
}

const defaultName = (contentType: string) => (contentType.startsWith('image/') ? `image.${contentType.slice(6).split(/[;+]/)[0]}` : 'attachment');

export { AttachmentTooLargeError };
