import type { AuditActor, Models } from '../../store';
import { auditCsv, type AuditFilter } from './list';
import { audit } from './record';

export { audit, masked, MASK, type AuditSubject } from './record';
export { auditCsv, listAudit, type AuditFilter, type AuditView } from './list';

/** The filtered log as CSV lines; the export is itself recorded first (who took a copy of the trail, with which filter). */
export async function exportAuditCsv(m: Models, actor: AuditActor, f: AuditFilter): Promise<AsyncGenerator<string>> {
  await audit(m, actor, 'audit.exported', { type: 'audit', id: null }, {}, { filter: f });
  return auditCsv(m, f);
}
