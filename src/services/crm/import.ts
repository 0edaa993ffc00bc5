import { Types } from 'mongoose';
import { z } from 'zod';
import { checkAttributeValues, type AttributeDefinition, type AttributeValue } from '../../domain/attributes';
import { CsvError, parseCsv } from '../../domain/csv';
import { normalizeLabel } from '../../domain/labels';
import { tryE164 } from '../../domain/phone';
import { idForKey, inParallel, type Models } from '../../store';
import { identityId } from '../identity/identity';
import { indexCustomer } from '../search/search-index';
import { CrmError } from './errors';

/**
 * CSV import of customers, upserting by email or phone (E.164). Two passes: everything is validated and planned first
 * (every line's fate and why: created, updated, merged into an earlier line, rejected), and only a plan without a
 * rejected line is written. Writes are idempotent: a new customer's `_id` is derived from its first address, its
 * identities are inserted unless present and the customer is upserted by `_id`, so running the same file again (or
 * again after a crash half-way) changes nothing more and creates no duplicates.
 */
export const IMPORT_MAX_ROWS = 20_000;
const CONTACT_COLUMNS = ['name', 'email', 'phone', 'language', 'labels'] as const;
const email = z.email();

export interface ImportLine { line: number; email?: string; phone?: string; customerId?: string }
export interface ImportReport {
  dryRun: boolean;
  /** Whether the plan was written (never with a rejected line). */
  written: boolean;
  created: ImportLine[];
  updated: ImportLine[];
  /** Lines that name the same person (email or E.164 phone) as an earlier line: their fields are applied with it. */
  merged: { line: number; into: number }[];
  rejected: { line: number; reason: string }[];
}

interface Planned {
  line: number;
  lines: number[];
  email?: string;
  phone?: string;
  name?: string;
  language?: string;
  labels: string[];
  attributes: Record<string, AttributeValue>;
  customerId?: Types.ObjectId;
}

/** Plans (and unless `dryRun`, writes) an import. A file-level problem (bad CSV, unknown column) is a 400. */
export async function importCustomers(m: Models, csv: string, opts: { dryRun: boolean; defaultRegion: string }): Promise<ImportReport> {
  let table;
  try {
    table = parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvError) throw new CrmError(err.message);
    throw err;
  }
  if (!table.header.length) throw new CrmError('the file is empty');
  if (table.rows.length > IMPORT_MAX_ROWS) throw new CrmError(`at most ${IMPORT_MAX_ROWS} rows per file`, 413);
  const defs = await m.attributeDefinitions.ofScope('customer');
  const known = new Set<string>([...CONTACT_COLUMNS, ...defs.map((d) => d.key)]);
  const unknown = table.header.filter((h) => !known.has(h));
  if (unknown.length) throw new CrmError(`unknown columns: ${unknown.join(', ')} (name, email, phone, language, labels or a customer attribute key)`);
  if (!table.header.includes('email') && !table.header.includes('phone')) throw new CrmError('the file needs an email or a phone column');

  const report: ImportReport = { dryRun: opts.dryRun, written: false, created: [], updated: [], merged: [], rejected: [] };
  const records: Planned[] = [];
  const byAddress = new Map<string, Planned>();
  for (const [i, cells] of table.rows.entries()) {
    const line = i + 2; // the header is line 1
    const parsed = parseRow(table.header, cells, defs, opts.defaultRegion);
    if ('reason' in parsed) {
      report.rejected.push({ line, reason: parsed.reason });
      continue;
    }
    const keys = [parsed.email && `email:${parsed.email}`, parsed.phone && `phone:${parsed.phone}`].filter(Boolean) as string[];
    const earlier = [...new Set(keys.map((k) => byAddress.get(k)).filter(Boolean))] as Planned[];
    if (earlier.length > 1) {
      report.rejected.push({ line, reason: `its email and phone are on different earlier lines (${earlier.map((e) => e.line).join(', ')})` });
      continue;
    }
    const into = earlier[0];
    if (into && ((parsed.email && into.email && parsed.email !== into.email) || (parsed.phone && into.phone && parsed.phone !== into.phone))) {
      report.rejected.push({ line, reason: `same ${parsed.email === into.email ? 'email' : 'phone'} as line ${into.line} but a different ${parsed.email === into.email ? 'phone' : 'email'}` });
      continue;
    }
    if (into) {
      // Later cells win, empty cells leave what earlier lines gave.
      Object.assign(into, definedOnly({ email: parsed.email, phone: parsed.phone, name: parsed.name, language: parsed.language }));
      into.labels = [...new Set([...into.labels, ...parsed.labels])];
      Object.assign(into.attributes, parsed.attributes);
      into.lines.push(line);
      report.merged.push({ line, into: into.line });
    } else {
      const record: Planned = { ...parsed, line, lines: [line] };
      records.push(record);
      for (const k of keys) byAddress.set(k, record);
    }
    const record = into ?? records[records.length - 1]!;
    for (const k of keys) byAddress.set(k, record);
  }

  // Who each record is: the customers its addresses already belong to (identity `_id` reads, a few in flight).
  const owners = await inParallel(records, async (r) => {
    const ids = [r.email && identityId('email', r.email), r.phone && identityId('phone', r.phone)].filter(Boolean) as Types.ObjectId[];
    const found = (await m.identities.byIds(ids)).filter(Boolean).map((x) => String(x!.customerId));
    return [...new Set(found)];
  });
  for (const [i, r] of records.entries()) {
    const found = owners[i]!;
    if (found.length > 1) {
      report.rejected.push({ line: r.line, reason: 'its email and phone belong to two different customers (merge them first)' });
      continue;
    }
    r.customerId = found[0] ? new Types.ObjectId(found[0]) : idForKey('import-customer', r.email ? `email:${r.email}` : `phone:${r.phone}`);
    (found[0] ? report.updated : report.created).push({ line: r.line, ...definedOnly({ email: r.email, phone: r.phone }), customerId: String(r.customerId) });
  }
  report.rejected.sort((a, b) => a.line - b.line);
  if (opts.dryRun || report.rejected.length) return report;

  await inParallel(records, (r) => writeRecord(m, r), 4);
  report.written = true;
  return report;
}

