import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import { conversationCsv, type CsvLanguage } from './metrics-csv';
import type { ReportFilter } from './metrics-report';

/**
 * The conversation report as CSV for a supervisor or admin; the export is recorded in the audit log first (who took
 * a copy of which conversations: the range and filters).
 */
export async function exportConversationCsv(m: Models, actor: AuditActor, f: ReportFilter, language: CsvLanguage): Promise<AsyncGenerator<string>> {
  await audit(m, actor, 'report.exported', { type: 'report', id: null, name: 'conversations.csv' }, {}, { filter: f });
  return conversationCsv(m, f, language);
}
