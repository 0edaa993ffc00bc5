/** Limits against hostile input, checked on the raw bytes before anything is parsed. */
export const LIMITS = {
  headerBytes: 256 * 1024,
  mimeParts: 500,
  nestingDepth: 16,
};

/** Longest text one match can span ('boundary="' + a value of at most 200 characters): windows overlap by more. */
const OVERLAP = 512;

/**
 * The structure checks of a raw mail, fed chunk by chunk as it arrives, so a mail is never held whole for them:
 * Content-Type lines (MIME parts) and distinct boundary values (nesting) are counted over windows of the stream
 * that overlap by more than one match, each match counted in the window where it starts.
 */
export class MimeStructureCheck {
  private tail = '\n'; // the stream starts at a line start
  private parts = 0;
  private readonly boundaries = new Set<string>();

  push(chunk: Buffer): void {
    this.scan(this.tail + chunk.toString('latin1'), false);
  }

  /** After the last chunk: the problem that keeps this mail from any parser, if any. */
  problem(size: number, head: Buffer): string | undefined {
    this.scan(this.tail, true);
    const headText = head.subarray(0, LIMITS.headerBytes + 4).toString('latin1');
    if (!/\r?\n\r?\n/.test(headText) && size > LIMITS.headerBytes) return `header block larger than ${LIMITS.headerBytes} bytes`;
    if (this.parts > LIMITS.mimeParts) return `too many MIME parts (${this.parts} > ${LIMITS.mimeParts})`;
    if (this.boundaries.size > LIMITS.nestingDepth) return `MIME nesting too deep (${this.boundaries.size} multipart levels > ${LIMITS.nestingDepth})`;
    return undefined;
  }

  private scan(text: string, final: boolean): void {
    const cut = final ? text.length : Math.max(0, text.length - OVERLAP);
    for (const m of text.matchAll(/\ncontent-type:/gi)) if (m.index < cut) this.parts++;
    for (const m of text.matchAll(/boundary="?([^";\r\n]{1,200})/gi)) {
      if (m.index < cut && this.boundaries.size < 1000) this.boundaries.add(m[1]!); // bounded: far past the limit
    }
    this.tail = text.slice(cut);
  }
}

/** Oversized header block, too many MIME parts or too deep nesting: a parser must never see these. */
export function rawProblem(raw: Buffer): string | undefined {
  const check = new MimeStructureCheck();
  check.push(raw);
  return check.problem(raw.length, raw);
}
