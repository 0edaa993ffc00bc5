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

type CustomerDoc = InferSchemaType<typeof customerSchema>;
const define = (db: Connection) => db.model('Customer', customerSchema);
/** The model on this connection (registered once per connection). */
export const customerModel = (db: Connection) => (db.models.Customer as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored customer as the repository returns it (`attributes`, Mixed in the schema: free key-value pairs). */
export type StoredCustomer = Omit<CustomerDoc, 'attributes'> & { _id: Types.ObjectId; createdAt?: Date; attributes: Record<string, unknown> };
/** A customer as read with only some fields (`_id` always comes). */
export type CustomerFields<K extends keyof CustomerDoc> = Pick<StoredCustomer, '_id' | K>;
/** The contact fields a merge fills and its undo restores. */
export type CustomerContact = { name?: string | null; email?: string | null; phone?: string | null; tags?: string[]; openConversationId?: Types.ObjectId | null };
/** What a first contact stores on a new customer (from the sender's address and profile). */
export type NewCustomer = { name?: string; language?: string; email?: string; phone?: string };

/**
 * Queries of `customers`, all by `_id` (the customers collection has no other index): one document each, pushed
 * down to PostgreSQL on FerretDB. Guards (`languageSource`, `email`) are extra conditions on that one document.
 */
export function customerRepo(model: Model<CustomerDoc>) {
  const lean = <T = StoredCustomer>(q: { lean<R>(): Promise<R> }) => q.lean<T | null>();
  const projection = (fields?: readonly string[]) => (fields ? Object.fromEntries(fields.map((f) => [f, 1])) : undefined);
  const read = <K extends keyof CustomerDoc>(id: Types.ObjectId | string, fields?: readonly K[]) =>
    lean<CustomerFields<K>>(model.findById(new Types.ObjectId(id), projection(fields)));
  return {
    /** One customer, whole or only `fields` (index: `_id`); null for a malformed id. */
    byId: <K extends keyof CustomerDoc = keyof CustomerDoc>(id: Types.ObjectId | string, fields?: readonly K[]): Promise<CustomerFields<K> | null> =>
      Types.ObjectId.isValid(id) ? read(id, fields) : Promise.resolve(null),
    /** Several (index: `_id`), in the order asked (null where gone): parallel lookups, never `$in` (a scan on FerretDB). */
    byIds: <K extends keyof CustomerDoc = keyof CustomerDoc>(ids: (Types.ObjectId | string)[], fields?: readonly K[]): Promise<(CustomerFields<K> | null)[]> =>
      inParallel(ids, (id) => read(id, fields)),
    /** The customer's name, undefined when it has none or is gone (index: `_id`). */
    nameOf: async (id: Types.ObjectId | string): Promise<string | undefined> => (await read(id, ['name']))?.name ?? undefined,
    /** Whether the customer exists (index: `_id`); false for a malformed id. */
    exists: async (id: Types.ObjectId | string): Promise<boolean> =>
      Types.ObjectId.isValid(id) && Boolean(await model.exists({ _id: new Types.ObjectId(id) })),
    /**
     * Creates the customer of a first contact unless it exists (index: `_id`, unique), marking it seen: the stored
     * document. Two racing first contacts: the loser gets a duplicate-key error and reads the winner's.
     */
    createIfAbsent: async (id: Types.ObjectId, fields: NewCustomer, seenAt: Date): Promise<StoredCustomer | null> =>
      lean(model.findOneAndUpdate({ _id: id }, { $setOnInsert: fields, $set: { lastSeenAt: seenAt } }, { upsert: true, new: true })),
    /** Moves lastSeenAt forward to `at` (never back) (index: `_id`). */
    async touchLastSeen(id: Types.ObjectId, at: Date): Promise<void> {
      await model.updateOne({ _id: id }, { $max: { lastSeenAt: at } });
    },
    /** Stores a detected language unless an agent set one, whose choice detection never overwrites (index: `_id`). */
    async setDetectedLanguage(id: Types.ObjectId, language: string): Promise<void> {
      await model.updateOne({ _id: id, languageSource: { $ne: 'agent' } }, { $set: { language, languageSource: 'detected' } });
    },
    /** An agent sets (or clears, with null) the language; the stored document after, null if gone (index: `_id`). */
    setLanguage: (id: Types.ObjectId, language: string | null): Promise<StoredCustomer | null> =>
      lean(model.findOneAndUpdate(
        { _id: id },
        language ? { $set: { language, languageSource: 'agent' } } : { $unset: { language: 1, languageSource: 1 } },
        { new: true },
      )),
    /** Sets the email of a customer that has none (index: `_id`). */
    async setEmailIfAbsent(id: Types.ObjectId, email: string): Promise<void> {
      await model.updateOne({ _id: id, email: { $exists: false } }, { $set: { email } });
    },
    /** Renames the customer: the document as it was before, null if gone (index: `_id`). */
    rename: (id: Types.ObjectId, name: string): Promise<StoredCustomer | null> => lean(model.findOneAndUpdate({ _id: id }, { $set: { name } })),
    /** Caches the customer's unresolved conversation (its openKey stays the truth) (index: `_id`). */
    async setOpenConversation(id: Types.ObjectId, conversationId: Types.ObjectId | null): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { openConversationId: conversationId } });
    },
    /** Sets contact fields as given (null clears: mongoose drops undefined from a $set) (index: `_id`). */
    async setContact(id: Types.ObjectId, contact: CustomerContact): Promise<void> {
      await model.updateOne({ _id: id }, { $set: contact });
    },
    /** Marks the customer merged into another (null: no longer) with its cached open conversation (index: `_id`). */
    async setMergedInto(id: Types.ObjectId, mergedInto: Types.ObjectId | null, openConversationId: Types.ObjectId | null): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { mergedInto, openConversationId } });
    },
    /** Every customer, in batches of one cursor pass (maintenance jobs, never requests). */
    eachBatch: (size: number, fn: (docs: CustomerFields<'name' | 'email' | 'phone' | 'createdAt'>[]) => Promise<void>) =>
      eachBatch(model, {}, { name: 1, email: 1, phone: 1, createdAt: 1 }, size, fn),
  };
}
