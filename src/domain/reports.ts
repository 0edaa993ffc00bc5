/** The shape of GET /api/reports/summary (times in milliseconds). The console's reports screen reads exactly this. */
export type ReportClock = 'wall' | 'business';

export interface DurationStats {
  count: number;
  /** Exact: sum / count, or null when count is 0. */
  avg: number | null;
  /** From merged log-scale histograms (docs/metrics.md states the error bound); null when count is 0. */
  median: number | null;
  p90: number | null;
}

export interface ReportSummary {
  from: string;
  to: string;
  clock: ReportClock;
  frt: DurationStats;
  response: DurationStats;
  resolution: DurationStats;
  waiting: DurationStats;
  /** hits / (hits + breaches) over SLA outcomes recorded in the range, 0..1; null when there were none. */
  slaHitRate: number | null;
  volumes: {
    /** Inbound customer messages per channel. */
    byChannel: Record<string, number>;
    /** Every hour of the range (UTC hour starts), zero-filled. */
    byHour: Array<{ hour: string; count: number }>;
    /** 24 entries: messages by hour of the day in the requested time zone (default UTC). */
    byHourOfDay: number[];
  };
}
