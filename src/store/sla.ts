import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { inParallel } from './parallel';

/** One SLA breach on a conversation; `key` (`<kind>:<due ms>`) keeps a retried breach job from adding it twice. */
const breachSchema = new Schema({ key: String, kind: String, dueAt: Date, at: Date }, { _id: false });

/** The conversation's `sla` (SlaClocks in src/domain/sla.ts, plus breaches); written only by src/services/sla*.ts. */
const slaStateSchema = new Schema(
  {
    firstResponseDueAt: { type: Date, default: null },
    nextResponseDueAt: { type: Date, default: null },
    nextResponseFor: { type: Date, default: null },
    resolutionDueAt: { type: Date, default: null },
    resolutionStarted: { type: Boolean, default: false },
    paused: { type: Schema.Types.Mixed, default: null },
    /** Compare-and-set counter: clock updates are computed from a read, so they apply only if nobody wrote between. */
    rev: { type: Number, default: 0 },
    breaches: { type: [breachSchema], default: [] },
  },
  { _id: false, minimize: false },
);

/** Adds `sla` to the conversation schema (kept here so the SLA work stays in its own files). */
export function addSlaFields(conversationSchema: Schema): void {
  conversationSchema.add({ sla: { type: slaStateSchema, default: undefined } });
  // Serves: the supervisors' at-risk list (due within N minutes), without scanning every conversation on MongoDB.
  for (const field of ['firstResponseDueAt', 'nextResponseDueAt', 'resolutionDueAt']) conversationSchema.index({ [`sla.${field}`]: 1 });
}

/**
 * Business hours, out-of-hours reply and SLA policy of one team, or of everyone (`_id` 'default'): teams without
 * their own settings use the default's. Keyed by `_id` so every lookup is an `_id` read (docs/business-hours-sla.md).
 */
const teamPolicySchema = new Schema(
  {
    _id: { type: String, required: true },
    calendar: { type: Schema.Types.Mixed, default: null },
    autoReply: { type: Schema.Types.Mixed, default: null },
    sla: { type: Schema.Types.Mixed, default: null },
    /** Satisfaction survey settings (src/services/csat/csat-settings.ts). */
    csat: { type: Schema.Types.Mixed, default: null },
    /** Hand-off settings: auto-assign on reply (src/domain/handoff.ts). */
    handoff: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, minimize: false },
);

type TeamPolicyDoc = InferSchemaType<typeof teamPolicySchema>;
const define = (db: Connection) => db.model('TeamPolicy', teamPolicySchema, 'teampolicies');
/** The model on this connection (registered once per connection). */
export const teamPolicyModel = (db: Connection) => (db.models.TeamPolicy as ReturnType<typeof define> | undefined) ?? define(db);

/**
 * A stored team policy (`_id`: a team id, or 'default'). Its settings are Mixed and stored as given: readers validate
 * them (src/services/sla/sla-settings.ts).
 */
export type StoredTeamPolicy = Omit<TeamPolicyDoc, TeamPolicyField> & { _id: string } & Record<TeamPolicyField, unknown>;
export type TeamPolicyField = 'calendar' | 'autoReply' | 'sla' | 'csat' | 'handoff';

/** Every query and write of `teampolicies`: all by `_id` (one document per team that has its own settings). */
export function teamPolicyRepo(model: ReturnType<typeof teamPolicyModel>) {
  return {
    /** Index: `_id`, one lookup per key in parallel (never `$in`, a scan on FerretDB); in the order asked, null where none. */
    byKeys: (keys: string[]): Promise<(StoredTeamPolicy | null)[]> => inParallel(keys, (key) => model.findById(key).lean<StoredTeamPolicy | null>()),
    /**
     * Index: none, and none needed: no filter, the first document answers. Whether any team (or the default) has
     * settings; the collection holds at most one document per team.
     */
    any: async (): Promise<boolean> => Boolean(await model.exists({})),
    /** Index: `_id`. Stores one setting of a key (creating its document); null removes the setting. */
    async set(key: string, field: TeamPolicyField, value: unknown): Promise<void> {
      await model.updateOne({ _id: key }, { $set: { [field]: value } }, { upsert: true });
    },
  };
}
