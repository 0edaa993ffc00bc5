import type { Models } from '../store';
import { toMessageView } from './views';

/**
 * Search across customers (name, email, phone) and message text. FerretDB has no $text index, so the query becomes
 * a Turkish-aware, case-insensitive regular expression: each letter matches all its case forms, including the
 * Turkish pairs İ/i and I/ı (which the regex `i` flag alone gets wrong), and ş/Ş, ğ/Ğ, ü/Ü, ö/Ö, ç/Ç.
 * Email and phone matches are anchored at the start (the common "type the beginning" case). Cost: the store scans
 * the customers and messages collections (FerretDB pushes no regex down); bench/console.ts has the inbox figures,
 * and results are capped, newest messages first. A real deployment on MongoDB can swap this for Atlas Search.
 */
const turkishForms: Record<string, string> = { i: 'iİ', 'İ': 'iİ', ı: 'ıI', I: 'ıI' };

export function turkishPattern(q: string): string {
  let out = '';
  for (const ch of q.trim().replace(/\s+/g, ' ')) {
    const forms = turkishForms[ch] ?? `${ch.toLocaleLowerCase('tr-TR')}${ch.toLocaleUpperCase('tr-TR')}`;
    const unique = [...new Set(forms)].map((c) => c.replace(/[-\\^\]]/g, '\\$&'));
    out += /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : unique.length > 1 ? `[${unique.join('')}]` : unique[0];
  }
  return out;
}

export interface SearchResult {
  customers: { id: string; name?: string; email?: string; phone?: string }[];
  messages: (ReturnType<typeof toMessageView> & { customerName?: string })[];
}

export async function search(m: Models, q: string, limit = 20): Promise<SearchResult> {
  const pattern = turkishPattern(q);
  const word = new RegExp(`(^|\\s)${pattern}`);
  const start = new RegExp(`^${pattern}`);
  const digits = q.replace(/[^\d+]/g, '');
  const or: Record<string, unknown>[] = [{ name: word }, { email: start }];
  if (digits.length >= 3) or.push({ phone: new RegExp(`${digits.replace('+', '\\+')}`) });
  // Identities hold every address of every channel (a customer's own email/phone fields hold only the first).
  const identityHits = await m.Identity.find({ address: digits.length >= 3 ? new RegExp(`^${digits.replace('+', '\\+')}|^${pattern}`) : start }, { customerId: 1 })
    .limit(limit).lean();
  if (identityHits.length) or.push({ _id: { $in: identityHits.map((i) => i.customerId) } });
  const [customers, messages] = await Promise.all([
    m.Customer.find({ $and: [{ $or: or }, { mergedInto: null }] }, { name: 1, email: 1, phone: 1 }).limit(limit).lean(),
    m.Message.find({ kind: { $in: ['message', 'note'] }, text: new RegExp(pattern) }).sort({ createdAt: -1 }).limit(limit).lean(),
  ]);
  const ids = [...new Set(messages.map((x) => String(x.customerId)))];
  const names = new Map((await m.Customer.find({ _id: { $in: ids } }, { name: 1 }).lean()).map((c) => [String(c._id), c.name ?? undefined]));
  return {
    customers: customers.map((c) => ({ id: String(c._id), name: c.name ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined })),
    messages: messages.map((x) => ({ ...toMessageView(x), customerName: names.get(String(x.customerId)) })),
  };
}
