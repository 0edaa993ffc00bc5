import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { ascendingBy } from './order';

/** Canned responses: reusable reply texts, inserted in the console's composer by typing /shortcut. */
const cannedSchema = new Schema(
  {
    shortcut: { type: String, required: true, maxlength: 40 },
    title: { type: String, required: true, maxlength: 200 },
    text: { type: String, required: true, maxlength: 5000 },
    language: { type: String, maxlength: 16 },
    createdBy: { type: String },
  },
  { timestamps: true },
);
// Serves: one shortcut means one response (create and update refuse a second one).
cannedSchema.index({ shortcut: 1 }, { unique: true });

type CannedDoc = InferSchemaType<typeof cannedSchema>;
const define = (db: Connection) => db.model('Canned', cannedSchema, 'canned');
/** The model on this connection (registered once per connection). */
export const cannedModel = (db: Connection) => (db.models.Canned as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored canned response as every read returns it. */
export type StoredCanned = CannedDoc & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
/** The fields of a canned response its author sets (shortcut already normalized). */
export interface CannedFields { shortcut: string; title: string; text: string; language?: string }

/**
 * Every query and write of `canned`. A team's library of reply texts holds tens to hundreds: the list reads the
 * whole collection and sorts in code (on FerretDB a store-side sort runs in Go over the same documents anyway).
 * Writes go by `_id`; the unique shortcut turns a second response of one shortcut into a duplicate-key error.
 */
export function cannedRepo(model: ReturnType<typeof cannedModel>) {
  return {
    /** Index: none, the whole (small) collection. The first `limit` responses by shortcut. */
    list: async (limit: number): Promise<StoredCanned[]> =>
      (await model.find().lean<StoredCanned[]>()).sort(ascendingBy('shortcut')).slice(0, limit),
    /** Index: `shortcut` (unique). */
    create: async (fields: CannedFields & { createdBy: string }): Promise<StoredCanned> => (await model.create(fields)).toObject() as StoredCanned,
    /** Index: `_id` (and `shortcut`, unique, when it changes). The response after the change, or null when gone. */
    update: (id: Types.ObjectId, set: Partial<CannedFields>): Promise<StoredCanned | null> =>
      model.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<StoredCanned | null>(),
    /** Index: `_id`. One response, or null. */
    byId: (id: Types.ObjectId): Promise<StoredCanned | null> => model.findById(id).lean<StoredCanned | null>(),
    /** Index: `_id`. False when there was nothing to delete. */
    remove: async (id: Types.ObjectId): Promise<boolean> => (await model.deleteOne({ _id: id })).deletedCount > 0,
  };
}
