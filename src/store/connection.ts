import mongoose from 'mongoose';

export type Db = mongoose.Connection;

/** One connection per process; models are registered on it so tests can open several databases side by side. */
export async function connectStore(uri: string): Promise<Db> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    // FerretDB has no retryable writes; MongoDB does, but we keep writes idempotent instead of relying on them.
    retryWrites: false,
    autoIndex: true,
  });
  await conn.asPromise();
  return conn;
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
