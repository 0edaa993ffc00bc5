import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { ascendingBy } from './order';
import type { SavedView } from '../domain/saved-views';

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
    disabled: { type: Boolean, default: false },
    /** A bot: acts through API tokens only (its password hash is no hash, so it can never sign in). */
    bot: { type: Boolean, default: false },
    /**
     * Console preferences as agents before 2026-12 had them stored here; read only, as the starting point of the
     * agent's own `agent_settings` document (see agentSettingsSchema).
     */
    settings: { language: { type: String, enum: ['tr', 'en'] }, sound: { type: Boolean } },
  },
  { timestamps: true },
);

// FerretDB applies an update by reading the whole document and writing it back from its Go code (no row lock), so
// two concurrent updates of one document can lose one of them. What changes often and independently of the
// profile an admin edits lives in its own document keyed by the agent's `_id`: presence (every connect, disconnect
// and away) and console settings. Otherwise a presence flip could undo a concurrent deactivation or password
// change, or a language change (seen in CI: the console came up in English after "Türkçe" was saved).
const agentPresenceSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    presence: { type: String, enum: ['online', 'away', 'offline'], required: true },
    /** When the presence last changed (wallboard "time in state", offline grace). */
    since: { type: Date, required: true },
  },
  { versionKey: false, collection: 'agent_presences' },
);
const agentSettingsSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    language: { type: String, enum: ['tr', 'en'] },
    sound: { type: Boolean },
    /** Personal inbox views (src/domain/saved-views.ts), validated by the service; replaced as a whole. */
    views: { type: [Schema.Types.Mixed], default: undefined },
  },
  { versionKey: false, collection: 'agent_settings' },
);
// Serves: sign-in by email (byEmailWithPasswordHash), seeding (byEmail).
agentSchema.index({ email: 1 }, { unique: true });
// Serves: the agents of a team (routing candidates): activeOfTeam. Multikey: one entry per team of the agent.
agentSchema.index({ teamIds: 1 });

type AgentDoc = InferSchemaType<typeof agentSchema>;
const define = (db: Connection) => db.model('Agent', agentSchema);
/** The model on this connection (registered once per connection). */
export const agentModel = (db: Connection) => (db.models.Agent as ReturnType<typeof define> | undefined) ?? define(db);
const definePresence = (db: Connection) => db.model('AgentPresence', agentPresenceSchema);
export const agentPresenceModel = (db: Connection) =>
  (db.models.AgentPresence as ReturnType<typeof definePresence> | undefined) ?? definePresence(db);
const defineSettings = (db: Connection) => db.model('AgentSettings', agentSettingsSchema);
export const agentSettingsModel = (db: Connection) =>
  (db.models.AgentSettings as ReturnType<typeof defineSettings> | undefined) ?? defineSettings(db);

export type AgentPresence = 'online' | 'away' | 'offline';
/**
 * A stored agent as every read returns it (the password hash is only read by byEmailWithPasswordHash), with its
 * presence joined in (offline, since null, when the agent never connected).
 */
export type StoredAgent = Omit<AgentDoc, 'passwordHash' | 'settings'> & {
  _id: Types.ObjectId; createdAt: Date; updatedAt: Date; presence: AgentPresence; presenceSince: Date | null;
};
/** The agent's console preferences as stored (a field not set yet: the console's default). */
export interface AgentConsoleSettings { language?: 'tr' | 'en' | null; sound?: boolean | null; views?: SavedView[] | null }
interface StoredPresence { _id: Types.ObjectId; presence: AgentPresence; since: Date }
/** What an admin edits of an agent (PATCH /agents/:id): name, role and routing profile; the agent edits its name. */
export interface AgentProfile { name?: string; role?: 'agent' | 'supervisor' | 'admin'; languages?: string[]; skills?: string[]; capacity?: number; teamIds?: Types.ObjectId[] }
export interface NewAgent { email: string; name: string; passwordHash: string; role: string; teamIds: Types.ObjectId[]; languages: string[]; capacity?: number; bot?: boolean }

