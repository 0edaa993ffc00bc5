import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const agentSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 320 },
    name: { type: String, required: true, maxlength: 200 },
    passwordHash: { type: String, required: true, select: false },
    role: { type: String, enum: ['agent', 'supervisor', 'admin'], default: 'agent' },
    teamIds: { type: [Schema.Types.ObjectId], default: [] },
    languages: { type: [String], default: [] },
    skills: { type: [String], default: [] },
    capacity: { type: Number, default: 5, min: 0 },
    presence: { type: String, enum: ['online', 'away', 'offline'], default: 'offline' },
    /** When the presence last changed (wallboard "time in state", offline grace). */
    presenceSince: { type: Date, default: null },
    disabled: { type: Boolean, default: false },
    /** Console preferences of this agent (language of the UI, notification sound). */
    settings: {
      language: { type: String, enum: ['tr', 'en'], default: 'tr' },
      sound: { type: Boolean, default: true },
    },
  },
  { timestamps: true },
);
// Serves: sign-in by email.
agentSchema.index({ email: 1 }, { unique: true });

export type AgentDoc = InferSchemaType<typeof agentSchema>;
const define = (db: Connection) => db.model('Agent', agentSchema);
/** The model on this connection (registered once per connection). */
export const agentModel = (db: Connection) => (db.models.Agent as ReturnType<typeof define> | undefined) ?? define(db);
