import { DateTime } from 'luxon';
import { inParallel, type StoredConversation, type Models } from '../../store';
import { customerNames } from '../conversations/customer-names';
import { channelDescriptor, isChannel } from '../../domain/channels';
import { csvLine, UTF8_BOM } from '../../domain/csv';
import { metricsClock } from './metrics';
import type { ReportFilter } from './metrics-report';

export { csvCell, csvLine, UTF8_BOM } from '../../domain/csv';

export type CsvLanguage = 'tr' | 'en';

/** The columns, labelled for people, in the requester's language (durations in whole minutes, times local). */
export const CSV_COLUMNS: Record<CsvLanguage, string[]> = {
  en: [
    'Conversation', 'Customer', 'Channel', 'Team', 'Assignee', 'Status', 'Opened', 'First response', 'Resolved',
    'First response time (min)', 'First response time, business hours (min)', 'Resolution time (min)', 'Resolution time, business hours (min)', 'SLA', 'Segments',
  ],
  tr: [
    'Konuşma', 'Müşteri', 'Kanal', 'Ekip', 'Atanan', 'Durum', 'Açıldı', 'İlk yanıt', 'Çözüldü',
    'İlk yanıt süresi (dk)', 'İlk yanıt süresi, çalışma saatleri (dk)', 'Çözüm süresi (dk)', 'Çözüm süresi, çalışma saatleri (dk)', 'SLA', 'Segmentler',
  ],
};
const WORDS: Record<CsvLanguage, Record<string, string>> = {
  en: { open: 'Open', pending: 'Pending', snoozed: 'Snoozed', resolved: 'Resolved', hit: 'Met', breached: 'Breached' },
  tr: { open: 'Açık', pending: 'Beklemede', snoozed: 'Ertelendi', resolved: 'Çözüldü', hit: 'Karşılandı', breached: 'Aşıldı' },
};
const BATCH = 200;
const MINUTE_MS = 60_000;

/** The file's name: the form's days (local, `to` inclusive) in the requester's language. */
export function csvFileName(f: ReportFilter, language: CsvLanguage): string {
  const zone = f.tz ?? 'UTC';
  const day = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate();
  const first = day(f.from.getTime());
  const last = day(f.to.getTime() - 1); // `to` is the start of the day after the form's last day
  return `${language === 'tr' ? 'kanal-konusmalar' : 'kanal-conversations'}_${first}_${last}${f.clock === 'business' ? (language === 'tr' ? '_calisma-saatleri' : '_business-hours') : ''}.csv`;
}

/**
 * The conversations opened in [from, to) matching the filters, one CSV line each (header first), exact numbers
 * computed from each conversation's own timestamps: durations in whole minutes, times as the requester's local
 * `YYYY-MM-DD HH:mm` (zone `tz`), channel, status and SLA words in their language. Lines are yielded batch by batch,
 * so the route streams them.
 */
export async function* conversationCsv(m: Models, f: ReportFilter, language: CsvLanguage = 'en'): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(CSV_COLUMNS[language]);
  const zone = f.tz ?? 'UTC';
  const words = WORDS[language];
  const when = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm') : '');
  const minutes = (ms: number | string | undefined) => (typeof ms === 'number' ? String(Math.round(ms / MINUTE_MS)) : '');
  const channelLabel = (c: string | null | undefined) => (c && isChannel(c) ? channelDescriptor(c).presentation.label[language] : c ?? '');
  const clock = metricsClock(m);
  const [teams, agents, segments] = await Promise.all([m.teams.all(), m.agents.all(), m.segments.all()]);
  const teamName = new Map(teams.map((t) => [String(t._id), t.name]));
  const segmentName = new Map(segments.map((g) => [String(g._id), g.name]));
  const agentName = new Map(agents.map((a) => [String(a._id), a.name]));
  // Day by day through the range (one equality read per day, so the cost follows the range, not the history). A
  // segment filter is applied after the conversation's facts are read (they carry its segments).
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
    // Its segments: those its customer was in when its facts were recorded (opening, responses, resolves, CSAT), as
    // the segment split of the summary counts it.
    const inSegments = new Map<string, string[]>();
    for (const [i, c] of batch.entries()) {
      const outcomes = facts[i]!.filter((e) => e.type === 'sla').map((e) => e.outcome);
      if (outcomes.length) sla.set(String(c._id), outcomes.includes('breached') ? 'breached' : 'hit');
      inSegments.set(String(c._id), [...new Set(facts[i]!.flatMap((e) => e.segments ?? []))]);
    }
    let out = '';
    for (const c of batch) {
      const segs = inSegments.get(String(c._id)) ?? [];
      if (f.segmentId && !segs.includes(f.segmentId)) continue;
      const team = c.teamId ? String(c.teamId) : null;
      const opened = new Date(c.openedAt);
      const span = async (end: Date | null) =>
        end ? [end.getTime() - opened.getTime(), Math.round(await clock.businessMs(team, opened, end))] : ['', ''];
      const [frtW, frtB] = await span(c.firstResponseAt ? new Date(c.firstResponseAt) : null);
      const [resW, resB] = await span(c.status === 'resolved' && c.resolvedAt ? new Date(c.resolvedAt) : null);
      const outcome = sla.get(String(c._id));
      out += csvLine([
        String(c._id), customerName.get(String(c.customerId)) ?? '', channelLabel(c.lastInboundChannel), team ? teamName.get(team) ?? team : '',
        c.assigneeId ? agentName.get(String(c.assigneeId)) ?? String(c.assigneeId) : '', words[c.status] ?? c.status, when(opened),
        when(c.firstResponseAt ? new Date(c.firstResponseAt) : null), when(c.resolvedAt ? new Date(c.resolvedAt) : null),
        minutes(frtW), minutes(frtB), minutes(resW), minutes(resB), outcome ? words[outcome]! : '',
        segs.map((g) => segmentName.get(g)).filter(Boolean).sort((a, b) => a!.localeCompare(b!, language)).join('; '),
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
