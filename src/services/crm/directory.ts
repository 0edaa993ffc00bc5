import { Types } from 'mongoose';
import { attributeText } from '../../domain/attributes';
import { csvLine, UTF8_BOM } from '../../domain/csv';
import type { DirectoryFilter, DirectoryPageQuery } from '../../domain/directory';
import { normalizeLabel } from '../../domain/labels';
import { inParallel, type DirectoryQuery, type Models, type StoredCustomer, type StoredHealth } from '../../store';
import { directoryQuery } from './directory-query';
import { searchCustomers } from '../search/search';
import { CrmError } from './errors';

/** Customers a text search contributes before filters apply (its first page: the search index's budget). */
const SEARCH_CANDIDATES = 200;
/** Bulk labelling of a filtered list stops here (a larger change is an import or a script). */
export const BULK_LABEL_MAX = 10_000;
const EXPORT_PAGE = 500;

export interface CustomerRow {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  language?: string;
  labels: string[];
  attributes: Record<string, unknown>;
  firstSeenAt?: string;
  lastContactAt?: string;
  conversations: number;
  channels: string[];
  /** Health as last evaluated (null: none yet, the customer has not written). */
  health: Pick<StoredHealth, 'state' | 'reasons'> | null;
}

/** Customer ids of one page of the filter, and how many match in all (index only: no store read). */
async function pageIds(m: Models, f: DirectoryFilter, q: DirectoryQuery, offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
  if (!f.q) return m.directory.page(q, offset, limit);
  const found = (await searchCustomers(m, f.q, SEARCH_CANDIDATES)).map((c) => String(c._id));
  const passing = await m.directory.filterIds(q, found);
  return { ids: passing.slice(offset, offset + limit), total: passing.length };
}

/**
 * A page's rows from the directory (Redis); a row the directory lacks (written before rows were kept, or its update
 * was lost) is read from the store by `_id` and applied again.
 */
async function rowsOf(m: Models, ids: string[]): Promise<CustomerRow[]> {
  const [cached, health] = await Promise.all([m.directory.rows(ids), m.health.states(ids)]);
  const missing = ids.filter((_, i) => !cached[i]!.row);
  const stored = new Map((await m.customers.byIds(missing)).flatMap((c) => (c ? [[String(c._id), c as StoredCustomer] as const] : [])));
  await inParallel([...stored.values()], (c) => m.directory.apply(c));
  return ids.flatMap((id, i) => {
    const { row, conversations, channels, lastContact } = cached[i]!;
    const c = row ?? (stored.has(id) && !stored.get(id)!.mergedInto ? toDirectoryRow(stored.get(id)!) : null);
    if (!c) return [];
    return [{
      id, name: c.name, email: c.email, phone: c.phone, language: c.language, labels: c.tags, attributes: c.attributes,
      firstSeenAt: c.createdAt, lastContactAt: lastContact ? new Date(lastContact).toISOString() : undefined,
      conversations: Math.max(0, conversations), channels,
      health: health[i] ? { state: health[i]!.state, reasons: health[i]!.reasons } : null,
    }];
  });
}

const toDirectoryRow = (c: StoredCustomer) => ({
  name: c.name ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined, language: c.language ?? undefined,
  tags: c.tags ?? [], attributes: c.attributes ?? {}, createdAt: c.createdAt?.toISOString(),
});

/** One page of the Customers directory. */
export async function listCustomers(m: Models, f: DirectoryPageQuery): Promise<{ items: CustomerRow[]; total: number; next: string | null }> {
  const q = directoryQuery(f, await m.attributeDefinitions.ofScope('customer'));
  const offset = Number(f.cursor ?? 0);
  const { ids, total } = await pageIds(m, f, q, offset, f.limit);
  const items = await rowsOf(m, ids);
  return { items, total, next: offset + ids.length < total ? String(offset + ids.length) : null };
}

/** Filter values the console offers: channels customers used (labels and languages are typed in). */
export const directoryOptions = async (m: Models) => ({ channels: (await m.directory.channels()).sort(), total: await m.directory.size() });

/** The filtered list as CSV (header first, attribute columns by definition), page by page so the route streams it. */
export async function* customersCsv(m: Models, f: DirectoryFilter): AsyncGenerator<string> {
  const defs = await m.attributeDefinitions.ofScope('customer');
  const q = directoryQuery(f, defs);
  yield UTF8_BOM + csvLine(['id', 'name', 'email', 'phone', 'language', 'labels', 'first_seen', 'last_contact', 'conversations', 'channels', ...defs.map((d) => d.key)]);
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const { ids, total } = await pageIds(m, f, q, offset, EXPORT_PAGE);
    let chunk = '';
    for (const r of await rowsOf(m, ids)) {
      chunk += csvLine([r.id, r.name, r.email, r.phone, r.language, r.labels.join('|'), r.firstSeenAt, r.lastContactAt, r.conversations, r.channels.join('|'),
        ...defs.map((d) => attributeText(r.attributes[d.key]))]);
    }
    if (chunk) yield chunk;
    if (!ids.length || offset + ids.length >= total) return;
  }
}

/**
 * Adds and removes labels on the given customers, or on every customer of the filter (at most BULK_LABEL_MAX; more
 * is refused before anything changes). Each customer is one write; the directory follows each.
 */
export async function bulkLabel(m: Models, target: { ids: string[] } | { filter: DirectoryFilter }, add: string[], remove: string[]): Promise<{ changed: number }> {
  const adds = [...new Set(add.map(normalizeLabel).filter(Boolean))];
  const removes = [...new Set(remove.map(normalizeLabel).filter(Boolean))];
  let ids: string[];
  if ('ids' in target) ids = target.ids;
  else {
    const q = directoryQuery(target.filter, await m.attributeDefinitions.ofScope('customer'));
    const first = await pageIds(m, target.filter, q, 0, BULK_LABEL_MAX + 1);
    if (first.total > BULK_LABEL_MAX) throw new CrmError(`the filter matches ${first.total} customers; bulk labelling takes at most ${BULK_LABEL_MAX}`, 413);
    ids = first.ids;
  }
  const done = await inParallel(ids, (id) => m.customers.setTags(new Types.ObjectId(id), adds, removes), 4);
  return { changed: done.filter(Boolean).length };
}
