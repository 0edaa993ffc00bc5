import { Schema, type Connection } from 'mongoose';

/**
 * Hourly metric buckets, one document per (UTC day, team, agent, channel) holding its 24 hours under `h.<hour>`
 * (hour entries: counts `n`, sums `s`, sparse log-scale histograms `b`, version `v`). Team and agent are ids,
 * `none`, or `*` (all): every fact lands in four documents, so a report with or without team/agent filters reads
 * one document per day and channel, by `_id` = `<day>|<team>|<agent>|<channel>`. Reads by `_id` are the only
 * lookups FerretDB pushes down on every backend, and they keep report time independent of history size.
 * Written only by the metrics flusher (one at a time, see src/services/metrics-buckets.ts).
 */
const metricBucketSchema = new Schema(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    teamId: { type: String, required: true },
    agentId: { type: String, required: true },
    channel: { type: String, required: true },
    /** `<team>|<agent>|<YYYY-MM>`: what a report reads, one equality query per month of its range. */
    mk: { type: String, required: true },
    h: { type: Schema.Types.Mixed, default: {} },
    /** The day's rollup: the sum of `h`, plus `v.<hour>` inbound counts (reports read it for whole days). */
    d: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);
// Serves: reports (one equality query per month; FerretDB pushes equality filters down to PostgreSQL).
metricBucketSchema.index({ mk: 1 });
// Serves: recomputeBuckets clearing the days it rebuilds.
metricBucketSchema.index({ day: 1 });

const define = (db: Connection) => db.model('MetricBucket', metricBucketSchema, 'metric_buckets');
/** The model on this connection (registered once per connection). */
export const metricBucketModel = (db: Connection) => (db.models.MetricBucket as ReturnType<typeof define> | undefined) ?? define(db);
