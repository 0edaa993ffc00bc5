import type { Readable } from 'node:stream';
import { MailParser, type Attachment, type AttachmentStream, type MessageText, type ParsedMail } from 'mailparser';
import { PARSER_OPTIONS } from './normalize';
import { spool, type MailWorkspace, type Spooled } from './spool';
import { KanalError } from '../../src/domain/errors';

/** The parser refused the bytes (the mail goes to quarantine); any other rejection is an infrastructure error. */
export class MalformedMailError extends KanalError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** How much of a part spooled to disk stays in `mail.attachments[i].content` (bounce detection reads headers only). */
const PART_HEAD_BYTES = 64 * 1024;

export interface ParsedRawMail {
  /**
   * As simpleParser returns it, except that an attachment spooled to disk has only its first bytes in `content`;
   * its whole bytes are `parts[i]`.
   */
  mail: ParsedMail;
  /** The attachments' bytes, in the order of `mail.attachments`. */
  parts: Spooled[];
}

/**
 * mailparser over a stream, like simpleParser, but each attachment's content streams into `workspace` past
 * `memoryBytes` instead of into one Buffer: a 25 MB attachment costs a file, not 25 MB of heap (plus its base64).
 */
export function parseMail(source: Readable, workspace: MailWorkspace, memoryBytes: number): Promise<ParsedRawMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(PARSER_OPTIONS);
    const mail = { attachments: [] as Attachment[] } as ParsedMail;
    const parts: Spooled[] = [];
    let settled = false;
    let current: AttachmentStream | undefined; // the attachment being spooled
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      current?.content.destroy(err); // its spool rejects and closes its file
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
      reject(err);
    };
    parser.on('error', (err: Error) => fail(new MalformedMailError(err.message)));
    source.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headers = headers;
      mail.headerLines = parser.headerLines || [];
    });

    let reading = false;
    const read = () => {
      reading = true;
      for (;;) {
        if (settled) return;
        const data = parser.read() as MessageText | AttachmentStream | null;
        if (data === null) { reading = false; return; }
        if (data.type === 'text') {
          for (const key of ['text', 'html', 'textAsHtml', 'textConversionError'] as const) if (key in data) (mail as unknown as Record<string, unknown>)[key] = data[key];
          continue;
        }
        // One attachment at a time: the parser waits for release(), so the next part is not decoded meanwhile.
        const attachment = data;
        current = attachment;
        spool(attachment.content, workspace, { name: 'part', memoryBytes, headBytes: PART_HEAD_BYTES }).then((bytes) => {
          current = undefined;
          parts.push(bytes);
          mail.attachments.push({ ...attachment, content: bytes.head, size: bytes.size, checksum: attachment.checksum ?? '', release: null });
          attachment.release?.();
          read();
        }, fail);
        return;
      }
    };
    parser.on('readable', () => { if (!reading) read(); });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      // The header fields simpleParser sets, from the parsed headers.
      const fields = ['subject', 'references', 'date', 'to', 'from', 'cc', 'bcc', 'message-id', 'in-reply-to', 'reply-to'];
      for (const key of fields) {
        if (mail.headers?.has(key)) (mail as unknown as Record<string, unknown>)[key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = mail.headers.get(key);
      }
      mail.headers ??= new Map();
      resolve({ mail, parts });
    });
    source.pipe(parser);
  });
}
