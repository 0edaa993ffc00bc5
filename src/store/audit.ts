import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The audit trail: who changed what, when, and the state before and after, so admins can review every admin and
 * supervisor change, and a customer merge can be undone. Append-only except `undoneAt`/`undoneBy`, set once when
 * the action is undone.
 */
const auditSchema = new Schema(
  {
    action: { type: String, required: true },
    actor: { id: String, name: String },
    at: { type: Date, required: true },
    /** `at`'s UTC day, 'YYYY-MM-DD': the one equality the console's newest-first list reads by (see `ofDay`). */
    day: { type: String, required: true },
    /** What kind of record the action changed: 'customer', 'agent', 'team', 'webhook', 'settings', … */
    subjectType: { type: String, default: 'customer' },
    /** The record the action changed (e.g. the surviving customer); null for a setting with no record of its own. */
    subjectId: { type: Schema.Types.ObjectId, default: null },
    /** The record's readable name when the action happened (an agent's name, a webhook's URL), for the list. */
    subjectName: { type: String, default: '' },
    /** What the action needs to be reversed (merges), or the changed fields as they were; secrets masked. */
    before: { type: Schema.Types.Mixed, default: {} },
    /** The changed fields as they became; secrets masked. */
    after: { type: Schema.Types.Mixed, default: {} },
    /** One readable line ("Ayşe created agent Mehmet"), searched by the console's free-text filter. */
    summary: { type: String, default: '' },
    undoneAt: { type: Date, default: null },
    undoneBy: { id: String, name: String },
  },
  { minimize: false },
);
// Serves: a customer's audit history in the sidebar, newest first: `ofSubject`.
auditSchema.index({ subjectId: 1, at: -1 });
// Serves: the console's audit list, one day at a time: `ofDay` (a day's few entries are ordered here).
auditSchema.index({ day: 1, at: -1 });

type AuditDoc = InferSchemaType<typeof auditSchema>;
const define = (db: Connection) => db.model('Audit', auditSchema, 'audit');
/** The model on this connection (registered once per connection). */
export const auditModel = (db: Connection) => (db.models.Audit as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored audit entry as the repository returns it (`before`/`after`, Mixed in the schema: what NewAudit gave). */
export type StoredAudit = Omit<AuditDoc, 'before' | 'after' | 'subjectId'> & {
  _id: Types.ObjectId; subjectId: Types.ObjectId | null; before: object; after: object;
};
/** Who did an action. */
export type AuditActor = { id: string; name: string };
/**
 * A new entry: the action, who did it, the record it changed and its state before (what reverses it) and after.
 * `at` defaults to now (a past one only for imports and tests).
 */
export type NewAudit = {
  action: string; actor: AuditActor; subjectId: Types.ObjectId | null; before: object;
  subjectType?: string; subjectName?: string; after?: object; summary?: string; at?: Date;
};

/** The UTC day of an instant, as `day` stores it. */
export const auditDay = (at: Date) => at.toISOString().slice(0, 10);

/** Queries of `audit`: by `_id`, the entries of one subject, or of one day (each a few rows, ordered here). */
export function auditRepo(model: Model<AuditDoc>) {
  return {
    /** Appends an entry (index: `_id`): its id. */
    record: async ({ at = new Date(), ...entry }: NewAudit): Promise<Types.ObjectId> =>
      (await model.create({ subjectType: 'customer', ...entry, at, day: auditDay(at) }))._id,
    /**
     * Marks an action undone, once: the entry if this call did it, null if it was undone already, is of another
     * action or does not exist (index: `_id`; action and undoneAt are checked on that one document).
     */
    claimUndo: (id: Types.ObjectId, action: string, actor: AuditActor): Promise<StoredAudit | null> =>
      model.findOneAndUpdate({ _id: id, action, undoneAt: null }, { $set: { undoneAt: new Date(), undoneBy: actor } }, { new: true }).lean<StoredAudit | null>(),
    /** The record an entry is about, or null when there is no such entry (index: `_id`). */
    subjectOf: async (id: Types.ObjectId): Promise<Types.ObjectId | null> =>
      (await model.findById(id, { subjectId: 1 }).lean<{ subjectId: Types.ObjectId | null } | null>())?.subjectId ?? null,
    /** Whether the entry exists (index: `_id`). */
    exists: async (id: Types.ObjectId): Promise<boolean> => Boolean(await model.exists({ _id: id })),
    /** The newest `limit` entries about one record, newest first (index: `subjectId, at`; ordered here). */
    ofSubject: async (subjectId: Types.ObjectId, limit = 50): Promise<StoredAudit[]> =>
      (await model.find({ subjectId }).lean<StoredAudit[]>()).sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit),
    /**
     * Every entry about one record, unordered (index: `subjectId, at`; a customer's export and erasure: a record
     * has a bounded number of entries).
     */
    allOfSubject: (subjectId: Types.ObjectId): Promise<StoredAudit[]> => model.find({ subjectId }).lean<StoredAudit[]>(),
    /**
     * Rewrites what an entry shows (erasure takes a customer's personal data out of the trail; who did what and
     * when stay). Index: `_id`.
     */
    async redact(id: Types.ObjectId, fields: Pick<StoredAudit, 'subjectName' | 'summary' | 'before' | 'after'>): Promise<void> {
      await model.updateOne({ _id: id }, { $set: fields });
    },
    /** Every entry of one UTC day 'YYYY-MM-DD', unordered (index: `day, at`; the caller orders the day's rows). */
    ofDay: (day: string): Promise<StoredAudit[]> => model.find({ day }).lean<StoredAudit[]>(),
  };
}
