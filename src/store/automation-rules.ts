import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import type { Condition, RuleAction, RuleTrigger } from '../domain/automation';

/**
 * Automation rules (docs/automation.md): a handful to a few hundred per install, read whole and cached by the
 * worker (src/services/automation/rules.ts); writes by `_id`. Order is `position`, kept dense by the service.
 */
const ruleSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 80 },
    enabled: { type: Boolean, default: true },
    position: { type: Number, required: true },
    event: { type: String, required: true },
    afterMinutes: { type: Number, default: null },
    /** Checked by ruleInputSchema before every write; stored as given. */
    conditions: { type: [Schema.Types.Mixed], default: [] },
    anyOf: { type: [Schema.Types.Mixed], default: [] },
    actions: { type: [Schema.Types.Mixed], required: true },
    updatedBy: { type: String, default: '' },
  },
  { timestamps: true, minimize: false },
);

type RuleDoc = InferSchemaType<typeof ruleSchema>;
const define = (db: Connection) => db.model('AutomationRule', ruleSchema, 'automation_rules');
/** The model on this connection (registered once per connection). */
export const automationRuleModel = (db: Connection) => (db.models.AutomationRule as ReturnType<typeof define> | undefined) ?? define(db);

export type StoredRule = Omit<RuleDoc, 'conditions' | 'anyOf' | 'actions' | 'event' | 'afterMinutes'> & {
  _id: Types.ObjectId; event: RuleTrigger; afterMinutes: number | null; conditions: Condition[]; anyOf: Condition[]; actions: RuleAction[];
  createdAt: Date; updatedAt: Date;
};
export interface RuleFields {
  name: string; enabled: boolean; event: RuleTrigger; afterMinutes: number | null; conditions: Condition[]; anyOf: Condition[]; actions: RuleAction[];
}

/** Every query and write of `automation_rules`. */
export function automationRuleRepo(model: ReturnType<typeof automationRuleModel>) {
  return {
    /** Index: none, the whole (small) collection, in rule order. */
    all: async (): Promise<StoredRule[]> =>
      (await model.find().lean<StoredRule[]>()).sort((a, b) => a.position - b.position || a.createdAt.getTime() - b.createdAt.getTime()),
    /** Index: `_id`. */
    byId: (id: Types.ObjectId): Promise<StoredRule | null> => model.findById(id).lean<StoredRule | null>(),
    create: async (fields: RuleFields & { position: number; updatedBy: string }): Promise<StoredRule> => (await model.create(fields)).toObject() as StoredRule,
    /** Index: `_id`. The rule after the change, or null when gone. */
    update: (id: Types.ObjectId, set: Partial<RuleFields & { position: number; updatedBy: string }>): Promise<StoredRule | null> =>
      model.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<StoredRule | null>(),
    /** Index: `_id`. False when there was nothing to delete. */
    remove: async (id: Types.ObjectId): Promise<boolean> => (await model.deleteOne({ _id: id })).deletedCount > 0,
  };
}
