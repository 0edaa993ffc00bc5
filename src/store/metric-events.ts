import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { isDuplicateKey } from './connection';

export const METRIC_EVENT_TYPES = ['inbound', 'opened', 'reopened', 'assigned', 'response', 'resolved', 'queued', 'dequeued', 'sla', 'csat_asked', 'csat_answered'] as const;
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
    /** csat_answered: the score given (1-5) and, when the customer changed an earlier answer, the one it replaces. */
    score: Number,
    prevScore: Number,
    /** reopened: the status the customer's message took the conversation out of. */
    reopenedFrom: { type: String, enum: ['pending', 'snoozed', 'resolved'] },
    /** opened, response, resolved, csat_*: the customer's segments (ids) when the fact was recorded (reports split by them). */
    segments: { type: [String], default: undefined },
  },
  { versionKey: false },
);
// Serves: eachInTimeRange (recomputeBuckets: an operator's rebuild, not a hot path). On MongoDB a range scan of this
// index; on FerretDB ranges are not pushed down, so the rebuild reads every event once (maintenance only).
metricEventSchema.index({ at: 1 });
// Serves: one conversation's facts (the CSV's SLA outcome per row, audits, tests).
metricEventSchema.index({ conversationId: 1, at: 1 });

type MetricEventDoc = InferSchemaType<typeof metricEventSchema>;
const define = (db: Connection) => db.model('MetricEvent', metricEventSchema, 'metric_events');
/** The model on this connection (registered once per connection). */
export const metricEventModel = (db: Connection) => (db.models.MetricEvent as ReturnType<typeof define> | undefined) ?? define(db);

/** A stored fact as reads return it. */
export type StoredMetricEvent = MetricEventDoc & { _id: string };

/**
 * Every query and write of `metric_events`. Facts are appended by their derived `_id` (idempotent), read per
 * conversation by equality, and read by time only by the maintenance rebuild. Facts are keyed by what they are
 * about, not by time, so there is no equality that selects a time range: the rebuild's range stays a cursor.
 */
export function metricEventRepo(model: Model<MetricEventDoc>) {
  return {
    /** Whether any fact is stored at all (one document read: a fresh install has nothing to rebuild from). */
    hasAny: async (): Promise<boolean> => Boolean(await model.collection.findOne({}, { projection: { _id: 1 } })),
    /** Index: `conversationId, at`. One conversation's facts (a conversation has a few). */
    ofConversation: (conversationId: Types.ObjectId | string) =>
      model.find({ conversationId: new Types.ObjectId(conversationId) }).lean<StoredMetricEvent[]>(),
    /**
     * Index: `_id` (unique). Appends facts through the driver (as given, no casting); a fact already stored is kept
     * as it was (duplicate keys of an unordered insert are ignored, anything else throws).
     */
    async insertNew(events: readonly { _id: string; type: MetricEventType; at: Date }[]): Promise<void> {
      if (!events.length) return;
      try {
        await model.collection.insertMany(events as never[], { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
        const onlyDuplicates = Array.isArray(writeErrors) && writeErrors.length > 0 && writeErrors.every((e) => (e.err?.code ?? e.code) === 11000);
        if (!onlyDuplicates && !isDuplicateKey(err)) throw err;
      }
    },
    /**
     * Index: `at` on MongoDB; on FerretDB the range runs in Go over every event. Maintenance only (recomputeBuckets,
     * an operator's rebuild), never a request: the facts in [from, to) from one driver cursor, unsorted.
     */
    eachInTimeRange: (from: Date, to: Date): AsyncIterable<StoredMetricEvent> =>
      model.collection.find({ at: { $gte: from, $lt: to } }) as unknown as AsyncIterable<StoredMetricEvent>,
  };
}
