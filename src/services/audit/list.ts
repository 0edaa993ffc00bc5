import { KanalError } from '../../domain/errors';
import { auditDay, type Models, type StoredAudit } from '../../store';
import { csvLine, UTF8_BOM } from '../metrics/metrics-csv';

/** What the console filters the audit list by; every filter runs in code over one day's rows. */
export type AuditFilter = {
  actorId?: string;
  /** 'agent.' matches 'agent.created', 'agent.disabled', …; a full action matches itself. */
  actionPrefix?: string;
  subjectType?: string;
  /** Inclusive bounds of `at`. */
  from?: Date;
  to?: Date;
  /** Case-insensitive words, all of which must appear in the summary, action or actor name. */
  q?: string;
};

/** An entry as the API shows it. */
export type AuditView = {
  id: string; at: string; action: string; actor: { id: string; name: string }; subjectType: string; subjectId: string | null; subjectName: string;
  summary: string; before: object; after: object; undoneAt: string | null;
};

const DAY_MS = 86_400_000;
/** With no `from`, the list reaches this far back. */
export const DEFAULT_LOOKBACK_DAYS = 366;
/** Days read per request at most (each one equality read): an empty stretch costs bounded time, then a cursor. */
export const DAYS_PER_PAGE = 62;

/** Where a page ends: entries strictly older than (at, id) come next. */
type Position = { at: number; id: string };
export const encodeCursor = (p: Position) => Buffer.from(`${p.at}:${p.id}`).toString('base64url');
export function decodeCursor(raw: string): Position | null {
  const m = /^(\d{1,15}):([0-9a-f]{0,24})$/.exec(Buffer.from(raw, 'base64url').toString());
  return m ? { at: Number(m[1]), id: m[2]! } : null;
}

/** Newest first; equal instants by id, so a page boundary between them neither skips nor repeats one. */
const newestFirst = (a: StoredAudit, b: StoredAudit) => b.at.getTime() - a.at.getTime() || (String(b._id) < String(a._id) ? -1 : String(b._id) > String(a._id) ? 1 : 0);
const olderThan = (e: StoredAudit, p: Position) => e.at.getTime() < p.at || (e.at.getTime() === p.at && String(e._id) < p.id);

function matcher(f: AuditFilter) {
  const words = (f.q ?? '').toLocaleLowerCase('tr').split(/\s+/).filter(Boolean);
  return (e: StoredAudit) => (!f.actorId || e.actor?.id === f.actorId)
    && (!f.actionPrefix || e.action.startsWith(f.actionPrefix))
    && (!f.subjectType || e.subjectType === f.subjectType)
    && (!f.from || e.at >= f.from) && (!f.to || e.at <= f.to)
    && (!words.length || words.every((w) => `${e.summary ?? ''} ${e.action} ${e.actor?.name ?? ''}`.toLocaleLowerCase('tr').includes(w)));
}

/**
 * Matching entries newest first, one UTC day at a time (one `day` equality each, the day's rows ordered here),
 * starting below `after` (a position) and stopping at `from` (default: a year back). Yields batches of a day.
 */
async function* daysBack(m: Models, f: AuditFilter, start: Position, maxDays: number): AsyncGenerator<{ day: number; rows: StoredAudit[] }> {
  const keep = matcher(f);
  const floor = (f.from ?? new Date(Date.now() - DEFAULT_LOOKBACK_DAYS * DAY_MS)).getTime();
  const first = Math.floor(Math.min(start.at, f.to ? f.to.getTime() + 1 : Infinity, Date.now() + 1) / DAY_MS) * DAY_MS;
  for (let day = first, n = 0; day + DAY_MS > floor && n < maxDays; day -= DAY_MS, n += 1) {
    const rows = (await m.audit.ofDay(auditDay(new Date(day)))).filter((e) => olderThan(e, start) && keep(e)).sort(newestFirst);
    yield { day, rows };
  }
}

export const auditView = (e: StoredAudit): AuditView => ({
  id: String(e._id), at: e.at.toISOString(), action: e.action, actor: { id: e.actor?.id ?? '', name: e.actor?.name ?? '' },
  subjectType: e.subjectType ?? 'customer', subjectId: e.subjectId ? String(e.subjectId) : null, subjectName: e.subjectName ?? '', summary: e.summary ?? '',
  before: e.before ?? {}, after: e.after ?? {}, undoneAt: e.undoneAt ? e.undoneAt.toISOString() : null,
});

/**
 * One page of the audit list, newest first, and the cursor of the next page (null at the end). A page may hold
 * fewer than `limit` entries with a cursor when `DAYS_PER_PAGE` days were read without filling it.
 */
export async function listAudit(m: Models, f: AuditFilter, limit: number, cursor?: string): Promise<{ entries: AuditView[]; nextCursor: string | null }> {
  const start = cursor ? decodeCursor(cursor) : { at: Number.MAX_SAFE_INTEGER, id: 'g' };
  if (!start) throw new KanalError('invalid_input', 'bad cursor: pass nextCursor of the previous page');
  const out: StoredAudit[] = [];
  let lastDay: number | null = null;
  const floor = (f.from ?? new Date(Date.now() - DEFAULT_LOOKBACK_DAYS * DAY_MS)).getTime();
  for await (const { day, rows } of daysBack(m, f, start, DAYS_PER_PAGE)) {
    lastDay = day;
    out.push(...rows);
    if (out.length >= limit) {
      const page = out.slice(0, limit);
      const last = page[page.length - 1]!;
      return { entries: page.map(auditView), nextCursor: encodeCursor({ at: last.at.getTime(), id: String(last._id) }) };
    }
  }
  // Not full: either the range ended, or the day budget did (then continue below the last day read).
  const more = lastDay !== null && lastDay > floor;
  return { entries: out.map(auditView), nextCursor: more ? encodeCursor({ at: lastDay!, id: '' }) : null };
}

export const AUDIT_CSV_COLUMNS = ['at', 'actor', 'action', 'subject_type', 'subject_id', 'subject_name', 'summary', 'before', 'after'];

/** Every matching entry in the range, newest first, as CSV lines (header first), yielded a day at a time. */
export async function* auditCsv(m: Models, f: AuditFilter): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(AUDIT_CSV_COLUMNS);
  const start = { at: Number.MAX_SAFE_INTEGER, id: 'g' };
  for await (const { rows } of daysBack(m, f, start, Number.MAX_SAFE_INTEGER)) {
    if (!rows.length) continue;
    yield rows.map((e) => csvLine([e.at, e.actor?.name ?? '', e.action, e.subjectType, e.subjectId ? String(e.subjectId) : '', e.subjectName, e.summary,
      JSON.stringify(e.before ?? {}), JSON.stringify(e.after ?? {})])).join('');
  }
}
