import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** An identity kind: SMS and WhatsApp share `phone`, so one phone number is one person on both. */
export const IDENTITY_KINDS = ['email', 'phone', 'webchat'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

const identitySchema = new Schema(
  {
    kind: { type: String, enum: IDENTITY_KINDS, required: true },
    /** Normalized: lowercase email, E.164 phone, widget visitor id. */
    address: { type: String, required: true, maxlength: 320 },
    customerId: { type: Schema.Types.ObjectId, required: true },
    verified: { type: Boolean, default: false },
  },
  { timestamps: true },
);
// Serves: resolving the sender of every inbound message; the unique key makes the race-safe upsert possible.
identitySchema.index({ kind: 1, address: 1 }, { unique: true });
// Serves: the customer sidebar (all identities of one customer).
identitySchema.index({ customerId: 1 });

export type IdentityDoc = InferSchemaType<typeof identitySchema>;
const define = (db: Connection) => db.model('Identity', identitySchema);
/** The model on this connection (registered once per connection). */
export const identityModel = (db: Connection) => (db.models.Identity as ReturnType<typeof define> | undefined) ?? define(db);

/** Queries of `identities` that have moved into the store layer (the rest still goes through the model). */
export function identityRepo(model: Model<IdentityDoc>) {
  return {
    /** A customer's identities (a customer has a handful; capped). */
    ofCustomer: (customerId: Types.ObjectId | string, limit = 50) =>
      model.find({ customerId: new Types.ObjectId(customerId) }).limit(limit).lean<(IdentityDoc & { _id: Types.ObjectId })[]>(),
  };
}
