import { inParallel, type StoredConversation, type Models } from '../../store';
import { customerNames } from '../conversations/customer-names';
import { metricsClock } from './metrics';
import type { ReportFilter } from './metrics-report';

/**
 * One CSV cell: RFC 4180 quoting (commas, quotes, CR/LF), and cells a spreadsheet would run as a formula
 * (starting with = + - @, or a tab/CR that some apps strip first) get a leading apostrophe (OWASP CSV injection).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

export const CSV_COLUMNS = [
  'conversation_id', 'customer', 'channel', 'team', 'assignee', 'status', 'opened_at', 'first_response_at', 'resolved_at',
  'frt_wall_ms', 'frt_business_ms', 'resolution_wall_ms', 'resolution_business_ms', 'sla',
];
/** Excel reads a UTF-8 file as UTF-8 (ğüşıöç intact) only with this byte order mark in front. */
export const UTF8_BOM = '\uFEFF';
const BATCH = 200;

/**
 * The conversations opened in [from, to) matching the filters, one CSV line each (header first), exact numbers
 * computed from each conversation's own timestamps. Lines are yielded batch by batch, so the route streams them.
 */
export async function* conversationCsv(m: Models, f: ReportFilter): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(CSV_COLUMNS);
  const clock = metricsClock(m);
  const [teams, agents] = await Promise.all([m.teams.all(), m.agents.all()]);
  const teamName = new Map(teams.map((t) => [String(t._id), t.name]));
  const agentName = new Map(agents.map((a) => [String(a._id), a.name]));
  // Day by day through the range (one equality read per day, so the cost follows the range, not the history).
  const wanted = (c: StoredConversation) => c.openedAt >= f.from && c.openedAt < f.to
    && (!f.teamId || String(c.teamId) === String(f.teamId))
    && (!f.agentId || String(c.assigneeId) === String(f.agentId))
    && (!f.channel || c.lastInboundChannel === f.channel);
  async function* inRange() {
    for (let day = new Date(Date.UTC(f.from.getUTCFullYear(), f.from.getUTCMonth(), f.from.getUTCDate())); day < f.to; day = new Date(day.getTime() + 86_400_000)) {
      for (const c of await m.conversations.openedOn(day.toISOString().slice(0, 10))) if (wanted(c)) yield c;
    }
  }
  const cursor = inRange();
  let batch: StoredConversation[] = [];
  const flush = async () => {
    const customerName = await customerNames(m, batch.map((c) => c.customerId));
    // SLA outcome per conversation from its own facts (one conversationId equality each; a conversation has few).
    const facts = await inParallel(batch, (c) => m.metricEvents.ofConversation(c._id));
    const sla = new Map<string, 'hit' | 'breached'>();
    for (const [i, c] of batch.entries()) {
      const outcomes = facts[i]!.filter((e) => e.type === 'sla').map((e) => e.outcome);
      if (outcomes.length) sla.set(String(c._id), outcomes.includes('breached') ? 'breached' : 'hit');
    }
    let out = '';
    for (const c of batch) {
      const team = c.teamId ? String(c.teamId) : null;
      const opened = new Date(c.openedAt);
      const span = async (end: Date | null) =>
        end ? [end.getTime() - opened.getTime(), Math.round(await clock.businessMs(team, opened, end))] : ['', ''];
      const [frtW, frtB] = await span(c.firstResponseAt ? new Date(c.firstResponseAt) : null);
      const [resW, resB] = await span(c.status === 'resolved' && c.resolvedAt ? new Date(c.resolvedAt) : null);
      out += csvLine([
        String(c._id), customerName.get(String(c.customerId)) ?? '', c.lastInboundChannel ?? '', team ? teamName.get(team) ?? team : '',
        c.assigneeId ? agentName.get(String(c.assigneeId)) ?? String(c.assigneeId) : '', c.status, opened,
        c.firstResponseAt ? new Date(c.firstResponseAt) : null, c.resolvedAt ? new Date(c.resolvedAt) : null,
        frtW, frtB, resW, resB, sla.get(String(c._id)) ?? '',
      ]);
    }
    batch = [];
    return out;
  };
  for await (const c of cursor) {
    batch.push(c);
    if (batch.length >= BATCH) yield await flush();
  }
  if (batch.length) yield await flush();
}
