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
  /** Satisfaction surveys (docs/metrics.md, "CSAT"): counts of facts recorded in the range. */
  csat: CsatStats;
  /** Conversations opened (new), resolves, reopens by a customer message, and inbound messages in the range. */
  volume: VolumeCounts;
  /** Every local day of the range (the `tz` asked for), oldest first, zero-filled. */
  byDay: Array<{ day: string } & VolumeCounts>;
  /** One row per agent (the filtered one, or every active agent of the team or of all teams), busiest first. */
  agents: AgentReportRow[];
  volumes: {
    /** Inbound customer messages per channel. */
    byChannel: Record<string, number>;
    /** Every hour of the range (UTC hour starts), zero-filled. */
    byHour: Array<{ hour: string; count: number }>;
    /** 24 entries: messages by hour of the day in the requested time zone (default UTC). */
    byHourOfDay: number[];
  };
}

export interface CsatStats {
  /** Surveys sent in the range. */
  asked: number;
  /** Surveys answered in the range (a changed answer counts once, with its latest score). */
  answered: number;
  /** Answers of 4 or 5. */
  satisfied: number;
  /** satisfied / answered, 0..1; null without answers. */
  csat: number | null;
  /** answered / asked, 0..1; null when nothing was asked. */
  responseRate: number | null;
  /** Mean score 1-5; null without answers. */
  avgScore: number | null;
}

export interface VolumeCounts { new: number; resolved: number; reopened: number; inbound: number }

export interface AgentReportRow {
  agentId: string;
  name: string;
  /** Conversations assigned to the agent in the range (by hand, by routing, or by replying to an unassigned one). */
  handled: number;
  /** Resolves while the agent was the assignee. */
  resolved: number;
  /** The agent's responses (docs/metrics.md). */
  responses: number;
  /** FRT of the conversations whose first response the agent wrote. */
  frt: DurationStats;
  /** Resolution time of the conversations resolved while assigned to the agent. */
  resolution: DurationStats;
}

/**
 * GET /api/reports/segments: the numbers of every segment over the range, from facts that carry the customer's
 * segments at the moment they were recorded (docs/segments.md, "Reports split by segment").
 */
export interface SegmentReportRow {
  segmentId: string;
  name: string;
  frt: DurationStats;
  resolution: DurationStats;
  csat: CsatStats;
  /** Conversations opened by the segment's customers, and resolves. */
  opened: number;
  resolved: number;
}
export interface SegmentReport { from: string; to: string; clock: ReportClock; segments: SegmentReportRow[] }
