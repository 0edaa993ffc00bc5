import { Schema, type Connection, type mongo } from 'mongoose';

/**
 * Hourly metric buckets, one document per (UTC day, team, agent, channel) holding its 24 hours under `h.<hour>`
 * (hour entries: counts `n`, sums `s`, sparse log-scale histograms `b`, version `v`). Team and agent are ids,
 * `none`, or `*` (all): every fact lands in four documents, `_id` = `<day>|<team>|<agent>|<channel>`. Reports read
 * the month rollups below and, for the edge days of their range, these documents by `_id`.
 * Written only by the metrics flusher (one at a time, see src/services/metrics/metrics-buckets.ts).
 */
const metricBucketSchema = new Schema(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    teamId: { type: String, required: true },
    agentId: { type: String, required: true },
    channel: { type: String, required: true },
    h: { type: Schema.Types.Mixed, default: {} },
    /** The day's rollup: the sum of `h`, plus `v.<hour>` inbound counts (reports read it for whole days). */
    d: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);
// Serves: recomputeBuckets clearing the days it rebuilds.
metricBucketSchema.index({ day: 1 });

const define = (db: Connection) => db.model('MetricBucket', metricBucketSchema, 'metric_buckets');
/** The model on this connection (registered once per connection). */
export const metricBucketModel = (db: Connection) => (db.models.MetricBucket as ReturnType<typeof define> | undefined) ?? define(db);

/**
 * Month rollups, one document per (team, agent, UTC month) with `_id` = `<team>|<agent>|<YYYY-MM>`: the day
 * rollups of every channel under `c.<channel>.<day>`. A report reads one of these per month by `_id` (the only
 * lookup FerretDB answers without reading every document), so its cost does not grow with the history.
 * Written by the metrics flusher beside each day rollup.
 */
const metricMonthSchema = new Schema({ _id: { type: String, required: true }, c: { type: Schema.Types.Mixed, default: {} } }, { versionKey: false, minimize: false });
const defineMonth = (db: Connection) => db.model('MetricMonth', metricMonthSchema, 'metric_months');
export const metricMonthModel = (db: Connection) => (db.models.MetricMonth as ReturnType<typeof defineMonth> | undefined) ?? defineMonth(db);

/** A stored bucket document: its hours (`h.<hour>`) and day rollup (`d`) packed as JSON strings. */
export interface StoredMetricBucket { _id: string; day: string; teamId: string; agentId: string; channel: string; h?: Record<string, string>; d?: string }
/** A stored month rollup: packed day rollups under `c.<channel>.<day>`. */
export interface StoredMetricMonth { _id: string; c?: Record<string, Record<string, string>> }
/** The fields of a bucket document besides its entries (all derived from its `_id`). */
export type MetricBucketDims = Pick<StoredMetricBucket, 'day' | 'teamId' | 'agentId' | 'channel'>;

/**
 * Every query and write of `metric_buckets` and `metric_months`: reads by `_id` or one day's equality, writes as
 * `$set` upserts by `_id`, through the driver (packed strings need no casting, and the flusher writes many).
 */
export function metricBucketRepo(buckets: ReturnType<typeof metricBucketModel>, months: ReturnType<typeof metricMonthModel>) {
  const bucketsOf = buckets.collection as unknown as mongo.Collection<StoredMetricBucket>;
  const monthsOf = months.collection as unknown as mongo.Collection<StoredMetricMonth>;
  return {
    /** Index: `_id`. */
    bucketById: (id: string): Promise<StoredMetricBucket | null> => bucketsOf.findOne({ _id: id }),
    /** Index: `_id`. */
    monthById: (id: string): Promise<StoredMetricMonth | null> => monthsOf.findOne({ _id: id }),
    /** Index: `day`. Every bucket document of one UTC day (`YYYY-MM-DD`): its teams x agents x channels. */
    ofDay: (day: string): Promise<StoredMetricBucket[]> => bucketsOf.find({ day }).toArray(),
    /** Index: `_id`. Sets entries of a bucket document (paths `h.<hour>`, `h`, `d`), creating it with its dims. */
    async setBucketEntries(id: string, entries: Record<string, string | Record<string, string>>, dims: MetricBucketDims): Promise<void> {
      await bucketsOf.updateOne({ _id: id }, { $set: entries, $setOnInsert: dims }, { upsert: true });
    },
    /** Index: `_id`. Sets one packed day rollup of a month document (path `c.<channel>.<day>`), creating it. */
    async setMonthEntry(id: string, path: string, packed: string): Promise<void> {
      await monthsOf.updateOne({ _id: id }, { $set: { [path]: packed } }, { upsert: true });
    },
  };
}
