import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import type { Condition, RunActionResult, RunStatus } from '../domain/automation';
import { isDuplicateKey } from './connection';
import { idForKey } from './keys';

/** Runs per page of a rule's log: a page is one bucket, `<ruleId>:<seq div RUN_PAGE>`. */
export const RUN_PAGE = 50;
/** Pages kept per rule (10 000 runs): when a new page starts, the one this far back is removed. */
export const RUN_PAGES_KEPT = 200;

/**
 * One rule's run on one event: the per-rule log and the idempotency record at once. `_id` is derived from
 * (event id, rule id), so a redelivered event finds the run it already made (insert-or-find, no scan). `b` is the
 * log page it belongs to: runs are numbered per rule (a Redis counter) and every RUN_PAGE of them share a bucket, so
 * a page of the log is one equality that selects at most a page of documents, ordered in code.
 */
const runSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    ruleId: { type: String, required: true },
    ruleName: { type: String, default: '' },
    b: { type: String, required: true },
    seq: { type: Number, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    conversationId: { type: String, default: '' },
    at: { type: Date, required: true },
    status: { type: String, required: true },
    matched: { type: [String], default: [] },
    /** The conditions that held, as the rule said them then (the console says them in the reader's language). */
    conditions: { type: [Schema.Types.Mixed], default: [] },
    actions: { type: [Schema.Types.Mixed], default: [] },
    depth: { type: Number, default: 0 },
    note: { type: String, default: null },
  },
  { versionKey: false, minimize: false },
);
// Serves: one page of a rule's log (`page`), one equality on the bucket; at most RUN_PAGE documents.
runSchema.index({ b: 1, seq: -1 });

type RunDoc = InferSchemaType<typeof runSchema>;
const define = (db: Connection) => db.model('AutomationRun', runSchema, 'automation_runs');
/** The model on this connection (registered once per connection). */
export const automationRunModel = (db: Connection) => (db.models.AutomationRun as ReturnType<typeof define> | undefined) ?? define(db);

export type StoredRun = Omit<RunDoc, 'actions' | 'status' | 'conditions'> & { _id: Types.ObjectId; status: RunStatus; actions: RunActionResult[]; conditions: Condition[] };
export type NewRun = Omit<StoredRun, '_id' | 'b'>;

export const runIdOf = (eventId: string, ruleId: string) => idForKey('automation-run', `${eventId}|${ruleId}`);
export const runBucket = (ruleId: string, seq: number) => `${ruleId}:${Math.floor(seq / RUN_PAGE)}`;

/** Every query and write of `automation_runs`: by `_id` (event, rule) or by log bucket. */
export function automationRunRepo(model: ReturnType<typeof automationRunModel>) {
  return {
    /**
     * Index: `_id`. Records the run unless this (event, rule) has one: `{ created: true }`, or the run that exists
     * (a redelivered event) with `created: false`.
     */
    async claim(run: NewRun): Promise<{ created: boolean; run: StoredRun }> {
      const _id = runIdOf(run.eventId, run.ruleId);
      try {
        const doc = (await model.create({ ...run, _id, b: runBucket(run.ruleId, run.seq) })).toObject() as StoredRun;
        return { created: true, run: doc };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await model.findById(_id).lean<StoredRun | null>();
        if (!existing) throw err;
        return { created: false, run: existing };
      }
    },
    /** Index: `_id`. What the run did, once it is over. */
    async finish(id: Types.ObjectId, set: Pick<StoredRun, 'status' | 'actions'> & { note?: string | null }): Promise<void> {
      await model.updateOne({ _id: id }, { $set: set });
    },
    /** Index: `_id`. */
    byId: (id: Types.ObjectId): Promise<StoredRun | null> => model.findById(id).lean<StoredRun | null>(),
    /** Index: `b, seq`. Removes one page of a rule's log (at most RUN_PAGE documents). */
    async dropPage(ruleId: string, page: number): Promise<void> {
      await model.deleteMany({ b: `${ruleId}:${page}` });
    },
    /** Index: `b, seq`. One page of a rule's log, newest first (ordered here: the bucket holds at most RUN_PAGE). */
    page: async (ruleId: string, page: number): Promise<StoredRun[]> =>
      (await model.find({ b: `${ruleId}:${page}` }).lean<StoredRun[]>()).sort((a, b) => b.seq - a.seq),
  };
}
