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

/**
 * A unique-key conflict. MongoDB reports E11000; FerretDB 1.24 on SQLite reports one from findOneAndUpdate as
 * code 1 with SQLite's "UNIQUE constraint failed" text, so race handling must recognise both.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: number; message?: string };
  return code === 11000 || /E11000|duplicate key|UNIQUE constraint failed/.test(message ?? '');
}
