import { Schema, type Connection } from 'mongoose';

/**
 * The label catalog: what admins set about a conversation label beyond its name (its colour). `_id` is the label's
 * normalized name (src/domain/labels.ts), the same string conversations carry in `labels`, so a lookup is an `_id`
 * read and a label nobody styled needs no document. Which labels exist comes from the conversations (the inbox
 * index), not from here.
 */
const labelSchema = new Schema(
  {
    _id: { type: String, required: true, maxlength: 40 },
    /** `#rrggbb`. */
    colour: { type: String, required: true, maxlength: 7 },
  },
  { timestamps: true },
);

const define = (db: Connection) => db.model('Label', labelSchema, 'labels');
/** The model on this connection (registered once per connection). */
export const labelModel = (db: Connection) => (db.models.Label as ReturnType<typeof define> | undefined) ?? define(db);

export interface StoredLabel { _id: string; colour: string; createdAt: Date; updatedAt: Date }

/** Every query and write of `labels`: a few hundred documents at most, read whole; writes by `_id`. */
export function labelRepo(model: ReturnType<typeof labelModel>) {
  return {
    /** Index: none, the whole (small) collection. */
    all: (): Promise<StoredLabel[]> => model.find().lean<StoredLabel[]>(),
    /** Index: `_id`. */
    byName: (name: string): Promise<StoredLabel | null> => model.findById(name).lean<StoredLabel | null>(),
    /** Index: `_id`. Sets the label's colour (one single-document upsert). */
    async setColour(name: string, colour: string): Promise<void> {
      await model.updateOne({ _id: name }, { $set: { colour } }, { upsert: true });
    },
    /** Index: `_id`. Forgets what was set about a label (after a rename moved it). */
    async remove(name: string): Promise<void> {
      await model.deleteOne({ _id: name });
    },
  };
}
