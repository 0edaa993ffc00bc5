import mongoose from 'mongoose';
import { nulGuard } from './nul-guard';

// Every schema's documents, updates and filters leave out U+0000, which PostgreSQL refuses (src/store/nul-guard.ts).
mongoose.plugin(nulGuard);

export type Db = mongoose.Connection;

export interface StoreOptions {
  /** The PostgreSQL database behind a local FerretDB; set only there (docs/operations.md, embedded-tuning.ts). */
  embeddedPostgresqlUrl?: string;
}

/**
 * Store commands one connection may have in flight. FerretDB 1.24 on PostgreSQL holds one pool connection per
 * statement of a command and its pool is small (40 here, scripts/services.mjs): more concurrent updates than that
 * (an ingest batch ran 120 upserts at once) deadlock the store for good. A hub and a worker process hold one
 * connection each, so together they stay well under the pool; the driver queues the rest. Eight saturate the
 * 2 cores of these machines on FerretDB and on MongoDB alike.
 */
export const STORE_MAX_IN_FLIGHT = 8;

const optionsOf = new WeakMap<Db, StoreOptions>();

/** One connection per process; models are registered on it so tests can open several databases side by side. */
export async function connectStore(uri: string, options: StoreOptions = {}): Promise<Db> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    // FerretDB has no retryable writes; MongoDB does, but we keep writes idempotent instead of relying on them.
    retryWrites: false,
    autoIndex: true,
    maxPoolSize: STORE_MAX_IN_FLIGHT,
  });
  await conn.asPromise();
  optionsOf.set(conn, options);
  return conn;
}

export const storeOptions = (db: Db): StoreOptions => optionsOf.get(db) ?? {};

/**
 * A unique-key conflict. MongoDB reports E11000; FerretDB 1.24 on SQLite reports one from findOneAndUpdate as
 * code 1 with SQLite's "UNIQUE constraint failed" text, so race handling must recognise both.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: number; message?: string };
  return code === 11000 || /E11000|duplicate key|UNIQUE constraint failed/.test(message ?? '');
}
