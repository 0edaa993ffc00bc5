import { Schema, type Connection, type InferSchemaType } from 'mongoose';

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
// Serves: one shortcut means one response (the composer looks them up by shortcut).
cannedSchema.index({ shortcut: 1 }, { unique: true });

export type CannedDoc = InferSchemaType<typeof cannedSchema>;
const define = (db: Connection) => db.model('Canned', cannedSchema, 'canned');
/** The model on this connection (registered once per connection). */
export const cannedModel = (db: Connection) => (db.models.Canned as ReturnType<typeof define> | undefined) ?? define(db);
