import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const teamSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 200 },
    assignmentPolicy: { type: String, enum: ['manual', 'round-robin', 'least-busy'], default: 'manual' },
  },
  { timestamps: true },
);
// Serves: team lookup by name in admin screens and seeding.
teamSchema.index({ name: 1 }, { unique: true });

export type TeamDoc = InferSchemaType<typeof teamSchema>;
const define = (db: Connection) => db.model('Team', teamSchema);
/** The model on this connection (registered once per connection). */
export const teamModel = (db: Connection) => (db.models.Team as ReturnType<typeof define> | undefined) ?? define(db);
