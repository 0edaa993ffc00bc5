import { z } from 'zod';
import { HEALTH_STATES, RECENT_WINDOWS } from './customer-health';

/**
 * The customer directory's filter, sort and page (the Customers page, its CSV export and bulk labelling share it).
 * Attribute conditions are `key:value` (equality: text, URL, yes/no, a list option) or `key>=value` / `key<=value`
 * (number, currency amount, date). CSAT and health (other work) join as sort keys and filters the same way: a sorted
 * set or a set per value in the directory index, and a name here.
 */
export const DIRECTORY_SORTS = ['last', 'first', 'conversations'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/;
export const ATTRIBUTE_CONDITION = /^([a-z][a-z0-9_]{0,39})(:|>=|<=)(.{1,200})$/s;

const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const date = z.string().regex(DATE, 'YYYY-MM-DD').optional();
const days = z.coerce.number().int().min(1).max(3650).optional();

export const directoryFilterSchema = z.object({
  /** Name, email or phone (the search index). */
  q: z.string().trim().min(2).max(100).optional(),
  label: z.string().trim().min(1).max(80).optional(),
  language: z.string().trim().min(1).max(16).optional(),
  channel: z.string().trim().min(1).max(40).optional(),
  firstFrom: date, firstTo: date, lastFrom: date, lastTo: date,
  /** Relative to now (saved segments keep meaning "the last 30 days" as days pass): last contact within N days. */
  lastWithinDays: days,
  /** Last contact more than N days ago (or never). */
  inactiveDays: days,
  /** First seen within the last N days (new customers). */
  firstWithinDays: days,
  convMin: z.coerce.number().int().min(0).optional(),
  convMax: z.coerce.number().int().min(0).optional(),
  /** Customer health state (docs/metrics.md, "Customer health"). */
  health: z.enum(HEALTH_STATES).optional(),
  /** CSAT average (1-5, the latest answer per conversation over the last year) at least / at most: customers with answers only. */
  csatMin: z.coerce.number().min(1).max(5).optional(),
  csatMax: z.coerce.number().min(1).max(5).optional(),
  /** At least this many unresolved (open, pending, snoozed) conversations. */
  openMin: z.coerce.number().int().min(1).max(1000).optional(),
  /** At least `recentMin` conversations opened in the last `recentDays` days (one of RECENT_WINDOWS; counts stop at 50). */
  recentDays: z.coerce.number().int().refine((d) => (RECENT_WINDOWS as readonly number[]).includes(d), `one of ${RECENT_WINDOWS.join(', ')}`).optional(),
  recentMin: z.coerce.number().int().min(1).max(50).optional(),
  attr: list.pipe(z.array(z.string().regex(ATTRIBUTE_CONDITION, 'key:value, key>=value or key<=value')).max(10)),
  /** `health` lists only customers with a health state (who have written), healthy first ascending. */
  sort: z.string().regex(/^(last|first|conversations|health|attr:[a-z][a-z0-9_]{0,39})$/, 'last, first, conversations, health or attr:<key>').default('last'),
  dir: z.enum(['asc', 'desc']).default('desc'),
});
export type DirectoryFilter = z.output<typeof directoryFilterSchema>;
/** The window a `recentMin` condition counts in when `recentDays` is not given. */
export const DEFAULT_RECENT_DAYS = 30;

export const directoryPageSchema = directoryFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** The `next` of the previous page. */
  cursor: z.string().regex(/^\d{1,7}$/).optional(),
});
export type DirectoryPageQuery = z.output<typeof directoryPageSchema>;
