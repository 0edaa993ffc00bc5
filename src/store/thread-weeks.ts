import { Schema, Types, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './connection';
import { idForKey } from './keys';
import { inParallel } from './parallel';

/**
 * Which weeks of a customer's unified thread hold messages: one document per (customer, week), so a thread page
 * reads only the week buckets (messages `tb`) that exist instead of probing every week back to the customer's first
 * conversation (a quiet customer of a year ago cost ~50 empty probes). Written before the messages of its week (a
 * registered week without messages costs one empty read; the reverse would hide messages), insert-only and
 * idempotent by `_id`: never updated, so FerretDB's lost concurrent updates (read-modify-write in its Go code)
 * cannot drop a week, as they could an array on the customer document.
 */
const threadWeekSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    /** The customer. */
    c: { type: Schema.Types.ObjectId, required: true },
    /** Weeks since the epoch (messages `tb` is `<customer>:<w>`). */
    w: { type: Number, required: true },
  },
  { versionKey: false, collection: 'thread_weeks' },
);
// Serves: a customer's weeks (`of`): one equality, a few dozen documents a year, sorted in code.
threadWeekSchema.index({ c: 1 });

/** A stored thread week (inserted as it is, through the driver). */
type StoredThreadWeek = { _id: Types.ObjectId; c: Types.ObjectId; w: number };
const define = (db: Connection) => db.model('ThreadWeek', threadWeekSchema);
/** The model on this connection (registered once per connection). */
export const threadWeekModel = (db: Connection) => (db.models.ThreadWeek as ReturnType<typeof define> | undefined) ?? define(db);

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Weeks since the epoch of a time: the thread's bucket unit. */
export const weekOf = (at: Date) => Math.floor(at.getTime() / WEEK_MS);
/** When a week (weekOf) begins, in epoch milliseconds. */
export const weekStart = (week: number) => week * WEEK_MS;
export const threadWeekId = (customerId: unknown, week: number) => idForKey('thread-week', `${String(customerId)}:${week}`);

/** Buckets this process has registered: later messages of that customer and week skip the write. */
const REMEMBERED_MAX = 50_000;

function threadWeekRepo(model: Model<StoredThreadWeek>) {
  const remembered = new Set<string>();
  const remember = (key: string) => {
    remembered.add(key);
    if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.values().next().value!);
  };
  return {
    /** A customer's weeks that hold messages, newest first. */
    async of(customerId: Types.ObjectId): Promise<number[]> {
      const docs = await model.find({ c: customerId }, { w: 1 }).lean<{ w: number }[]>();
      return docs.map((d) => d.w).sort((a, b) => b - a);
    },
    /**
     * Registers the thread buckets (`<customer>:<week>`, messages `tb`) of messages about to be written: call it
     * before inserting them. Idempotent; concurrent callers both succeed. One insert per bucket this process has
     * not registered yet.
     */
    async register(buckets: string[]): Promise<void> {
      const todo = new Map<string, StoredThreadWeek>();
      for (const key of buckets) {
        if (remembered.has(key) || todo.has(key)) continue;
        const [customerId, week] = key.split(':') as [string, string];
        todo.set(key, { _id: threadWeekId(customerId, Number(week)), c: new Types.ObjectId(customerId), w: Number(week) });
      }
      await inParallel([...todo], async ([key, doc]) => {
        try {
          await model.collection.insertOne(doc);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
        remember(key);
      });
    },
  };
}
export type ThreadWeekRepo = ReturnType<typeof threadWeekRepo>;

const perConnection = new WeakMap<Connection, ThreadWeekRepo>();
/** The one repository of a connection (its memory of registered buckets is shared by every writer of messages). */
export function threadWeeksOf(db: Connection): ThreadWeekRepo {
  let repo = perConnection.get(db);
  if (!repo) perConnection.set(db, (repo = threadWeekRepo(threadWeekModel(db))));
  return repo;
}
