import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

/**
 * A deterministic ObjectId for a natural key (a message's dedupeKey, an identity's kind:address). Looking a document
 * up by `_id` is the one filter every store pushes down to an index (FerretDB's SQLite backend scans in Go for any
 * other), and inserting with it makes the unique `_id` index itself reject a duplicate.
 */
export function idForKey(namespace: string, key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`${namespace}\0${key}`).digest().subarray(0, 12));
}