type AgentModel = ReturnType<typeof agentModel>;
type PresenceModel = ReturnType<typeof agentPresenceModel>;
type SettingsModel = ReturnType<typeof agentSettingsModel>;
const DUPLICATE_KEY = 11000;

/**
 * Every query and write of `agents`. An install has tens to hundreds of agents: lists read the whole collection
 * and sort in code (on FerretDB a store-side sort or `$ne` would run in Go over the same documents anyway). Single
 * agents are read by `_id` or the unique email, a team's agents by the multikey `teamIds` equality.
 */
export function agentRepo(model: AgentModel, presenceModel: PresenceModel, settingsModel: SettingsModel) {
  type Row = Omit<StoredAgent, 'presence' | 'presenceSince'>;
  const oid = (id: Types.ObjectId | string) => new Types.ObjectId(id);
  const withPresence = <A extends Row>(a: A, p: StoredPresence | null | undefined): A & Pick<StoredAgent, 'presence' | 'presenceSince'> =>
    ({ ...a, presence: p?.presence ?? 'offline', presenceSince: p?.since ?? null });
  /** Index: `_id` on both collections. */
  const one = async <A extends Row>(q: { lean<T>(): Promise<T> }) => {
    const a = await q.lean<A | null>();
    return a ? withPresence(a, await presenceModel.findById(a._id).lean<StoredPresence | null>()) : null;
  };
  /** Index: none, the whole (small) collections: agents and their presences, joined here. */
  const joined = async (rows: Row[]): Promise<StoredAgent[]> => {
    const presences = new Map((await presenceModel.find().lean<StoredPresence[]>()).map((p) => [String(p._id), p]));
    return rows.map((a) => withPresence(a, presences.get(String(a._id))));
  };
  /** Index: none, the whole (small) collection. Every agent, disabled ones included, by name. */
  const all = async (): Promise<StoredAgent[]> => (await joined(await model.find().lean<Row[]>())).sort(ascendingBy('name'));
  /** Index: `_id`. The agent's console settings (the ones stored before `agent_settings` until first changed). */
  const settingsOf = async (id: Types.ObjectId): Promise<AgentConsoleSettings> => {
    const own = await settingsModel.findById(id).lean<AgentConsoleSettings | null>();
    if (own) return { language: own.language, sound: own.sound, views: own.views };
    return (await model.findById(id, { settings: 1 }).lean<{ settings?: AgentConsoleSettings } | null>())?.settings ?? {};
  };
  return {
    /** Index: `_id`. Null for an id that is not an ObjectId. */
    byId: (id: Types.ObjectId | string): Promise<StoredAgent | null> => (Types.ObjectId.isValid(id) ? one<Row>(model.findById(oid(id))) : Promise.resolve(null)),
    /** Index: `email` (unique). The email as stored (trimmed, lowercase). */
    byEmail: (email: string): Promise<StoredAgent | null> => one<Row>(model.findOne({ email })),
    /** Index: `email` (unique). Sign-in: one of the two reads that include the password hash. */
    byEmailWithPasswordHash: (email: string) => one<Row & { passwordHash: string }>(model.findOne({ email }).select('+passwordHash')),
    /** Index: `_id`. A password change checks the current password: the other read that includes the hash. */
    byIdWithPasswordHash: (id: Types.ObjectId | string) =>
      Types.ObjectId.isValid(id) ? one<Row & { passwordHash: string }>(model.findById(oid(id)).select('+passwordHash')) : Promise.resolve(null),
    all,
    /** Index: none, the whole (small) collection. Agents not disabled, by name. */
    active: async (): Promise<StoredAgent[]> => (await all()).filter((a) => !a.disabled),
    /** Index: `teamIds` (multikey). The team's agents not disabled (filtered here: `$ne` is not pushed down). */
    activeOfTeam: async (teamId: Types.ObjectId | string): Promise<StoredAgent[]> => {
      const rows = (await model.find({ teamIds: oid(teamId) }).lean<Row[]>()).filter((a) => !a.disabled);
      // Index: `_id` of agent_presences, one read per member: routing asks this for every new conversation, and a
      // team is a small part of a large install's presences.
      return Promise.all(rows.map(async (a) => withPresence(a, await presenceModel.findById(a._id).lean<StoredPresence | null>())));
    },
    /** Index: `_id`. The agent's teams, or null when the agent does not exist. */
    teamIdsOf: async (id: Types.ObjectId | string): Promise<Types.ObjectId[] | null> => {
      const a = Types.ObjectId.isValid(id) ? await model.findById(oid(id), { teamIds: 1 }).lean<{ teamIds?: Types.ObjectId[] } | null>() : null;
      return a ? (a.teamIds ?? []) : null;
    },
    settingsOf,
    /**
     * Index: `_id`. Sets the console settings given (not undefined), leaving the others; the first change copies
     * the ones stored on the agent before (so nothing set earlier falls back to a default).
     */
    async setSettings(id: Types.ObjectId, patch: Partial<AgentConsoleSettings>): Promise<void> {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (!Object.keys(set).length) return;
      const legacy = (await settingsModel.exists({ _id: id })) ? {} : await settingsOf(id);
      const keep = Object.fromEntries(Object.entries(legacy).filter(([k, v]) => v != null && !(k in set)));
      await settingsModel.updateOne({ _id: id }, { $set: set, ...(Object.keys(keep).length ? { $setOnInsert: keep } : {}) }, { upsert: true });
    },
    /**
     * Index: `_id` (pushed down; the `$ne` then checks that one document). Sets the presence unless it already is
     * that one; true when this call changed it (the conditional write alone decides who changed it). The first
     * presence of an agent is an upsert: when it already exists with this presence, the insert hits `_id`.
     */
    async setPresence(id: Types.ObjectId | string, presence: AgentPresence, since: Date): Promise<boolean> {
      try {
        const res = await presenceModel.updateOne({ _id: oid(id), presence: { $ne: presence } }, { $set: { presence, since } }, { upsert: true });
        return res.modifiedCount > 0 || res.upsertedCount > 0;
      } catch (err) {
        if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    },
    /** Index: `_id`. Sets profile fields (name, role, routing); false when the agent does not exist. */
    async setProfile(id: Types.ObjectId, profile: AgentProfile): Promise<boolean> {
      return (await model.updateOne({ _id: id }, { $set: profile })).matchedCount > 0;
    },
    /** Index: `_id`. Replaces the password hash; false when the agent does not exist. */
    async setPasswordHash(id: Types.ObjectId | string, passwordHash: string): Promise<boolean> {
      if (!Types.ObjectId.isValid(id)) return false;
      return (await model.updateOne({ _id: oid(id) }, { $set: { passwordHash } })).matchedCount > 0;
    },
    /** Index: `_id`. Disables or enables the agent; the agent as stored afterwards, or null when it does not exist. */
    async setDisabled(id: Types.ObjectId | string, disabled: boolean): Promise<StoredAgent | null> {
      if (!Types.ObjectId.isValid(id)) return null;
      // updateOne then a read, not findOneAndUpdate: the schema hides passwordHash and FerretDB's findAndModify
      // supports no projection.
      if ((await model.updateOne({ _id: oid(id) }, { $set: { disabled } })).matchedCount === 0) return null;
      return one<Row>(model.findById(oid(id)));
    },
    /** Index: `email` (unique): a duplicate email throws the store's duplicate-key error. */
    async create(agent: NewAgent): Promise<StoredAgent> {
      const { passwordHash: _hash, ...stored } = (await model.create(agent)).toObject() as Row & { passwordHash?: string };
      return withPresence(stored, null);
    },
  };
}
