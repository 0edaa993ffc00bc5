import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import type { Action } from '../domain/actions';

export const MACRO_VISIBILITIES = ['personal', 'shared'] as const;
export type MacroVisibility = (typeof MACRO_VISIBILITIES)[number];

/**
 * Macros: a named action list (src/domain/actions.ts) an agent applies to a conversation in one click. Personal ones
 * belong to their owner; shared ones are the team's (supervisors and admins write them). `nameKey` makes a name
 * unique where it is seen: among the shared macros (`shared|<name>`), or among one owner's (`<ownerId>|<name>`).
 */
const macroSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 80 },
    nameKey: { type: String, required: true },
    /** Checked by actionListSchema before every write; stored as given. */
    actions: { type: [Schema.Types.Mixed], required: true },
    visibility: { type: String, enum: MACRO_VISIBILITIES, required: true },
    /** The agent who made it (the owner of a personal macro); shared macros keep their author here. */
    ownerId: { type: String, required: true },
    ownerName: { type: String, default: '' },
  },
  { timestamps: true },
);
// Serves: the shared macros (every agent's list), one equality; a team has tens of them.
macroSchema.index({ visibility: 1 });
// Serves: one agent's personal macros (their list), one equality; tens per agent.
macroSchema.index({ ownerId: 1 });
// Serves: a second macro of one name in the same scope is a duplicate-key error on create and rename.
macroSchema.index({ nameKey: 1 }, { unique: true });

type MacroDoc = InferSchemaType<typeof macroSchema>;
const define = (db: Connection) => db.model('Macro', macroSchema, 'macros');
/** The model on this connection (registered once per connection). */
export const macroModel = (db: Connection) => (db.models.Macro as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored macro as every read returns it. */
export type StoredMacro = Omit<MacroDoc, 'actions' | 'visibility'> & {
  _id: Types.ObjectId; actions: Action[]; visibility: MacroVisibility; createdAt: Date; updatedAt: Date;
};
export interface MacroFields { name: string; nameKey: string; actions: Action[]; visibility: MacroVisibility }

/**
 * Every query and write of `macros`. An agent's list is two equality reads (the shared ones, their own), sorted by
 * name (Turkish collation) in code; everything else goes by `_id`.
 */
export function macroRepo(model: ReturnType<typeof macroModel>) {
  return {
    /** Index: `visibility` and `ownerId`. The shared macros and `ownerId`'s personal ones, by name. */
    visibleTo: async (ownerId: string): Promise<StoredMacro[]> => {
      const [shared, own] = await Promise.all([
        model.find({ visibility: 'shared' }).lean<StoredMacro[]>(),
        model.find({ ownerId }).lean<StoredMacro[]>(),
      ]);
      const byId = new Map([...shared, ...own].map((m) => [String(m._id), m]));
      return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'tr'));
    },
    /** Index: `visibility` (shared) or `ownerId`; how many a scope holds (create refuses above its cap). */
    countShared: (): Promise<number> => model.countDocuments({ visibility: 'shared' }),
    countPersonal: async (ownerId: string): Promise<number> => (await model.find({ ownerId }).lean<StoredMacro[]>()).filter((m) => m.visibility === 'personal').length,
    /** Index: `nameKey` (unique). */
    create: async (fields: MacroFields & { ownerId: string; ownerName: string }): Promise<StoredMacro> => (await model.create(fields)).toObject() as StoredMacro,
    /** Index: `_id` (and `nameKey`, unique, when the name or scope changes). The macro after the change, or null when gone. */
    update: (id: Types.ObjectId, set: Partial<MacroFields>): Promise<StoredMacro | null> =>
      model.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<StoredMacro | null>(),
    /** Index: `_id`. */
    byId: (id: Types.ObjectId): Promise<StoredMacro | null> => model.findById(id).lean<StoredMacro | null>(),
    /** Index: `_id`. False when there was nothing to delete. */
    remove: async (id: Types.ObjectId): Promise<boolean> => (await model.deleteOne({ _id: id })).deletedCount > 0,
  };
}
