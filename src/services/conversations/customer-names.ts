import type { Models } from '../../store';
import type { ConversationView, CustomerRef } from '../../domain/views';
import type { VisitorProfile } from '../../domain/visitor';

/** What a row shows for its customer: the name, or for an anonymous web chat visitor the readable visitor name. */
export interface CustomerDisplay {
  name?: string;
  visitorName?: VisitorProfile['label'];
}

// The name cache keeps one string per customer: the name, '' for none, or, for a visitor without a name, this mark
// and the visitor name as JSON (a name never starts with a control character: names are trimmed text).
const VISITOR = '\u0002';
const encode = (d: CustomerDisplay): string => d.name ?? (d.visitorName ? VISITOR + JSON.stringify(d.visitorName) : '');
function decode(v: string): CustomerDisplay {
  if (!v.startsWith(VISITOR)) return v ? { name: v } : {};
  try {
    return { visitorName: JSON.parse(v.slice(1)) as CustomerDisplay['visitorName'] };
  } catch {
    return {};
  }
}

/**
 * Names of the customers behind a list of rows: from the inbox index's name cache, the rest by one `_id` read each,
 * in parallel (never `$in`: a scan on FerretDB), then cached. Name changes go through `customerRenamed`.
 */
export async function customerDisplayNames(m: Models, ids: unknown[]): Promise<Map<string, CustomerDisplay>> {
  const unique = [...new Set(ids.map(String))];
  const cache = m.conversations.nameCache();
  const cached = cache ? await cache.names(unique) : unique.map(() => undefined);
  const missing = unique.filter((_, i) => cached[i] === undefined);
  const docs = await m.customers.byIds(missing, ['name', 'visitor']);
  const loaded = new Map(missing.map((id, i): [string, CustomerDisplay] => {
    const doc = docs[i];
    return [id, doc?.name ? { name: doc.name } : doc?.visitor?.label ? { visitorName: doc.visitor.label } : {}];
  }));
  if (cache) await cache.fillNames([...loaded].map(([id, d]) => [id, encode(d)]));
  return new Map(unique.map((id, i) => [id, loaded.get(id) ?? decode(cached[i] ?? '')]));
}

/** The customer of each conversation and how to call them, for lists that hold only conversation ids (automation). */
export async function conversationCustomers(m: Models, conversationIds: string[]): Promise<Map<string, CustomerRef>> {
  const unique = [...new Set(conversationIds)].filter((id) => /^[0-9a-f]{24}$/.test(id));
  const conversations = await m.conversations.byIds(unique);
  const customerOf = new Map(unique.flatMap((id, i) => (conversations[i] ? [[id, String(conversations[i]!.customerId)] as const] : [])));
  const names = await customerDisplayNames(m, [...customerOf.values()]);
  return new Map([...customerOf].map(([conversationId, customerId]) => {
    const d = names.get(customerId);
    return [conversationId, { customerId, ...(d?.name ? { customerName: d.name } : {}), ...(d?.visitorName ? { customerVisitorName: d.visitorName } : {}) }];
  }));
}

/** The row with its customer, when known. */
export const withCustomer = <T extends object>(row: T, customer: CustomerRef | undefined): T => (customer ? { ...row, customer } : row);

/** Names only (see customerDisplayNames). */
export async function customerNames(m: Models, ids: unknown[]): Promise<Map<string, string | undefined>> {
  const all = await customerDisplayNames(m, ids);
  return new Map([...all].map(([id, d]) => [id, d.name]));
}

/** The view with the visitor name of a customer who has no name of their own. */
export function withDisplayName(view: ConversationView, d: CustomerDisplay | undefined): ConversationView {
  return !view.customerName && d?.visitorName ? { ...view, customerVisitorName: d.visitorName } : view;
}

/** Tells the name cache of a customer's new name (after the store write: a rename, a merge or its undo). */
export async function customerRenamed(m: Models, id: unknown, name: string | null | undefined): Promise<void> {
  await m.conversations.nameCache()?.setName(String(id), name);
}
