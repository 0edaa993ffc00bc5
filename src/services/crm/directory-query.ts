import { issueMessage, valueSchema, type AttributeDefinition } from '../../domain/attributes';
import { ATTRIBUTE_CONDITION, DEFAULT_RECENT_DAYS, type DirectoryFilter } from '../../domain/directory';
import { normalizeLabel } from '../../domain/labels';
import { directoryKeys, healthDirectoryKeys, type DirectoryQuery } from '../../store';
import { CrmError } from './errors';

// A directory filter as the directory index's keys: shared by the Customers page (./directory.ts) and segments
// (./segments.ts), which must not depend on the search behind the page's text box.

const dayStart = (d: string) => new Date(d.length === 10 ? `${d}T00:00:00Z` : d).getTime();
const dayEnd = (d: string) => (d.length === 10 ? dayStart(d) + 86_400_000 - 1 : dayStart(d));

/** The filter as directory keys: equality sets, range slices and the sort key, attribute values typed by definition. */
export function directoryQuery(f: Omit<DirectoryFilter, 'q' | 'sort' | 'dir'> & Partial<Pick<DirectoryFilter, 'sort' | 'dir'>>, defs: AttributeDefinition[], now = Date.now()): DirectoryQuery {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const sets: string[] = [];
  const ranges: DirectoryQuery['ranges'] = [];
  if (f.label) sets.push(directoryKeys.label(normalizeLabel(f.label)));
  if (f.language) sets.push(directoryKeys.lang(f.language));
  if (f.channel) sets.push(directoryKeys.channel(f.channel));
  if (f.health) sets.push(healthDirectoryKeys.state(f.health));
  // Kept on change (the metrics flusher's fold, the conversation writes) and, for windows, re-evaluated per customer
  // when a conversation leaves the window: each is one more sorted set (docs/segments.md).
  if (f.csatMin !== undefined || f.csatMax !== undefined) ranges.push({ key: healthDirectoryKeys.csatAvg, min: f.csatMin, max: f.csatMax });
  if (f.openMin !== undefined) ranges.push({ key: directoryKeys.open, min: f.openMin });
  if (f.recentMin !== undefined || f.recentDays !== undefined) ranges.push({ key: healthDirectoryKeys.recent(f.recentDays ?? DEFAULT_RECENT_DAYS), min: f.recentMin ?? 1 });
  if (f.firstFrom || f.firstTo) ranges.push({ key: directoryKeys.first, min: f.firstFrom ? dayStart(f.firstFrom) : undefined, max: f.firstTo ? dayEnd(f.firstTo) : undefined });
  if (f.lastFrom || f.lastTo) ranges.push({ key: directoryKeys.last, min: f.lastFrom ? dayStart(f.lastFrom) : 1, max: f.lastTo ? dayEnd(f.lastTo) : undefined });
  // To the minute: the same saved filter gives the same keys for a minute, so its next pages find its snapshot.
  const daysAgo = (n: number) => Math.floor(now / 60_000) * 60_000 - n * 86_400_000;
  if (f.firstWithinDays) ranges.push({ key: directoryKeys.first, min: daysAgo(f.firstWithinDays) });
  if (f.lastWithinDays) ranges.push({ key: directoryKeys.last, min: daysAgo(f.lastWithinDays) });
  // Never seen scores 0, so "inactive" includes customers who never wrote (imported ones).
  if (f.inactiveDays) ranges.push({ key: directoryKeys.last, max: daysAgo(f.inactiveDays) - 1 });
  // "Has written" (at least one, no upper bound) is a set; other counts are a slice of the counts' sorted set.
  if (f.convMin === 1 && f.convMax === undefined) sets.push(directoryKeys.hasConversations);
  else if (f.convMin !== undefined || f.convMax !== undefined) ranges.push({ key: directoryKeys.convs, min: f.convMin, max: f.convMax });
  const bounds = new Map<string, { min?: number; max?: number }>();
  for (const cond of f.attr) {
    const [, key, op, raw] = ATTRIBUTE_CONDITION.exec(cond)!;
    const def = byKey.get(key!);
    if (!def) throw new CrmError(`no such customer attribute: ${key}`);
    const ordered = def.type === 'number' || def.type === 'currency' || def.type === 'date';
    if (op === ':') {
      if (ordered) {
        const v = scoreOf(def, raw!);
        ranges.push({ key: directoryKeys.attrOrder(def.key), min: v, max: def.type === 'date' && raw!.length === 10 ? v + 86_400_000 - 1 : v });
      } else for (const one of raw!.split('|')) sets.push(directoryKeys.attrValue(def.key, String(valueSchema({ ...def, multi: false }).safeParse(one).data ?? one)));
      continue;
    }
    if (!ordered) throw new CrmError(`${key} is ${def.type}: only key:value applies`);
    const b = bounds.get(def.key) ?? {};
    if (op === '>=') b.min = scoreOf(def, raw!);
    else b.max = def.type === 'date' && raw!.length === 10 ? scoreOf(def, raw!) + 86_400_000 - 1 : scoreOf(def, raw!);
    bounds.set(def.key, b);
  }
  for (const [key, b] of bounds) ranges.push({ key: directoryKeys.attrOrder(key), ...b });
  const by = f.sort ?? 'last';
  const dir = f.dir ?? 'desc';
  const sort = by === 'conversations' ? directoryKeys.convs : by === 'first' ? directoryKeys.first : by === 'last' ? directoryKeys.last
    : by === 'health' ? healthDirectoryKeys.rank : null;
  if (sort) return { sets, ranges, sort: { key: sort, dir } };
  const key = by.slice('attr:'.length);
  const def = byKey.get(key);
  if (!def || !(def.type === 'number' || def.type === 'currency' || def.type === 'date')) throw new CrmError(`cannot sort by ${key}: only number, currency and date attributes sort`);
  return { sets, ranges, sort: { key: directoryKeys.attrOrder(key), dir } };
}

function scoreOf(def: AttributeDefinition, raw: string): number {
  const parsed = valueSchema(def).safeParse(raw);
  if (!parsed.success) throw new CrmError(`${def.key}: ${issueMessage(parsed.error.issues)}`);
  const v = parsed.data;
  return v instanceof Date ? v.getTime() : typeof v === 'number' ? v : (v as { amount: number }).amount;
}
