import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './connection';
import { inParallel } from './parallel';

/**
 * The UTC days on which conversations were resolved (`_id` = 'YYYY-MM-DD'), registered before the resolve is
 * written (insert-only, idempotent by `_id`, remembered per process: one insert per day and process). The retention
 * job reads the days it has not finished (`done: false`: at most the days inside the retention period plus the few
 * it has not reached yet) and then each day's conversations by `resolvedDay`, so no run reads all conversations.
 */
const resolvedDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Set once every conversation resolved that day was handled by retention (the day is past every cutoff). */
    done: { type: Boolean, default: false },
  },
  { versionKey: false, collection: 'resolved_days' },
);
// Serves: the days retention has not finished (`pending`): one equality, a year's days at most.
resolvedDaySchema.index({ done: 1 });

type StoredResolvedDay = { _id: string; done: boolean };
const define = (db: Connection) => db.model('ResolvedDay', resolvedDaySchema);
/** The model on this connection (registered once per connection). */
export const resolvedDayModel = (db: Connection) => (db.models.ResolvedDay as ReturnType<typeof define> | undefined) ?? define(db);

const REMEMBERED_MAX = 1_000;

export function resolvedDayRepo(model: Model<StoredResolvedDay>) {
  const remembered = new Set<string>();
  return {
    /** Registers a day (idempotent; concurrent callers both succeed). Index: `_id`. */
    async register(day: string): Promise<void> {
      if (remembered.has(day)) return;
      try {
        await model.collection.insertOne({ _id: day, done: false } as never);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      remembered.add(day);
      if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.values().next().value!);
    },
    /** Registers several days (backfills of conversations resolved before days were registered). Index: `_id`. */
    registerAll(days: string[]): Promise<void[]> {
      return inParallel([...new Set(days)], (d) => this.register(d));
    },
    /** The days not finished by retention, oldest first. Index: `done`. */
    pending: async (): Promise<string[]> => (await model.find({ done: false }, { _id: 1 }).lean<{ _id: string }[]>()).map((d) => d._id).sort(),
    /** Marks a day finished. Index: `_id`. */
    async markDone(day: string): Promise<void> {
      await model.updateOne({ _id: day }, { $set: { done: true } });
    },
  };
}
export type ResolvedDayRepo = ReturnType<typeof resolvedDayRepo>;
