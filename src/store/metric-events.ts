import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const METRIC_EVENT_TYPES = ['inbound', 'opened', 'reopened', 'assigned', 'response', 'resolved', 'queued', 'dequeued', 'sla'] as const;
export type MetricEventType = (typeof METRIC_EVENT_TYPES)[number];

/**
 * Append-only facts every metric is computed from (docs/metrics.md). The `_id` is a key derived from what the fact
 * is about (`response:<message id>`, `resolved:<conversation id>:<time>` ...), so recording a fact twice (a retried
 * job) stores it once. Durations are stored in both clocks, computed when the fact happened with the team's
 * calendar of that moment.
 */
const metricEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, enum: METRIC_EVENT_TYPES, required: true },
    at: { type: Date, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    agentId: { type: Schema.Types.ObjectId, default: null },
    channel: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, default: null },
    /** response: the conversation's first response (its FRT is frtWallMs / frtBusinessMs). */
    first: Boolean,
    /** response: response time; resolved: resolution time; dequeued: waiting time in queue. */
    wallMs: Number,
    businessMs: Number,
    frtWallMs: Number,
    frtBusinessMs: Number,
    /** sla: which target and how it ended. */
    target: { type: String, enum: ['firstResponse', 'nextResponse', 'resolution'] },
    outcome: { type: String, enum: ['hit', 'breached'] },
    dueAt: Date,
  },
  { versionKey: false },
);
// Serves: recomputeBuckets(from, to) (events by time range; an operator's rebuild, not a hot path).
metricEventSchema.index({ at: 1 });
// Serves: one conversation's facts (the CSV's SLA outcome per row, audits, tests).
metricEventSchema.index({ conversationId: 1, at: 1 });

export type MetricEventDoc = InferSchemaType<typeof metricEventSchema>;
const define = (db: Connection) => db.model('MetricEvent', metricEventSchema, 'metric_events');
/** The model on this connection (registered once per connection). */
export const metricEventModel = (db: Connection) => (db.models.MetricEvent as ReturnType<typeof define> | undefined) ?? define(db);

/** Queries of `metric_events` that have moved into the store layer (the rest still goes through the model). */
export function metricEventRepo(model: Model<MetricEventDoc>) {
  return {
    /** One conversation's facts (a conversation has a few). */
    ofConversation: (conversationId: Types.ObjectId | string) =>
      model.find({ conversationId: new Types.ObjectId(conversationId) }).lean<(MetricEventDoc & { _id: string })[]>(),
  };
}
