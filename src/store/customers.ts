import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { eachBatch } from './batches';
import { equalityValue, type DirectoryCustomer } from './customer-directory';
import { inParallel } from './parallel';
import type { VisitorProfile } from '../domain/visitor';

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
    /**
     * An email the customer only claimed (a web chat pre-chat form): never an identity, so mail from that address
     * never resolves to this customer; agents see it with a merge suggestion when another customer owns it.
     */
    unverifiedEmail: { type: String, maxlength: 320 },
    /** Set when this customer was merged into another (kept, not deleted, so the merge can be undone). */
    mergedInto: { type: Schema.Types.ObjectId, default: null },
    /**
     * Set when an admin erased the customer (GDPR, src/services/privacy/erase.ts): the document stays, without any
     * personal field, so conversations and metric facts that name its id still resolve; it leaves the directory.
     */
    erasedAt: { type: Date, default: null },
    /** What the web chat knew of an anonymous visitor at its first message (src/domain/visitor.ts). */
    visitor: { type: Schema.Types.Mixed },
  },
  { timestamps: true, minimize: false },
);

type CustomerDoc = InferSchemaType<typeof customerSchema>;
const define = (db: Connection) => db.model('Customer', customerSchema);
/** The model on this connection (registered once per connection). */
export const customerModel = (db: Connection) => (db.models.Customer as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored customer as the repository returns it (`attributes`, Mixed in the schema: free key-value pairs). */
export type StoredCustomer = Omit<CustomerDoc, 'attributes' | 'visitor'> & { _id: Types.ObjectId; createdAt?: Date; attributes: Record<string, unknown>; visitor?: VisitorProfile | null };
/** A customer as read with only some fields (`_id` always comes). */
export type CustomerFields<K extends keyof CustomerDoc> = Pick<StoredCustomer, '_id' | K>;
/** The contact fields a merge fills and its undo restores. */
export type CustomerContact = { name?: string | null; email?: string | null; phone?: string | null; tags?: string[]; openConversationId?: Types.ObjectId | null };
/** What a first contact stores on a new customer (from the sender's address and profile). */
export type NewCustomer = { name?: string; language?: string; email?: string; phone?: string; visitor?: VisitorProfile };

/**
 * Told about every write through the repository that changes what the customer directory indexes (the stored
 * document after it), and about lastSeenAt moving forward (no document read back on that hot path).
 */
export interface CustomerListener {
  written(doc: StoredCustomer): Promise<void>;
  seen(id: Types.ObjectId, at: Date): Promise<void>;
}
const listenersOf = new WeakMap<Connection, Set<CustomerListener>>();
/** Registers a listener for this connection's customer writes; returns its removal. */
export function onCustomerWritten(db: Connection, listener: CustomerListener): () => void {
  const set = listenersOf.get(db) ?? new Set();
  listenersOf.set(db, set);
  set.add(listener);
  return () => set.delete(listener);
}

/** The fields the customer directory reads (src/store/customer-directory.ts), for rebuilds. */
const DIRECTORY_FIELDS = { name: 1, email: 1, phone: 1, language: 1, tags: 1, attributes: 1, createdAt: 1, lastSeenAt: 1, updatedAt: 1, mergedInto: 1, erasedAt: 1 } as const;

/** A customer as CSV import writes it: the contact fields and attributes to set, keyed by its (derived) `_id`. */
export type ImportedCustomer = { name?: string; email?: string; phone?: string; language?: string; tags?: string[]; attributes?: Record<string, unknown> };

/**
 * Queries of `customers`, all by `_id` (the customers collection has no other index): one document each, pushed
 * down to PostgreSQL on FerretDB. Guards (`languageSource`, `email`) are extra conditions on that one document.
 */
export function customerRepo(model: Model<CustomerDoc>) {
  const lean = <T = StoredCustomer>(q: { lean<R>(): Promise<R> }) => q.lean<T | null>();
  const projection = (fields?: readonly string[]) => (fields ? Object.fromEntries(fields.map((f) => [f, 1])) : undefined);
  const read = <K extends keyof CustomerDoc>(id: Types.ObjectId | string, fields?: readonly K[]) =>
    lean<CustomerFields<K>>(model.findById(new Types.ObjectId(id), projection(fields)));
  const notify = async (doc: StoredCustomer | null): Promise<StoredCustomer | null> => {
    if (doc) for (const l of listenersOf.get(model.db) ?? []) await l.written(doc);
    return doc;
  };
  /** One single-document write by `_id` (plus guard) whose result the directory sees: the document after it. */
  const write = async (filter: Record<string, unknown>, update: Record<string, unknown>, upsert = false) =>
    notify(await lean(model.findOneAndUpdate(filter, update, { new: true, upsert })));
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
    createIfAbsent: (id: Types.ObjectId, fields: NewCustomer, seenAt: Date): Promise<StoredCustomer | null> =>
      write({ _id: id }, { $setOnInsert: fields, $set: { lastSeenAt: seenAt } }, true),
    /** Moves lastSeenAt forward to `at` (never back) (index: `_id`). */
    async touchLastSeen(id: Types.ObjectId, at: Date): Promise<void> {
      await model.updateOne({ _id: id }, { $max: { lastSeenAt: at } });
      for (const l of listenersOf.get(model.db) ?? []) await l.seen(id, at);
    },
    /** Stores a detected language unless an agent set one, whose choice detection never overwrites (index: `_id`). */
    async setDetectedLanguage(id: Types.ObjectId, language: string): Promise<void> {
      await write({ _id: id, languageSource: { $ne: 'agent' } }, { $set: { language, languageSource: 'detected' } });
    },
    /** An agent sets (or clears, with null) the language; the stored document after, null if gone (index: `_id`). */
    setLanguage: (id: Types.ObjectId, language: string | null): Promise<StoredCustomer | null> =>
      write({ _id: id }, language ? { $set: { language, languageSource: 'agent' } } : { $unset: { language: 1, languageSource: 1 } }),
    /**
     * Sets and clears custom attributes (values already checked against their definitions), each a top-level path
     * `attributes.<key>` so concurrent writes of other keys are kept: the document after, null if gone (index: `_id`).
     */
    setAttributes: (id: Types.ObjectId, set: Record<string, unknown>, unset: string[] = []): Promise<StoredCustomer | null> =>
      write({ _id: id }, {
        ...(Object.keys(set).length ? { $set: Object.fromEntries(Object.entries(set).map(([k, v]) => [`attributes.${k}`, v])) } : {}),
        ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [`attributes.${k}`, 1])) } : {}),
      }),
    /**
     * Adds and removes labels (tags); a label is removed when it equals one given as the directory compares them
     * ("vip" removes "vıp"): the document after, null if gone (index: `_id`).
     */
    setTags: async (id: Types.ObjectId, add: string[], remove: string[]): Promise<StoredCustomer | null> => {
      const cur = await read(id, ['tags']);
      if (!cur) return null;
      const gone = new Set(remove.map(equalityValue));
      const tags = [...new Set([...(cur.tags ?? []).filter((t) => !gone.has(equalityValue(t))), ...add])];
      return write({ _id: id }, { $set: { tags } });
    },
    /**
     * CSV import's write of one customer (index: `_id`): creates it with `fields` unless it exists, else sets them
     * (attributes key by key; labels added to the ones it has). The document after.
     */
    importUpsert: async (id: Types.ObjectId, fields: ImportedCustomer): Promise<StoredCustomer | null> => {
      const { attributes = {}, tags = [], ...contact } = fields;
      const cur = await read(id, ['tags']);
      const $set: Record<string, unknown> = { ...contact, tags: [...new Set([...(cur?.tags ?? []), ...tags])] };
      for (const [k, v] of Object.entries(attributes)) $set[`attributes.${k}`] = v;
      if (contact.language) $set.languageSource = 'agent';
      return write({ _id: id }, { $set }, true);
    },
    /** Sets the email of a customer that has none (index: `_id`). */
    async setEmailIfAbsent(id: Types.ObjectId, email: string): Promise<void> {
      await write({ _id: id, email: { $exists: false } }, { $set: { email } });
    },
    /** Clears the customer's email if it is `email` (the address became a claim): the document after (index: `_id`). */
    clearEmailIf: (id: Types.ObjectId, email: string): Promise<StoredCustomer | null> => write({ _id: id, email }, { $unset: { email: 1 } }),
    /** Records the email the customer claimed, unless it is the one recorded: whether it changed (index: `_id`). */
    async setUnverifiedEmail(id: Types.ObjectId, email: string): Promise<boolean> {
      return (await model.updateOne({ _id: id, unverifiedEmail: { $ne: email } }, { $set: { unverifiedEmail: email } })).modifiedCount === 1;
    },
    /** Renames the customer: the document as it was before, null if gone (index: `_id`). */
    rename: async (id: Types.ObjectId, name: string): Promise<StoredCustomer | null> => {
      const before = await lean(model.findOneAndUpdate({ _id: id }, { $set: { name } }));
      if (before) await notify(await lean(model.findById(id))); // the directory shows the name
      return before;
    },
    /** Caches the customer's unresolved conversation (its openKey stays the truth) (index: `_id`). */
    async setOpenConversation(id: Types.ObjectId, conversationId: Types.ObjectId | null): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { openConversationId: conversationId } });
    },
    /** Sets contact fields as given (null clears: mongoose drops undefined from a $set) (index: `_id`). */
    async setContact(id: Types.ObjectId, contact: CustomerContact): Promise<void> {
      await write({ _id: id }, { $set: contact });
    },
    /** Marks the customer merged into another (null: no longer) with its cached open conversation (index: `_id`). */
    async setMergedInto(id: Types.ObjectId, mergedInto: Types.ObjectId | null, openConversationId: Types.ObjectId | null): Promise<void> {
      await write({ _id: id }, { $set: { mergedInto, openConversationId } });
    },
    /**
     * Erasure (index: `_id`): every personal field removed, labels and attributes emptied, `erasedAt` set (kept from
     * an earlier erase, so repeating it changes nothing). The document after; the directory drops the customer.
     */
    anonymize: async (id: Types.ObjectId, at: Date): Promise<StoredCustomer | null> => {
      const erasedAt = (await read(id, ['erasedAt']))?.erasedAt ?? at;
      return write({ _id: id }, {
        $set: { tags: [], attributes: {}, openConversationId: null, erasedAt },
        $unset: { name: 1, email: 1, phone: 1, language: 1, languageSource: 1, unverifiedEmail: 1, lastSeenAt: 1, visitor: 1 },
      });
    },
    /** Every customer, in batches of one cursor pass (maintenance jobs, never requests). */
    eachBatch: (size: number, fn: (docs: CustomerFields<'name' | 'email' | 'phone' | 'unverifiedEmail' | 'createdAt'>[]) => Promise<void>) =>
      eachBatch(model, {}, { name: 1, email: 1, phone: 1, unverifiedEmail: 1, createdAt: 1 }, size, fn),
    /** Every customer with the fields the directory indexes, in batches (its rebuild, never requests). */
    async *allForDirectory(size = 500): AsyncGenerator<DirectoryCustomer[]> {
      let batch: DirectoryCustomer[] = [];
      for await (const doc of model.collection.find({}, { projection: DIRECTORY_FIELDS, batchSize: size })) {
        batch.push(doc as DirectoryCustomer);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
  };
}
