import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The audit trail: who did what, when, and the state before it, so the action can be undone (customer merges).
 * Append-only except `undoneAt`/`undoneBy`, set once when the action is undone.
 */
const auditSchema = new Schema(
  {
    action: { type: String, required: true },
    actor: { id: String, name: String },
    at: { type: Date, required: true },
    /** The record the action changed (e.g. the surviving customer). */
    subjectId: { type: Schema.Types.ObjectId, required: true },
    /** What the action needs to be reversed. */
    before: { type: Schema.Types.Mixed, default: {} },
    undoneAt: { type: Date, default: null },
    undoneBy: { id: String, name: String },
  },
  { minimize: false },
);
// Serves: a customer's audit history in the sidebar, newest first: `ofSubject`.
auditSchema.index({ subjectId: 1, at: -1 });

type AuditDoc = InferSchemaType<typeof auditSchema>;
const define = (db: Connection) => db.model('Audit', auditSchema, 'audit');
/** The model on this connection (registered once per connection). */
export const auditModel = (db: Connection) => (db.models.Audit as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored audit entry as the repository returns it (`before`, Mixed in the schema: what NewAudit gave). */
type StoredAudit = Omit<AuditDoc, 'before'> & { _id: Types.ObjectId; before: object };
/** Who did an action. */
export type AuditActor = { id: string; name: string };
/** A new entry: the action, who did it, the record it changed and what reverses it. */
export type NewAudit = { action: string; actor: AuditActor; subjectId: Types.ObjectId; before: object };

/** Queries of `audit`: by `_id`, or the entries of one subject (a customer's few actions, ordered here). */
export function auditRepo(model: Model<AuditDoc>) {
  return {
    /** Appends an entry dated now (index: `_id`): its id. */
    record: async (entry: NewAudit): Promise<Types.ObjectId> => (await model.create({ ...entry, at: new Date() }))._id,
    /**
     * Marks an action undone, once: the entry if this call did it, null if it was undone already, is of another
     * action or does not exist (index: `_id`; action and undoneAt are checked on that one document).
     */
    claimUndo: (id: Types.ObjectId, action: string, actor: AuditActor): Promise<StoredAudit | null> =>
      model.findOneAndUpdate({ _id: id, action, undoneAt: null }, { $set: { undoneAt: new Date(), undoneBy: actor } }, { new: true }).lean<StoredAudit | null>(),
    /** Whether the entry exists (index: `_id`). */
    exists: async (id: Types.ObjectId): Promise<boolean> => Boolean(await model.exists({ _id: id })),
    /** The newest `limit` entries about one record, newest first (index: `subjectId, at`; ordered here). */
    ofSubject: async (subjectId: Types.ObjectId, limit = 50): Promise<StoredAudit[]> =>
      (await model.find({ subjectId }).lean<StoredAudit[]>()).sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit),
  };
}
