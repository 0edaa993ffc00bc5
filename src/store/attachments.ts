import { Readable } from 'node:stream';
import { mongo, type Connection } from 'mongoose';
import { AttachmentTooLargeError } from '../domain/messages';

const { GridFSBucket, ObjectId } = mongo;

/**
 * Attachment bytes live in GridFS (bucket `attachments`): it works unchanged on MongoDB and FerretDB and, unlike a
 * local folder, every hub and worker process of a deployment sees the same files. Another backend (S3-compatible)
 * only has to implement this interface.
 */
export interface BlobStore {
  /**
   * Streams `data` in; rejects with AttachmentTooLargeError (and keeps nothing) once more than `maxBytes` arrived.
   * `typeOf` decides the stored content type from the first bytes (sniffing), before anything is written.
   */
  put(data: Buffer | Readable, meta: { name: string; typeOf(head: Buffer): string; maxBytes: number; uploadedBy?: string }): Promise<{ key: string; size: number; contentType: string }>;
  open(key: string): Promise<{ stream: Readable; name: string; contentType: string; size: number } | null>;
  /**
   * The stored file's name, type and size, without its bytes; `uploadedBy`: the agent who uploaded it for a reply
   * (absent for files customers sent).
   */
  describe(key: string): Promise<{ name: string; contentType: string; size: number; uploadedBy?: string } | null>;
  remove(key: string): Promise<void>;
}

export function gridFsBlobStore(db: Connection): BlobStore {
  // The driver instance mongoose holds (never a second client): `db.db` exists once the connection is open.
  const bucket = () => new GridFSBucket(db.db as never, { bucketName: 'attachments' });
  return {
    async put(data, { name, typeOf, maxBytes, uploadedBy }) {
      const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
      let upload: ReturnType<ReturnType<typeof bucket>['openUploadStream']> | undefined;
      let contentType = '';
      let size = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          // Opened at the first chunk, once the type is known (an empty input still gets a file).
          const open = (head: Buffer) => {
            contentType = typeOf(head);
            upload = bucket().openUploadStream(name, { metadata: { contentType, ...(uploadedBy ? { uploadedBy } : {}) } });
            upload.on('error', reject);
            upload.on('finish', () => resolve());
            return upload;
          };
          source.on('data', (chunk: Buffer) => {
            const up = upload ?? open(chunk);
            size += chunk.length;
            if (size > maxBytes) {
              source.destroy();
              reject(new AttachmentTooLargeError(maxBytes));
              return;
            }
            if (!up.write(chunk)) {
              source.pause();
              up.once('drain', () => source.resume());
            }
          });
          source.on('error', reject);
          source.on('end', () => (upload ?? open(Buffer.alloc(0))).end());
        });
      } catch (err) {
        await upload?.abort().catch(() => {});
        throw err;
      }
      return { key: String(upload!.id), size, contentType };
    },
    async describe(key) {
      if (!ObjectId.isValid(key)) return null;
      const [file] = await bucket().find({ _id: new ObjectId(key) }).limit(1).toArray();
      if (!file) return null;
      const meta = (file.metadata ?? {}) as { contentType?: string; uploadedBy?: string };
      return {
        name: file.filename, contentType: meta.contentType ?? 'application/octet-stream', size: file.length,
        ...(typeof meta.uploadedBy === 'string' ? { uploadedBy: meta.uploadedBy } : {}),
      };
    },
    async open(key) {
      const file = await this.describe(key);
      if (!file) return null;
      const { uploadedBy: _by, ...described } = file;
      return { ...described, stream: bucket().openDownloadStream(new ObjectId(key)) };
    },
    async remove(key) {
      if (!ObjectId.isValid(key)) return;
      // Already gone is what we wanted; any other failure (the store is down) is the caller's to log or retry.
      await bucket().delete(new ObjectId(key)).catch((err: unknown) => {
        if (!/file not found/i.test((err as Error).message)) throw err;
      });
    },
  };
}
