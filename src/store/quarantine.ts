import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Inbound input no channel could turn into a message (malformed MIME, no sender, hostile structure, a bounce for a
 * message we do not know): kept for admins, never silently dropped. Only an excerpt of the raw bytes is stored.
 */
const quarantineSchema = new Schema(
  {
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
// Serves: the admin list, newest first.
quarantineSchema.index({ createdAt: -1 });

export type QuarantineDoc = InferSchemaType<typeof quarantineSchema>;
const define = (db: Connection) => db.model('Quarantine', quarantineSchema, 'quarantine');
/** The model on this connection (registered once per connection). */
export const quarantineModel = (db: Connection) => (db.models.Quarantine as ReturnType<typeof define> | undefined) ?? define(db);