/** One planned customer: identities first (unless present), then the customer by `_id`, then its search postings. */
async function writeRecord(m: Models, r: Planned): Promise<void> {
  const customerId = r.customerId!;
  for (const [kind, address] of [['email', r.email], ['phone', r.phone]] as const) {
    if (address) await m.identities.insertIfAbsent(identityId(kind, address), { kind, address, customerId, verified: false });
  }
  await m.customers.importUpsert(customerId, definedOnly({
    name: r.name, email: r.email, phone: r.phone, language: r.language, tags: r.labels, attributes: r.attributes,
  }));
  await indexCustomer(m, customerId);
}

function parseRow(header: string[], cells: string[], defs: AttributeDefinition[], region: string):
  Omit<Planned, 'line' | 'lines'> | { reason: string } {
  const cell = (name: string) => (cells[header.indexOf(name)] ?? '').trim();
  const problems: string[] = [];
  let mail: string | undefined;
  let phone: string | undefined;
  if (cell('email')) {
    mail = cell('email').toLowerCase();
    if (!email.safeParse(mail).success) problems.push(`email: not an address (${cell('email').slice(0, 60)})`);
  }
  if (cell('phone')) {
    phone = tryE164(cell('phone'), region) ?? undefined;
    if (!phone) problems.push(`phone: not a valid number (${cell('phone').slice(0, 40)})`);
  }
  if (!cell('email') && !cell('phone')) problems.push('needs an email or a phone');
  const name = cell('name') || undefined;
  if (name && name.length > 200) problems.push('name: longer than 200 characters');
  const language = cell('language') || undefined;
  if (language && !/^[a-z]{2}(-[A-Za-z]{2})?$/.test(language)) problems.push(`language: not a language code (${language.slice(0, 20)})`);
  const labels = cell('labels') ? [...new Set(cell('labels').split('|').map(normalizeLabel).filter(Boolean))] : [];
  if (labels.some((l) => l.length > 80)) problems.push('labels: a label is longer than 80 characters');
  // Empty attribute cells leave the stored value as it is (an import never clears).
  const values = Object.fromEntries(defs.filter((d) => cell(d.key) !== '').map((d) => [d.key, cell(d.key)]));
  const checked = checkAttributeValues(defs, values);
  if (!checked.ok) problems.push(...checked.errors.map((e) => `${e.key}: ${e.message}`));
  if (problems.length) return { reason: problems.join('; ') };
  return { email: mail, phone, name, language, labels, attributes: checked.ok ? checked.set : {} };
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
