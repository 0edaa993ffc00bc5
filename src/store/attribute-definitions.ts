import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { AttributeDefinition, AttributeScope } from '../domain/attributes';

/**
 * Admin-defined typed attributes (src/domain/attributes.ts), one document each, `_id` = "<scope>:<key>". The
 * definitions are few (tens), so every read is of the whole collection, filtered by scope here; no other index.
 */
const attributeDefinitionSchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    scope: { type: String, required: true },
    type: { type: String, required: true },
    label: { type: String, required: true },
    options: { type: [String], default: undefined },
    multi: { type: Boolean },
    currency: { type: String },
  },
  { timestamps: true, minimize: false },
);

type Stored = AttributeDefinition & { _id: string; createdAt?: Date; updatedAt?: Date };
const define = (db: Connection) => db.model('AttributeDefinition', attributeDefinitionSchema, 'attribute_definitions');
/** The model on this connection (registered once per connection). */
export const attributeDefinitionModel = (db: Connection) =>
  (db.models.AttributeDefinition as ReturnType<typeof define> | undefined) ?? define(db);

const idOf = (scope: AttributeScope, key: string) => `${scope}:${key}`;
const plain = ({ key, scope, type, label, options, multi, currency }: Stored): AttributeDefinition =>
  ({ key, scope, type, label, ...(options ? { options } : {}), ...(multi !== undefined ? { multi } : {}), ...(currency ? { currency } : {}) });

/** Every query and write of `attribute_definitions`: by `_id`, or all of them (a handful). */
export function attributeDefinitionRepo(model: Model<InferSchemaType<typeof attributeDefinitionSchema>>) {
  return {
    /** Every definition of a scope, by key (reads the few documents of the collection). */
    ofScope: async (scope: AttributeScope): Promise<AttributeDefinition[]> =>
      (await model.find({ scope }).lean<Stored[]>()).map(plain).sort((a, b) => a.key.localeCompare(b.key)),
    /** One definition (index: `_id`), null when undefined. */
    get: async (scope: AttributeScope, key: string): Promise<AttributeDefinition | null> => {
      const doc = await model.findById(idOf(scope, key)).lean<Stored | null>();
      return doc ? plain(doc) : null;
    },
    /** Creates or replaces a definition (index: `_id`): the definition as it was before, null if new. */
    put: async (def: AttributeDefinition): Promise<AttributeDefinition | null> => {
      const unset = Object.fromEntries((['options', 'multi', 'currency'] as const).filter((k) => def[k] === undefined).map((k) => [k, 1]));
      const before = await model.findOneAndUpdate({ _id: idOf(def.scope, def.key) }, { $set: def, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true }).lean<Stored | null>();
      return before ? plain(before) : null;
    },
    /** Removes a definition (index: `_id`): the one removed, null if there was none. Stored values stay, unshown. */
    remove: async (scope: AttributeScope, key: string): Promise<AttributeDefinition | null> => {
      const before = await model.findOneAndDelete({ _id: idOf(scope, key) }).lean<Stored | null>();
      return before ? plain(before) : null;
    },
  };
}
