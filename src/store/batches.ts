/**
 * Every document of a collection (matching `filter`), handed over in batches of `size` from one driver cursor: one
 * pass over the collection, for maintenance jobs (rebuilding the search index), never for requests. Not a range
 * query per batch: FerretDB would run each `{_id: {$gt}}` + sort over the whole collection in Go (STORE.md).
 * `T` is the document as `projection` selects it.
 */
export async function eachBatch<T extends object>(
  model: { collection: { find(filter: object, options: object): AsyncIterable<object> } },
  filter: object,
  projection: object,
  size: number,
  fn: (docs: T[]) => Promise<void>,
): Promise<void> {
  let batch: T[] = [];
  for await (const doc of model.collection.find(filter, { projection, batchSize: size })) {
    batch.push(doc as T); // a raw driver document: the caller's T names what its projection selects
    if (batch.length >= size) {
      await fn(batch);
      batch = [];
    }
  }
  if (batch.length) await fn(batch);
}
