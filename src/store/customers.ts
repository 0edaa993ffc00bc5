import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { eachBatch } from './batches';
import { inParallel } from './parallel';

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
     * Every week of this customer's thread is registered (thread_weeks) before its messages are written: true for
     * customers created since weeks are registered; absent on older ones, whose thread is read by customer id.
     */
    threadWeeks: { type: Boolean, default: true },
    /** Set when this customer was merged into another (kept, not deleted, so the merge can be undone). */
    mergedInto: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, minimize: false },
);

export type CustomerDoc = InferSchemaType<typeof customerSchema>;
const define = (db: Connection) => db.model('Customer', customerSchema);
/** The model on this connection (registered once per connection). */
export const customerModel = (db: Connection) => (db.models.Customer as ReturnType<typeof define> | undefined) ?? define(db);

type CustomerLean = CustomerDoc & { _id: Types.ObjectId; createdAt?: Date };
/** The contact fields a merge fills and its undo restores. */
export type CustomerContact = { name?: string | null; email?: string | null; phone?: string | null; tags?: string[]; openConversationId?: Types.ObjectId | null };

/** Queries of `customers` that have moved into the store layer (the rest still goes through the model). */
export function customerRepo(model: Model<CustomerDoc>) {
  const lean = (q: { lean<T>(): Promise<T> }) => q.lean<CustomerLean | null>();
  return {
    byId: (id: Types.ObjectId | string): Promise<CustomerLean | null> =>
      Types.ObjectId.isValid(id) ? lean(model.findById(new Types.ObjectId(id))) : Promise.resolve(null),
    /** Several by `_id`, in the order asked (null where gone): parallel lookups, never `$in` (a scan on FerretDB). */
    byIds: (ids: (Types.ObjectId | string)[]): Promise<(CustomerLean | null)[]> => inParallel(ids, (id) => lean(model.findById(new Types.ObjectId(id)))),
    /** Caches the customer's unresolved conversation (its openKey stays the truth). */
    async setOpenConversation(id: Types.ObjectId, conversationId: Types.ObjectId | null): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { openConversationId: conversationId } });
    },
    /** Sets contact fields as given (null clears: mongoose drops undefined from a $set). */
    async setContact(id: Types.ObjectId, contact: CustomerContact): Promise<void> {
      await model.updateOne({ _id: id }, { $set: contact });
    },
    /** Every customer, in batches of one cursor pass (maintenance jobs, never requests). */
    eachBatch: (size: number, fn: (docs: CustomerLean[]) => Promise<void>) => eachBatch(model, {}, { name: 1, email: 1, phone: 1, createdAt: 1 }, size, fn),
  };
}
export type CustomerRepo = ReturnType<typeof customerRepo>;
