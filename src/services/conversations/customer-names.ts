import type { Models } from '../../store';

/**
 * Names of the customers behind a list of rows: from the inbox index's name cache, the rest by one `_id` read each,
 * in parallel (never `$in`: a scan on FerretDB), then cached. Name changes go through `customerRenamed`.
 */
export async function customerNames(m: Models, ids: unknown[]): Promise<Map<string, string | undefined>> {
  const unique = [...new Set(ids.map(String))];
  const cache = m.conversations.nameCache();
  const cached = cache ? await cache.names(unique) : unique.map(() => undefined);
  const missing = unique.filter((_, i) => cached[i] === undefined);
  const docs = await m.customers.byIds(missing);
  const loaded = new Map(missing.map((id, i) => [id, docs[i]?.name ?? undefined]));
  if (cache) await cache.fillNames([...loaded]);
  return new Map(unique.map((id, i) => [id, loaded.has(id) ? loaded.get(id) : cached[i] || undefined]));
}

/** Tells the name cache of a customer's new name (after the store write: a rename, a merge or its undo). */
export async function customerRenamed(m: Models, id: unknown, name: string | null | undefined): Promise<void> {
  await m.conversations.nameCache()?.setName(String(id), name);
}
