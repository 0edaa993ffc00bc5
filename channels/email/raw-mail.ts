import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LIMITS, MimeStructureCheck } from './mime-limits';
import { spool, type MailWorkspace } from './spool';

/** A raw mail as received: its checks done on the way in, its bytes in memory or spooled, readable again. */
export interface RawMail {
  size: number;
  /** sha256 (hex) of the bytes: the dedupe id of a mail without Message-ID. */
  sha256: string;
  /** The first bytes (header checks, quarantine excerpt, bounce detection). */
  head: Buffer;
  /** Why no parser may see it (hostile structure), if so. */
  problem?: string;
  /** Spooled to a file: a large mail. */
  onDisk: boolean;
  /** Where its large parts are spooled while it is taken; the taker removes it. */
  workspace: MailWorkspace;
  open(): Readable;
}

/**
 * Reads a raw mail to its end (an SMTP DATA stream), hashing and checking it on the way, into memory up to
 * `memoryBytes` and into a file of `workspace` past that. Past `maxBytes` nothing is kept (`exceeded`: answer 552).
 */
export async function receiveRawMail(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer>,
  workspace: MailWorkspace,
  opts: { memoryBytes: number; maxBytes?: number },
): Promise<RawMail & { exceeded: boolean }> {
  const hash = createHash('sha256');
  const check = new MimeStructureCheck();
  const spooled = await spool(source, workspace, {
    name: 'raw.eml', memoryBytes: opts.memoryBytes, maxBytes: opts.maxBytes, headBytes: LIMITS.headerBytes + 4,
    onChunk: (chunk) => { hash.update(chunk); check.push(chunk); },
  });
  return {
    ...spooled,
    sha256: hash.digest('hex'),
    problem: check.problem(spooled.size, spooled.head),
    workspace,
    exceeded: opts.maxBytes !== undefined && spooled.size > opts.maxBytes,
  };
}

/** A mail that is already in memory (an IMAP fetch). */
export function rawMailOf(raw: Buffer, workspace: MailWorkspace): Promise<RawMail> {
  return receiveRawMail([raw], workspace, { memoryBytes: Number.POSITIVE_INFINITY });
}
