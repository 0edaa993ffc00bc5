import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const customerSchema = new Schema(
  {
    name: { type: String, maxlength: 200 },
    email: { type: String, maxlength: 320 },
    phone: { type: String, maxlength: 32 },
    language: { type: String, maxlength: 16 },
    /** Who set `language`: detection from the customer's messages, or an agent (whose choice detection never overwrites). */
    languageSource: { type: String, enum: ['detected', 'agent'] },
    tags: { type: [String], default: [] },
    attributes: { type: Schema.Types.Mixed, default: {} },
    lastSeenAt: { type: Date },
    /** Cache of the unresolved conversation's id, so the per-message lookup is by _id; openKey stays the truth. */
    openConversationId: { type: Schema.Types.ObjectId, default: null },
    /**
     * Every message of this customer carries its thread bucket (messages `tb`): true for customers created since
     * buckets exist; absent on older or bulk-loaded ones, whose thread is read by customer id instead.
     */
    threadBuckets: { type: Boolean, default: true },
    /** Set when this customer was merged into another (kept, not deleted, so the merge can be undone). */
    mergedInto: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, minimize: false },
);

export type CustomerDoc = InferSchemaType<typeof customerSchema>;
const define = (db: Connection) => db.model('Customer', customerSchema);
/** The model on this connection (registered once per connection). */
export const customerModel = (db: Connection) => (db.models.Customer as ReturnType<typeof define> | undefined) ?? define(db);
