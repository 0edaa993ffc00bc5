import { createReadStream } from 'node:fs';
import path from 'node:path';
import { mongo, type Connection } from 'mongoose';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MongoStore: new (opts: { mongoose: unknown }) => RemoteAuthStore = require('wwebjs-mongo').MongoStore;

/** The store interface whatsapp-web.js's RemoteAuth calls (what wwebjs-mongo's MongoStore implements). */
export interface RemoteAuthStore {
  sessionExists(opts: { session: string }): Promise<boolean>;
  save(opts: { session: string }): Promise<void>;
  extract(opts: { session: string; path: string }): Promise<void>;
  delete(opts: { session: string }): Promise<void>;
}

/**
 * whatsapp-web.js sessions in GridFS (bucket `whatsapp-RemoteAuth-<account>`) through wwebjs-mongo, so a restarted
 * session process restores the pairing without a new QR scan. wwebjs-mongo's save() reads the zip from the working
 * directory while RemoteAuth writes it under its dataPath; save() here reads it from dataPath, the rest is the library's.
 */
export function remoteAuthStore(db: Connection, dataPath: string): RemoteAuthStore {
  const base = new MongoStore({ mongoose: { connection: db, mongo } });
  return {
    sessionExists: (o) => base.sessionExists(o),
    extract: (o) => base.extract(o),
    delete: (o) => base.delete(o),
    async save({ session }) {
      const bucket = new mongo.GridFSBucket(db.db as never, { bucketName: `whatsapp-${session}` });
      const filename = `${session}.zip`;
      await new Promise<void>((resolve, reject) => {
        createReadStream(path.join(dataPath, filename))
          .on('error', reject)
          .pipe(bucket.openUploadStream(filename))
          .on('error', reject)
          .on('finish', () => resolve());
      });
      // Keep only the newest copy (RemoteAuth saves again every backup interval).
      const copies = await bucket.find({ filename }).sort({ uploadDate: -1 }).toArray();
      for (const old of copies.slice(1)) await bucket.delete(old._id);
    },
  };
}
