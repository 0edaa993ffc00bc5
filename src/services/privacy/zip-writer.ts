import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';
import { KanalError } from '../../domain/errors';

/**
 * A streamed ZIP archive (PKWARE APPNOTE 6.3: deflate, UTF-8 names, sizes and CRC in a data descriptor after each
 * entry), written to `out` entry by entry with backpressure, so an archive of any number of messages and files never
 * sits in memory. Node's zlib only: no zip library is a dependency of the project (archiver is only an optional
 * dependency of another package, not installed everywhere). No ZIP64: an archive stops with an error past 4 GiB or
 * 65,535 entries (docs/privacy.md), far beyond one customer's data at the attachment size limit.
 */
const LIMIT = 0xffffffff;
/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;

interface Entry { name: Buffer; crc: number; compressed: number; size: number; offset: number; time: number; date: number }

/** MS-DOS time and date of an instant (UTC, two-second resolution), as ZIP headers store them. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

export class ZipTooLargeError extends KanalError {
  constructor() {
    super('payload_too_large', 'the archive would exceed 4 GiB or 65,535 files');
  }
}

export class ZipWriter {
  private readonly entries: Entry[] = [];
  private offset = 0;

  constructor(private readonly out: Writable, private readonly at = new Date()) {}

  /** Writes bytes to the output, waiting while it is full; fails once the reader went away (a closed download). */
  private async write(chunk: Buffer): Promise<void> {
    if (this.out.destroyed || this.out.writableEnded) throw new KanalError('unavailable', 'the archive\'s reader went away');
    this.offset += chunk.length;
    if (this.offset > LIMIT) throw new ZipTooLargeError();
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = () => { this.out.off('close', closed); resolve(); };
        const closed = () => { this.out.off('drain', done); reject(new KanalError('unavailable', 'the archive\'s reader went away')); };
        this.out.once('drain', done);
        this.out.once('close', closed);
      });
    }
  }

  /** Adds one file: `content` is text, bytes, or a stream / iterable of them, deflated as it is read. */
  async add(path: string, content: string | Buffer | Readable | AsyncIterable<string | Buffer>): Promise<void> {
    if (this.entries.length >= 0xffff) throw new ZipTooLargeError();
    const name = Buffer.from(path, 'utf8');
    const { time, date } = dosDateTime(this.at);
    const entry: Entry = { name, crc: 0, compressed: 0, size: 0, offset: this.offset, time, date };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    // CRC and sizes (14-25) stay zero: the data descriptor carries them.
    header.writeUInt16LE(name.length, 26);
    await this.write(Buffer.concat([header, name]));

    const source = typeof content === 'string' || Buffer.isBuffer(content) ? Readable.from([Buffer.from(content)]) : content;
    const measured = async function* (chunks: AsyncIterable<string | Buffer>) {
      for await (const raw of chunks) {
        const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
        entry.crc = crc32(chunk, entry.crc);
        entry.size += chunk.length;
        if (entry.size > LIMIT) throw new ZipTooLargeError();
        yield chunk;
      }
    };
    const self = this;
    await pipeline(measured(source), createDeflateRaw(), async function* (compressed: AsyncIterable<Buffer>) {
      for await (const chunk of compressed) {
        entry.compressed += chunk.length;
        await self.write(chunk);
      }
    });

    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeUInt32LE(entry.compressed, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    await this.write(descriptor);
    this.entries.push(entry);
  }

  /** Writes the central directory and ends the output. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(VERSION, 4);
      h.writeUInt16LE(VERSION, 6);
      h.writeUInt16LE(FLAGS, 8);
      h.writeUInt16LE(DEFLATE, 10);
      h.writeUInt16LE(e.time, 12);
      h.writeUInt16LE(e.date, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      // Extra field, comment, disk number, attributes (30-41): zero.
      h.writeUInt32LE(e.offset, 42);
      await this.write(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
