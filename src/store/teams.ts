import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { isDuplicateKey } from './connection';
import { ascendingBy } from './order';
import { inParallel } from './parallel';

const teamSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 200 },
    assignmentPolicy: { type: String, enum: ['manual', 'round-robin', 'least-busy'], default: 'manual' },
  },
  { timestamps: true },
);
// Serves: team lookup by name (the default routing team, seeding): byName, ensure.
teamSchema.index({ name: 1 }, { unique: true });

type TeamDoc = InferSchemaType<typeof teamSchema>;
const define = (db: Connection) => db.model('Team', teamSchema);
/** The model on this connection (registered once per connection). */
export const teamModel = (db: Connection) => (db.models.Team as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored team as every read returns it. */
export type StoredTeam = TeamDoc & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export type AssignmentPolicyName = 'manual' | 'round-robin' | 'least-busy';

/**
 * Every query and write of `teams`. An install has a handful to hundreds of teams: lists read the whole
 * collection and sort in code (on FerretDB a store-side sort runs in Go over the same documents anyway); single
 * teams are read by `_id` or the unique name, several by parallel `_id` lookups (never `$in`, a scan on FerretDB).
 */
export function teamRepo(model: ReturnType<typeof teamModel>) {
  const one = (q: { lean<T>(): Promise<T> }) => q.lean<StoredTeam | null>();
  const exists = async (id: Types.ObjectId | string): Promise<boolean> =>
    Types.ObjectId.isValid(id) && Boolean(await model.exists({ _id: new Types.ObjectId(id) }));
  return {
    /** Index: `_id`. Null for an id that is not an ObjectId. */
    byId: (id: Types.ObjectId | string): Promise<StoredTeam | null> =>
      Types.ObjectId.isValid(id) ? one(model.findById(new Types.ObjectId(id))) : Promise.resolve(null),
    /** Index: `name` (unique). */
    byName: (name: string): Promise<StoredTeam | null> => one(model.findOne({ name })),
    /** Index: `_id`. */
    exists,
    /** Index: `_id`, one lookup per distinct id in parallel. True when every id names a team. */
    allExist: async (ids: (Types.ObjectId | string)[]): Promise<boolean> =>
      (await inParallel([...new Set(ids.map(String))], exists)).every(Boolean),
    /** Index: none, the whole (small) collection. Every team, by name. */
    all: async (): Promise<StoredTeam[]> =>
      (await model.find().lean<StoredTeam[]>()).sort(ascendingBy('name')),
    /** Index: `name` (unique): a duplicate name throws the store's duplicate-key error. */
    create: async (name: string): Promise<StoredTeam> => (await model.create({ name })).toObject() as StoredTeam,
    /**
     * Index: `name` (unique). The team of this name, created if missing (race-safe on the unique name) with
     * `policy`; an existing team keeps its own. Its id.
     */
    async ensure(name: string, policy?: AssignmentPolicyName): Promise<Types.ObjectId> {
      try {
        await model.updateOne({ name }, { $setOnInsert: { name, ...(policy ? { assignmentPolicy: policy } : {}) } }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      return (await one(model.findOne({ name })))!._id;
    },
    /** Index: `_id` (and `name`, unique: a taken name throws the duplicate-key error). The team after, or null. */
    rename: (id: Types.ObjectId | string, name: string): Promise<StoredTeam | null> =>
      Types.ObjectId.isValid(id) ? one(model.findOneAndUpdate({ _id: new Types.ObjectId(id) }, { $set: { name } }, { new: true })) : Promise.resolve(null),
    /** Index: `_id`. The team after the change, or null when it does not exist. */
    setAssignmentPolicy: (id: Types.ObjectId | string, assignmentPolicy: AssignmentPolicyName): Promise<StoredTeam | null> =>
      Types.ObjectId.isValid(id) ? one(model.findOneAndUpdate({ _id: new Types.ObjectId(id) }, { $set: { assignmentPolicy } }, { new: true })) : Promise.resolve(null),
  };
}
