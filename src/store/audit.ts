import { Schema, type Connection, type InferSchemaType } from 'mongoose';

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
// Serves: a customer's audit history in the sidebar, newest first.
auditSchema.index({ subjectId: 1, at: -1 });

export type AuditDoc = InferSchemaType<typeof auditSchema>;
const define = (db: Connection) => db.model('Audit', auditSchema, 'audit');
/** The model on this connection (registered once per connection). */
export const auditModel = (db: Connection) => (db.models.Audit as ReturnType<typeof define> | undefined) ?? define(db);
