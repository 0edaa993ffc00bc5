import { STORE_MAX_IN_FLIGHT } from './connection';

/**
 * Runs `task` over `items` with at most `limit` in flight, results in input order. Used for lookups by `_id` that
 * replace `$in` (which FerretDB evaluates by reading the whole collection). At most the connection's own bound is in
 * flight; the driver queues what other callers add beyond it.
 */
export async function inParallel<T, R>(items: readonly T[], task: (item: T) => Promise<R>, limit = STORE_MAX_IN_FLIGHT): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
