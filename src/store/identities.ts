import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { CHANNEL_NAME } from '../domain/channels';
import { inParallel } from './parallel';
import { eachBatch } from './batches';

/**
 * An identity kind, declared by each channel (channels/index.ts): SMS and WhatsApp share `phone`, so one phone
 * number is one person on both. Validated where identities are made (src/domain/channels.ts), not listed here.
 */
export type IdentityKind = string;

const identitySchema = new Schema(
  {
    kind: { type: String, required: true, match: CHANNEL_NAME },
    /** Normalized: lowercase email, E.164 phone, widget visitor id. */
    address: { type: String, required: true, maxlength: 320 },
    customerId: { type: Schema.Types.ObjectId, required: true },
    verified: { type: Boolean, default: false },
  },
  { timestamps: true },
);
// Serves: resolving the sender of every inbound message; the unique key makes the race-safe upsert possible.
identitySchema.index({ kind: 1, address: 1 }, { unique: true });
// Serves: all identities of one customer (sidebar, reply address, merges): `ofCustomer`, `preferredOf`,
// `ofCustomerAndKind`, `reassign`.
identitySchema.index({ customerId: 1 });

type IdentityDoc = InferSchemaType<typeof identitySchema>;
const define = (db: Connection) => db.model('Identity', identitySchema);
/** The model on this connection (registered once per connection). */
export const identityModel = (db: Connection) => (db.models.Identity as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored identity as the repository returns it. */
export type StoredIdentity = IdentityDoc & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };
/** What a new identity stores besides its `_id` (derived from kind and address: src/store/keys.ts). */
export type NewIdentity = { kind: IdentityKind; address: string; customerId: Types.ObjectId; verified: boolean };

/** Verified first, then the most recently updated: the address a reply goes to. */
const preferred = (a: StoredIdentity, b: StoredIdentity) =>
  Number(Boolean(b.verified)) - Number(Boolean(a.verified)) || (b.updatedAt?.getTime() ?? 0) - (a.updatedAt?.getTime() ?? 0);

/**
 * Queries of `identities`: by `_id` (derived from kind and address, so it stands for the unique `{kind, address}`)
 * or by `customerId` (a customer has a handful, so ordering them happens here, not in the store).
 */
export function identityRepo(model: Model<IdentityDoc>) {
  const lean = (q: { lean<T>(): Promise<T> }) => q.lean<StoredIdentity | null>();
  const find = (customerId: Types.ObjectId | string, kind?: IdentityKind) =>
    model.find({ customerId: new Types.ObjectId(customerId), ...(kind ? { kind } : {}) }).lean<StoredIdentity[]>();
  return {
    /** One identity (index: `_id`). */
    byId: (id: Types.ObjectId): Promise<StoredIdentity | null> => lean(model.findById(id)),
    /** Several (index: `_id`), in the order asked (null where gone): parallel lookups, never `$in` (a scan on FerretDB). */
    byIds: (ids: Types.ObjectId[]): Promise<(StoredIdentity | null)[]> => inParallel(ids, (id) => lean(model.findById(id))),
    /** Whether the identity exists (index: `_id`). */
    exists: async (id: Types.ObjectId): Promise<boolean> => Boolean(await model.exists({ _id: id })),
    /**
     * Inserts the identity unless it exists (index: `_id`): the stored one, which decides the customer. Two racing
     * inserts: the loser gets a duplicate-key error and reads the winner's.
     */
    createIfAbsent: (id: Types.ObjectId, fields: NewIdentity): Promise<StoredIdentity | null> =>
      lean(model.findOneAndUpdate({ _id: id }, { $setOnInsert: fields }, { upsert: true, new: true })),
    /** Inserts the identity unless it exists (index: `_id`): whether this call inserted it (no document read back). */
    insertIfAbsent: async (id: Types.ObjectId, fields: NewIdentity): Promise<boolean> =>
      (await model.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true })).upsertedCount === 1,
    /** A customer's identities, oldest first; `limit` caps the read (index: `customerId`). */
    ofCustomer: async (customerId: Types.ObjectId | string, limit?: number): Promise<StoredIdentity[]> => {
      const docs = await (limit === undefined ? find(customerId) : find(customerId).limit(limit));
      return docs.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
    },
    /** A customer's identities, verified first, then the most recently updated (index: `customerId`). */
    preferredOf: async (customerId: Types.ObjectId | string): Promise<StoredIdentity[]> => (await find(customerId)).sort(preferred),
    /** The customer's preferred identity of one kind, null if it has none (index: `customerId`). */
    ofCustomerAndKind: async (customerId: Types.ObjectId | string, kind: IdentityKind): Promise<StoredIdentity | null> =>
      (await find(customerId, kind)).sort(preferred)[0] ?? null,
    /** Moves every identity of one customer to another (a merge) (index: `customerId`). */
    async reassign(from: Types.ObjectId, to: Types.ObjectId): Promise<void> {
      await model.updateMany({ customerId: from }, { $set: { customerId: to } });
    },
    /**
     * Removes every identity of a customer (erasure: the next message from one of its addresses makes a new
     * customer). Read by `customerId`, deleted one by one by `_id` (no multi-document delete on FerretDB's pool):
     * the removed identities.
     */
    async removeOfCustomer(customerId: Types.ObjectId): Promise<StoredIdentity[]> {
      const docs = await find(customerId);
      await inParallel(docs, (d) => model.deleteOne({ _id: d._id }));
      return docs;
    },
    /**
     * Unverified identities of one kind, in batches of one cursor pass (a maintenance pass, never requests: `kind` and
     * `verified` are top-level equalities, pushed down on FerretDB).
     */
    eachUnverified: (kind: IdentityKind, size: number, fn: (docs: StoredIdentity[]) => Promise<void>) =>
      eachBatch<StoredIdentity>(model, { kind, verified: false }, { kind: 1, address: 1, customerId: 1, verified: 1, createdAt: 1 }, size, fn),
    /** Removes one identity if it still belongs to `customerId` (index: `_id`): whether it did. */
    removeOfCustomerById: async (id: Types.ObjectId, customerId: Types.ObjectId): Promise<boolean> =>
      (await model.deleteOne({ _id: id, customerId })).deletedCount === 1,
    /** Moves the given identities to a customer (a merge's undo): parallel writes by `_id`, never `$in` (index: `_id`). */
    async moveTo(ids: Types.ObjectId[], customerId: Types.ObjectId): Promise<void> {
      await inParallel(ids, (id) => model.updateOne({ _id: id }, { $set: { customerId } }));
    },
  };
}
