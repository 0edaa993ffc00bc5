import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { ascendingBy } from './order';

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
// Serves: sign-in by email (byEmailWithPasswordHash), seeding (byEmail).
agentSchema.index({ email: 1 }, { unique: true });
// Serves: the agents of a team (routing candidates): activeOfTeam. Multikey: one entry per team of the agent.
agentSchema.index({ teamIds: 1 });

type AgentDoc = InferSchemaType<typeof agentSchema>;
const define = (db: Connection) => db.model('Agent', agentSchema);
/** The model on this connection (registered once per connection). */
export const agentModel = (db: Connection) => (db.models.Agent as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored agent as every read returns it (the password hash is only read by byEmailWithPasswordHash). */
export type StoredAgent = Omit<AgentDoc, 'passwordHash'> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export type AgentPresence = 'online' | 'away' | 'offline';
/** The agent's console preferences as stored (`settings`). */
export type AgentConsoleSettings = NonNullable<StoredAgent['settings']>;
/** The routing profile an admin edits (PATCH /agents/:id). */
export interface AgentProfile { languages?: string[]; skills?: string[]; capacity?: number; teamIds?: Types.ObjectId[] }
export interface NewAgent { email: string; name: string; passwordHash: string; role: string; teamIds: Types.ObjectId[]; languages: string[]; capacity?: number }

type AgentModel = ReturnType<typeof agentModel>;

/**
 * Every query and write of `agents`. An install has tens to hundreds of agents: lists read the whole collection
 * and sort in code (on FerretDB a store-side sort or `$ne` would run in Go over the same documents anyway). Single
 * agents are read by `_id` or the unique email, a team's agents by the multikey `teamIds` equality.
 */
export function agentRepo(model: AgentModel) {
  const one = (q: { lean<T>(): Promise<T> }) => q.lean<StoredAgent | null>();
  const oid = (id: Types.ObjectId | string) => new Types.ObjectId(id);
  /** Index: none, the whole (small) collection. Every agent, disabled ones included, by name. */
  const all = async (): Promise<StoredAgent[]> => (await model.find().lean<StoredAgent[]>()).sort(ascendingBy('name'));
  return {
    /** Index: `_id`. Null for an id that is not an ObjectId. */
    byId: (id: Types.ObjectId | string): Promise<StoredAgent | null> => (Types.ObjectId.isValid(id) ? one(model.findById(oid(id))) : Promise.resolve(null)),
    /** Index: `email` (unique). The email as stored (trimmed, lowercase). */
    byEmail: (email: string): Promise<StoredAgent | null> => one(model.findOne({ email })),
    /** Index: `email` (unique). Sign-in: the one read that includes the password hash. */
    byEmailWithPasswordHash: (email: string) => model.findOne({ email }).select('+passwordHash').lean<(StoredAgent & { passwordHash: string }) | null>(),
    all,
    /** Index: none, the whole (small) collection. Agents not disabled, by name. */
    active: async (): Promise<StoredAgent[]> => (await all()).filter((a) => !a.disabled),
    /** Index: `teamIds` (multikey). The team's agents not disabled (filtered here: `$ne` is not pushed down). */
    activeOfTeam: async (teamId: Types.ObjectId | string): Promise<StoredAgent[]> =>
      (await model.find({ teamIds: oid(teamId) }).lean<StoredAgent[]>()).filter((a) => !a.disabled),
    /** Index: `_id`. The agent's teams, or null when the agent does not exist. */
    teamIdsOf: async (id: Types.ObjectId | string): Promise<Types.ObjectId[] | null> => {
      const a = Types.ObjectId.isValid(id) ? await model.findById(oid(id), { teamIds: 1 }).lean<{ teamIds?: Types.ObjectId[] } | null>() : null;
      return a ? (a.teamIds ?? []) : null;
    },
    /** Index: `_id`. The agent's console settings as stored (null: no such agent). */
    settingsOf: async (id: Types.ObjectId): Promise<AgentConsoleSettings | null> =>
      (await model.findById(id, { settings: 1 }).lean<Pick<StoredAgent, 'settings'> | null>())?.settings ?? null,
    /** Index: `_id`. Sets the console settings given (not undefined), leaving the others. */
    async setSettings(id: Types.ObjectId, patch: Partial<AgentConsoleSettings>): Promise<void> {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined).map(([k, v]) => [`settings.${k}`, v]));
      if (Object.keys(set).length) await model.updateOne({ _id: id }, { $set: set });
    },
    /**
     * Index: `_id` (pushed down; the `$ne` then checks that one document). Sets the presence unless it already is
     * that one; true when this call changed it (the conditional write alone decides who changed it). updateOne, not
     * findOneAndUpdate: the schema hides passwordHash, and FerretDB's findAndModify supports no projection.
     */
    async setPresence(id: Types.ObjectId | string, presence: AgentPresence, since: Date): Promise<boolean> {
      const res = await model.updateOne({ _id: oid(id), presence: { $ne: presence } }, { $set: { presence, presenceSince: since } });
      return res.modifiedCount > 0;
    },
    /** Index: `_id`. Sets routing profile fields; false when the agent does not exist. */
    async setProfile(id: Types.ObjectId, profile: AgentProfile): Promise<boolean> {
      return (await model.updateOne({ _id: id }, { $set: profile })).matchedCount > 0;
    },
    /** Index: `email` (unique): a duplicate email throws the store's duplicate-key error. */
    async create(agent: NewAgent): Promise<StoredAgent> {
      const { passwordHash: _hash, ...stored } = (await model.create(agent)).toObject() as StoredAgent & { passwordHash?: string };
      return stored;
    },
  };
}
