import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Scratch directories are named `kanal-mail-<pid>-<random>`, so a start can tell its own leftovers from live ones. */
const PREFIX = 'kanal-mail-';

/**
 * One mail's scratch directory under the spool dir: created on the first file, removed with everything in it.
 * Whatever happens to the mail (queued, refused, connection lost), its taker removes the workspace.
 */
export class MailWorkspace {
  private dir?: Promise<string>;
  private files = 0;
  constructor(private readonly base: string) {}

  async newFile(name: string): Promise<string> {
    this.dir ??= mkdtemp(path.join(this.base, `${PREFIX}${process.pid}-`));
    return path.join(await this.dir, `${++this.files}-${name}`);
  }

  async remove(): Promise<void> {
    const dir = await this.dir?.catch(() => undefined);
    this.dir = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * At start: the spool dir exists, and scratch directories left by a crash of this process' predecessor (same pid,
 * as in a container) or of a process that is gone are removed. Live processes' directories are left alone.
 */
export async function prepareSpoolDir(base: string): Promise<void> {
  await mkdir(base, { recursive: true });
  for (const name of await readdir(base)) {
    const pid = Number(/^kanal-mail-(\d+)-/.exec(name)?.[1]);
    if (pid && (pid === process.pid || !alive(pid))) await rm(path.join(base, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bytes read to their end and kept in memory or in a file, to be read again (several times) with `open()`. */
export interface Spooled {
  /** Bytes the source delivered, including any past `maxBytes` that were not kept. */
  size: number;
  /** The first `headBytes` bytes (for checks, excerpts and bounce detection without reading the file). */
  head: Buffer;
  onDisk: boolean;
  open(): Readable;
}

/**
 * Reads `source` to its end: up to `memoryBytes` in memory, past that everything goes to a file of `workspace`
 * (with backpressure, so a fast sender never fills memory). Bytes past `maxBytes` are counted, not kept.
 * `onChunk` sees every kept byte once, in order (hashing, structure checks).
 */
export async function spool(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer>,
  workspace: MailWorkspace,
  opts: { name: string; memoryBytes: number; headBytes: number; maxBytes?: number; onChunk?(chunk: Buffer): void },
): Promise<Spooled> {
  const memory: Buffer[] = [];
  const head: Buffer[] = [];
  let size = 0;
  let inMemory = 0;
  let headLength = 0;
  let file: WriteStream | undefined;
  let filePath: string | undefined;
  try {
    for await (const data of source) {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      const kept = opts.maxBytes === undefined ? chunk : chunk.subarray(0, Math.max(0, opts.maxBytes - size));
      size += chunk.length;
      if (!kept.length) continue;
      opts.onChunk?.(kept);
      if (headLength < opts.headBytes) {
        const part = Buffer.from(kept.subarray(0, opts.headBytes - headLength)); // a copy: never pins a whole chunk
        head.push(part);
        headLength += part.length;
      }
      if (!file && inMemory + kept.length <= opts.memoryBytes) {
        memory.push(kept);
        inMemory += kept.length;
        continue;
      }
      if (!file) {
        filePath = await workspace.newFile(opts.name);
        file = createWriteStream(filePath);
        for (const m of memory.splice(0)) await write(file, m);
      }
      await write(file, kept);
    }
    if (file) {
      file.end();
      await finished(file);
    }
  } catch (err) {
    file?.destroy();
    throw err;
  }
  return {
    size,
    head: Buffer.concat(head),
    onDisk: filePath !== undefined,
    open: () => (filePath ? createReadStream(filePath) : Readable.from(memory, { objectMode: false })),
  };
}

async function write(file: WriteStream, chunk: Buffer): Promise<void> {
  if (file.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => { file.off('drain', onDrain); reject(err); };
    const onDrain = () => { file.off('error', onError); resolve(); };
    file.once('drain', onDrain);
    file.once('error', onError);
  });
}
