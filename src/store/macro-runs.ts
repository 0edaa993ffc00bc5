import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { idForKey } from './keys';

/**
 * The last macro an agent applied to a conversation, kept for its undo: what each changed field was before and what
 * the macro left it at (undo restores a field only while it still holds the macro's value), and the replies and notes
 * it added. One document per (agent, conversation), `_id` derived from the pair: applying again replaces it, and an
 * undo claims it by deleting it, so two undo clicks restore once.
 */
const macroRunSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    agentId: { type: String, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    macroId: { type: Schema.Types.ObjectId, required: true },
    macroName: { type: String, required: true },
    appliedAt: { type: Date, required: true },
    /** Field -> value before the macro (plain JSON: ids as strings, dates as ISO strings); absent when empty. */
    before: { type: Schema.Types.Mixed, default: {} },
    /** Field -> value the macro left (the same shape). */
    after: { type: Schema.Types.Mixed, default: {} },
    /** Labels the macro added that were not there, and removed that were. */
    labelsAdded: { type: [String], default: [] },
    labelsRemoved: { type: [String], default: [] },
    /** Replies sent and notes added, by message id. */
    replies: { type: [String], default: [] },
    notes: { type: [String], default: [] },
  },
  { versionKey: false },
);

type MacroRunDoc = InferSchemaType<typeof macroRunSchema>;
const define = (db: Connection) => db.model('MacroRun', macroRunSchema, 'macro_runs');
/** The model on this connection (registered once per connection). */
export const macroRunModel = (db: Connection) => (db.models.MacroRun as ReturnType<typeof define> | undefined) ?? define(db);

/** The fields a run records (field snapshots are plain JSON). */
export type MacroRunFields = Omit<MacroRunDoc, '_id' | 'before' | 'after'> & { before: Record<string, unknown>; after: Record<string, unknown> };
export type StoredMacroRun = MacroRunFields & { _id: Types.ObjectId };

const runId = (agentId: string, conversationId: string) => idForKey('macro-run', `${agentId}|${conversationId}`);

/** Every query and write of `macro_runs`: by the `_id` of (agent, conversation) only. */
export function macroRunRepo(model: ReturnType<typeof macroRunModel>) {
  return {
    /** Index: `_id`. Replaces the agent's last run on that conversation. */
    record: async (run: MacroRunFields): Promise<void> => {
      const _id = runId(run.agentId, String(run.conversationId));
      await model.replaceOne({ _id }, { ...run, _id }, { upsert: true });
    },
    /** Index: `_id`. The agent's last run on the conversation, or null. */
    last: (agentId: string, conversationId: string): Promise<StoredMacroRun | null> =>
      model.findById(runId(agentId, conversationId)).lean<StoredMacroRun | null>(),
    /** Index: `_id`. Takes the run away for its undo: only one caller gets it. */
    claim: (agentId: string, conversationId: string): Promise<StoredMacroRun | null> =>
      model.findOneAndDelete({ _id: runId(agentId, conversationId) }).lean<StoredMacroRun | null>(),
  };
}
