import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { isDuplicateKey } from './connection';
import { idForKey } from './keys';
import { inParallel } from './parallel';

/**
 * Inbound input no channel could turn into a message (malformed MIME, no sender, hostile structure, a bounce for a
 * message we do not know): kept for admins, never silently dropped. Only an excerpt of the raw bytes is stored.
 */
const quarantineSchema = new Schema(
  {
    /** The record's place in the one sequence of records (1, 2, 3 ...); its `_id` follows from it (`idOf`). */
    seq: { type: Number },
    channel: { type: String, required: true },
    source: { type: String, required: true },
    reason: { type: String, required: true, maxlength: 1000 },
    from: { type: String, maxlength: 320 },
    subject: { type: String, maxlength: 998 },
    size: { type: Number, required: true },
    excerpt: { type: String, maxlength: 8192 },
  },
  { timestamps: true },
);
// No secondary index: every read and write goes by `_id` (see quarantineRepo).

type QuarantineDoc = InferSchemaType<typeof quarantineSchema>;
/** A stored quarantine record as the repository returns it. */
type StoredQuarantine = QuarantineDoc & { _id: Types.ObjectId; createdAt: Date };
/** What a channel hands over for quarantine. */
export interface NewQuarantine { channel: string; source: string; reason: string; from?: string; subject?: string; size: number; excerpt: string }

const define = (db: Connection) => db.model('Quarantine', quarantineSchema, 'quarantine');
/** The model on this connection (registered once per connection). */
export const quarantineModel = (db: Connection) => (db.models.Quarantine as ReturnType<typeof define> | undefined) ?? define(db);

/** The `_id` of the record at place `seq`. */
const idOf = (seq: number) => idForKey('quarantine', String(seq));

/** Per model (one per connection): the highest place this process has seen taken, and the tail of its writes. */
const local = new WeakMap<object, { known: number; tail: Promise<unknown> }>();

/**
 * Every query and write of `quarantine`, by `_id` alone. A record takes the next free place in one sequence (the
 * unique `_id` refuses a place taken concurrently; the writer then looks again), so places are taken in order and
 * the newest records are the highest places, found from the highest this process has seen by galloping over `_id`
 * lookups (one when nothing was added elsewhere; about 2·log2(n) for n added elsewhere), then read by `_id`. No
 * sort over the growing collection (FerretDB sorts in its own code over every document a filter matched). A
 * process writes one record at a time, so its own writers never race for a place. Records are never deleted: a
 * hole would end the list there.
 */
export function quarantineRepo(model: Model<QuarantineDoc>) {
  const state = local.get(model) ?? { known: 0, tail: Promise.resolve() };
  local.set(model, state);
  const taken = async (seq: number) => Boolean(await model.exists({ _id: idOf(seq) }));
  /** The highest place taken, 0 when none. Index: `_id`. */
  const highest = async (): Promise<number> => {
    let lo = state.known; // taken (places are never freed), or 0
    let step = 1;
    while (await taken(lo + step)) {
      lo += step;
      step *= 2;
    }
    let hi = lo + step; // free
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await taken(mid)) lo = mid;
      else hi = mid;
    }
    state.known = Math.max(state.known, lo);
    return lo;
  };
  const insert = async (record: NewQuarantine): Promise<void> => {
    for (;;) {
      const seq = (await highest()) + 1;
      try {
        await model.create({ ...record, _id: idOf(seq), seq });
        state.known = Math.max(state.known, seq);
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // another process took the place: look again
      }
    }
  };
  return {
    /**
     * Stores a record at the next free place, its fields cut to what the schema keeps: hostile input (a From of
     * thousands of characters) is what lands here, and a refused record would leave it nowhere. Index: `_id`.
     */
    add(input: NewQuarantine): Promise<void> {
      const record = {
        ...input, reason: input.reason.slice(0, 1000), from: input.from?.slice(0, 320), subject: input.subject?.slice(0, 998), excerpt: input.excerpt.slice(0, 8192),
      };
      const done = state.tail.then(() => insert(record));
      state.tail = done.catch(() => undefined);
      return done;
    },
    /** The newest records, newest first (the admin list). Index: `_id`. */
    async newest(limit: number): Promise<StoredQuarantine[]> {
      const top = await highest();
      const places = Array.from({ length: Math.min(limit, top) }, (_, i) => top - i);
      const docs = await inParallel(places, (seq) => model.findById(idOf(seq)).lean<StoredQuarantine | null>());
      return docs.filter((d): d is StoredQuarantine => d !== null);
    },
  };
}
