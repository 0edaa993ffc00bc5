import type { MongooseQueryMiddleware, Query, Schema } from 'mongoose';

/**
 * PostgreSQL refuses U+0000 in jsonb text, so FerretDB on PostgreSQL fails any write, and any lookup, whose strings
 * hold one (MongoDB stores it). A message with one would be acknowledged by its channel and then fail in the worker
 * for good. The store layer replaces it, on both stores alike, with U+FFFD (the replacement character: visible,
 * same length, and not equal to the string without it) in every document written and every filter: through the
 * schemas' middleware below and, for the raw driver writes of the repositories, with `withoutNul`.
 */
const NUL = /\u0000/g;
const REPLACEMENT = '\uFFFD';

/** `value` with every U+0000 in its strings (keys included) replaced; the same object when there is none. */
export function withoutNul<T>(value: T): T {
  return clean(value) as T;
}

function clean(v: unknown): unknown {
  if (typeof v === 'string') return v.includes('\u0000') ? v.replace(NUL, REPLACEMENT) : v;
  if (Array.isArray(v)) {
    const out = v.map(clean);
    return out.some((x, i) => x !== v[i]) ? out : v;
  }
  if (v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const key = clean(k) as string;
      const y = clean(x);
      if (key !== k || y !== x) changed = true;
      out[key] = y;
    }
    return changed ? out : v;
  }
  return v; // ObjectId, Date, Buffer ...: no text
}

const QUERIES: MongooseQueryMiddleware[] = ['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'countDocuments', 'replaceOne'];

/** Mongoose plugin (registered for every schema in connection.ts): documents, updates and filters without NUL. */
export function nulGuard(schema: Schema): void {
  schema.pre('validate', function () {
    const plain = this.toObject({ depopulate: true, virtuals: false, getters: false });
    const cleaned = withoutNul(plain);
    if (cleaned !== plain) this.set(cleaned);
  });
  schema.pre(QUERIES, function (this: Query<unknown, unknown>) {
    const filter = this.getFilter();
    const cleanFilter = withoutNul(filter);
    if (cleanFilter !== filter) this.setQuery(cleanFilter);
    const update = this.getUpdate();
    if (update) {
      const cleanUpdate = withoutNul(update);
      if (cleanUpdate !== update) this.setUpdate(cleanUpdate);
    }
  });
  schema.pre('insertMany', function (next: () => void, docs: Record<string, unknown>[]) {
    docs.forEach((d, i) => (docs[i] = withoutNul(d)));
    next();
  });
}
