import type { Model } from 'mongoose';
import { KanalError } from '../domain/errors';

/**
 * Compare-and-set for every update of every document, so that concurrent updates of one document never lose one.
 *
 * FerretDB 1.24 applies an update by reading the document, changing it in its Go code and writing all of it back
 * (`UPDATE ... SET _jsonb = $1 WHERE _id = $2`), with no lock between the read and the write: two agents labelling
 * one conversation, or a customer message arriving while an agent assigns it, could silently undo one another, and a
 * conditional write ("assign if unassigned") could succeed for both. MongoDB applies each update atomically.
 *
 * Every update through a repository (mongoose queries, `doc.save()`, raw `model.collection` calls alike: they all
 * reach the collection object wrapped here) increments the document's `_rev`. On the embedded store a trigger on
 * every table (embedded-tuning.ts, REVISION_GUARD_SQL) refuses a write whose `_rev` is not above the stored one: the
 * write of the update that lost the race. Nothing of it was applied (the statement failed), so it is run again here:
 * re-read by FerretDB, its filter and guards evaluated on the current document. On MongoDB `_rev` only counts.
 */
export const REVISION_FIELD = '_rev';
/** The trigger's message; FerretDB passes it on inside its InternalError (code 1). */
export const REVISION_CONFLICT = 'kanal: concurrent update of one document';
const MAX_ATTEMPTS = 60;

type Update = Record<string, unknown>;
type Method = (...args: unknown[]) => Promise<unknown>;

const isConflict = (err: unknown) => typeof err === 'object' && err !== null && String((err as { message?: unknown }).message ?? '').includes(REVISION_CONFLICT);
const isOperatorUpdate = (u: unknown): u is Update => typeof u === 'object' && u !== null && !Array.isArray(u) && Object.keys(u).some((k) => k.startsWith('$'));
/** Applying it twice leaves the same document: safe to run again after a partial `updateMany`. */
const IDEMPOTENT = new Set(['$set', '$unset', '$setOnInsert', '$addToSet', '$pullAll', '$pull', '$max', '$min']);

/** The update with `_rev` incremented (and never set directly: a `$set` copied from a read document carries one). */
function bumped(update: Update): Update {
  const out: Update = { ...update };
  for (const op of ['$set', '$setOnInsert', '$unset'] as const) {
    const fields = out[op] as Update | undefined;
    if (fields && REVISION_FIELD in fields) {
      const { [REVISION_FIELD]: _dropped, ...rest } = fields;
      out[op] = rest;
    }
  }
  out.$inc = { ...((out.$inc as Update | undefined) ?? {}), [REVISION_FIELD]: 1 };
  return out;
}

/** A replacement built from a read document carries that `_rev`: one above it, so a change since then is refused. */
function bumpedReplacement(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || !(REVISION_FIELD in doc)) return doc;
  const rev = Number((doc as Update)[REVISION_FIELD]) || 0;
  return { ...(doc as Update), [REVISION_FIELD]: rev + 1 };
}

async function retried(run: () => Promise<unknown>, retryable: boolean): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        throw new KanalError('conflict', 'the record was changed by someone else at the same moment; try again', { retryable: true, cause: err });
      }
      // The winner has committed; a short random pause keeps a crowd of writers from colliding again in step.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 * attempt, 20)));
    }
  }
}

const guarded = new WeakSet<object>();

/** Wraps the model's collection object (once): every update increments `_rev` and a lost race is run again. */
export function guardRevisions(model: Model<never>): void {
  const collection = model.collection as unknown as Record<string, Method>;
  if (guarded.has(collection)) return;
  guarded.add(collection);
  for (const name of ['updateOne', 'findOneAndUpdate', 'updateMany'] as const) {
    const original = collection[name]!.bind(collection);
    collection[name] = (filter: unknown, update: unknown, ...rest: unknown[]) => {
      // A replacement, or an upsert that only inserts (it never changes a stored document): nothing to guard.
      if (!isOperatorUpdate(update) || Object.keys(update).every((op) => op === '$setOnInsert')) return original(filter, update, ...rest);
      const next = bumped(update);
      // One document: nothing was applied when its write was refused. Several: the ones before it were, so only an
      // update that changes nothing more the second time may run again.
      const retryable = name !== 'updateMany' || Object.keys(update).every((op) => IDEMPOTENT.has(op));
      return retried(() => original(filter, next, ...rest), retryable);
    };
  }
  for (const name of ['replaceOne', 'findOneAndReplace'] as const) {
    const original = collection[name]!.bind(collection);
    // Not run again: the replacement was computed from what the caller read, which is what changed.
    collection[name] = (filter: unknown, replacement: unknown, ...rest: unknown[]) => retried(() => original(filter, bumpedReplacement(replacement), ...rest), false);
  }
}

/**
 * PostgreSQL (the embedded store): refuses a row write whose `_rev` is not above the stored one. A write without
 * `_rev` (an insert, a replacement built from scratch) passes. `schema` is FerretDB's schema of the database.
 */
export const revisionGuardSql = (schema: string) => `
CREATE OR REPLACE FUNCTION ${schema}.kanal_revision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW._jsonb ? '${REVISION_FIELD}'
     AND COALESCE((OLD._jsonb->>'${REVISION_FIELD}')::numeric, 0) >= (NEW._jsonb->>'${REVISION_FIELD}')::numeric THEN
    RAISE EXCEPTION '${REVISION_CONFLICT}' USING ERRCODE = '40001';
  END IF;
  RETURN NEW;
END $$`;
