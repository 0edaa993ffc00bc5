import { Schema, type Connection } from 'mongoose';

/**
 * Hub-wide settings an admin changes at run time (no restart): one document per setting, `_id` = its name, the value
 * as the service that owns it validated it. Read by `_id` only (index-served on MongoDB and the tuned FerretDB).
 */
const settingSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
  },
  { timestamps: true, minimize: false },
);

const define = (db: Connection) => db.model('Setting', settingSchema);
/** The model on this connection (registered once per connection). */
export const settingModel = (db: Connection) => (db.models.Setting as ReturnType<typeof define> | undefined) ?? define(db);

/** Every query and write of `settings`: by `_id`. */
export function settingRepo(model: ReturnType<typeof settingModel>) {
  return {
    /** Index: `_id`. The stored value, or undefined when the setting was never set. */
    async get(name: string): Promise<unknown> {
      const doc = await model.findById(name).lean<{ value?: unknown } | null>();
      return doc ? doc.value : undefined;
    },
    /** Index: `_id`. Sets the value (one single-document upsert). */
    async set(name: string, value: unknown): Promise<void> {
      await model.updateOne({ _id: name }, { $set: { value } }, { upsert: true });
    },
  };
}
