import { inParallel, type Models } from '../../store';

/** Names of the customers behind a list of rows: one `_id` read each, in parallel (never `$in`: a scan on FerretDB). */
export async function customerNames(m: Models, ids: unknown[]): Promise<Map<string, string | undefined>> {
  const unique = [...new Set(ids.map(String))];
  const docs = await inParallel(unique, (id) => m.Customer.findById(id, { name: 1 }).lean());
  return new Map(unique.map((id, i) => [id, docs[i]?.name ?? undefined]));
}
