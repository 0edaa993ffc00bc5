import type { AuditActor, Models } from '../../store';
import type { DirectoryFilter } from '../../domain/directory';
import { audit } from '../audit';
import { bulkLabel } from './directory';
import { importCustomers, type ImportReport } from './import';

/** A supervisor's bulk labelling, recorded in the audit log (what was asked and how many customers changed). */
export async function bulkLabelAs(m: Models, actor: AuditActor, target: { ids: string[] } | { filter: DirectoryFilter }, add: string[], remove: string[]) {
  const result = await bulkLabel(m, target, add, remove);
  const which = 'ids' in target ? { ids: target.ids.length } : { filter: target.filter };
  await audit(m, actor, 'customer.bulk_labelled', { type: 'customer', id: null, name: `${result.changed}` }, {}, { ...which, add, remove, changed: result.changed });
  return result;
}

/** A supervisor's CSV import; one written is recorded in the audit log with its counts (a dry run changes nothing). */
export async function importCustomersAs(m: Models, actor: AuditActor, csv: string, opts: { dryRun: boolean; defaultRegion: string }): Promise<ImportReport> {
  const report = await importCustomers(m, csv, opts);
  if (report.written && !report.dryRun) {
    await audit(m, actor, 'customer.imported', { type: 'customer', id: null, name: 'CSV' }, {}, {
      created: report.created.length, updated: report.updated.length, merged: report.merged.length,
    });
  }
  return report;
}

/** Records that the directory was exported as CSV (who took a copy of which customers: the filter). */
export async function recordCustomerExport(m: Models, actor: AuditActor, f: DirectoryFilter): Promise<void> {
  await audit(m, actor, 'customer.exported', { type: 'customer', id: null, name: 'customers.csv' }, {}, { filter: f });
}
