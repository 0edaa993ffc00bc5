import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';

/** What a token may do: read (GET), write (every other method), admin (admin and supervisor routes). */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * API tokens: personal ones (an agent's own) and bot ones (owned by a bot agent an admin created). Only a SHA-256 of
 * the secret is stored; the `_id` is derived from that hash (src/store/keys.ts), so authenticating a request is one
 * `_id` read, index-served on every store.
 */
const apiTokenSchema = new Schema(
  {
    /** SHA-256 (hex) of the whole token; compared again after the `_id` lookup. */
    hash: { type: String, required: true },
    /** The token's first characters, shown in lists so a person can tell their tokens apart. */
    prefix: { type: String, required: true, maxlength: 32 },
    name: { type: String, required: true, maxlength: 100 },
    kind: { type: String, enum: ['personal', 'bot'], required: true },
    /** The agent the token acts as. */
    ownerId: { type: Schema.Types.ObjectId, required: true },
    scopes: { type: [String], enum: TOKEN_SCOPES, required: true },
    createdBy: { id: String, name: String },
    expiresAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// Serves: an agent's own tokens (the account screen): `ofOwner`.
apiTokenSchema.index({ ownerId: 1 });

type ApiTokenDoc = InferSchemaType<typeof apiTokenSchema>;
const define = (db: Connection) => db.model('ApiToken', apiTokenSchema, 'api_tokens');
/** The model on this connection (registered once per connection). */
export const apiTokenModel = (db: Connection) => (db.models.ApiToken as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored token as every read returns it. */
export type StoredApiToken = Omit<ApiTokenDoc, 'scopes'> & { _id: Types.ObjectId; scopes: TokenScope[]; createdAt: Date; updatedAt: Date };
export type NewApiToken = Pick<StoredApiToken, 'hash' | 'prefix' | 'name' | 'kind' | 'ownerId' | 'scopes' | 'createdBy' | 'expiresAt'>;

/**
 * Every query and write of `api_tokens`. An install holds tens to hundreds: the admin list reads the whole
 * collection and sorts in code; one agent's tokens by the `ownerId` equality; authentication by `_id`.
 */
export function apiTokenRepo(model: ReturnType<typeof apiTokenModel>) {
  const newestFirst = (docs: StoredApiToken[]) => docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return {
    /** Index: `_id` (derived from the hash). */
    create: async (id: Types.ObjectId, fields: NewApiToken): Promise<StoredApiToken> =>
      (await model.create({ _id: id, ...fields })).toObject() as StoredApiToken,
    /** Index: `_id`. */
    byId: (id: Types.ObjectId): Promise<StoredApiToken | null> => model.findById(id).lean<StoredApiToken | null>(),
    /** Index: `ownerId`. Newest first. */
    ofOwner: async (ownerId: Types.ObjectId): Promise<StoredApiToken[]> => newestFirst(await model.find({ ownerId }).lean<StoredApiToken[]>()),
    /** Index: none, the whole (small) collection. Newest first. */
    all: async (): Promise<StoredApiToken[]> => newestFirst(await model.find().lean<StoredApiToken[]>()),
    /** Index: `_id`. The token after revocation; null when it does not exist or was revoked already. */
    revoke: (id: Types.ObjectId): Promise<StoredApiToken | null> =>
      model.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date() } }, { new: true }).lean<StoredApiToken | null>(),
    /** Index: `_id`. */
    touch: async (id: Types.ObjectId, at: Date): Promise<void> => {
      await model.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
    },
  };
}
