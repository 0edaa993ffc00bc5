/**
 * Every document of a collection (matching `filter`), handed over in batches of `size` from one driver cursor: one
 * pass over the collection, for maintenance jobs (rebuilding the search index), never for requests. Not a range
 * query per batch: FerretDB would run each `{_id: {$gt}}` + sort over the whole collection in Go (STORE.md).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Lean = any;

export async function eachBatch(
  model: { collection: { find(filter: object, options: object): AsyncIterable<Lean> } },
  filter: object,
  projection: object,
  size: number,
  fn: (docs: Lean[]) => Promise<void>,
): Promise<void> {
  let batch: Lean[] = [];
  for await (const doc of model.collection.find(filter, { projection, batchSize: size })) {
    batch.push(doc);
    if (batch.length >= size) {
      await fn(batch);
      batch = [];
    }
  }
  if (batch.length) await fn(batch);
}
