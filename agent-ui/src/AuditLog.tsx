import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from './DateField';
import { api, query } from './api';
import type { Agent } from './types';

interface Entry {
  id: string; at: string; action: string; actor: { id: string; name: string }; subjectType: string; subjectId: string | null; subjectName: string;
  summary: string; before: Record<string, unknown>; after: Record<string, unknown>;
}
interface Page { entries: Entry[]; nextCursor: string | null }

/** The action families an admin filters by (an action prefix on the hub). */
const ACTIONS = ['agent.', 'bot.', 'team.', 'settings.', 'canned.', 'macro.', 'label.', 'channel.', 'api_token.', 'webhook.', 'automation_rule.', 'customer.', 'attribute.', 'conversation.', 'report.', 'audit.', 'retention.'] as const;
const SUBJECTS = ['agent', 'team', 'settings', 'canned', 'macro', 'label', 'channel', 'api_token', 'webhook', 'automation_rule', 'customer', 'attribute', 'conversation', 'report', 'audit'] as const;
const emptyFilters = { actorId: '', action: '', subjectType: '', from: '', to: '', q: '' };
const PAGE = 50;

/** Date inputs are local days: from = the first day's start, to = the last day's end. */
const dayBounds = (f: typeof emptyFilters) => ({
  ...f,
  from: f.from ? new Date(`${f.from}T00:00:00`).toISOString() : '',
  to: f.to ? new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000 - 1).toISOString() : '',
});
const shown = (v: unknown) => (v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));
/** A created record lists its values, a deleted one what it had, a change before → after. */
const change = (e: { before: Record<string, unknown>; after: Record<string, unknown> }, field: string) => {
  if (!Object.keys(e.before).length) return shown(e.after[field]);
  if (!Object.keys(e.after).length) return <del>{shown(e.before[field])}</del>;
  return `${shown(e.before[field])} → ${shown(e.after[field])}`;
};

/**
 * Audit log (admins): every admin and supervisor change, newest first, with filters, "more" paging (the hub's
 * cursor) and the filtered log as CSV. Each row shows the changed fields before → after (secrets arrive masked).
 */
export function AuditLog() {
  const { t } = useTranslation();
  const [agents, setAgents] = useState<Agent[]>([]);
  const [filters, setFilters] = useState(emptyFilters);
  const [applied, setApplied] = useState(emptyFilters);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'short', timeStyle: 'medium' });
  const params = query(dayBounds(applied));

  // The hub reads a bounded number of days per request, so a short page may still have a cursor: keep asking until
  // the page is full or the log ends, then show it at once.
  const load = useCallback((after: string | null) => {
    setLoading(true);
    const sep = params ? '&' : '?';
    const fetchPage = async () => {
      const got: Entry[] = [];
      let next = after;
      do {
        const page = await api<Page>(`/admin/audit${params}${sep}${query({ limit: PAGE - got.length, cursor: next ?? undefined }).slice(1)}`);
        got.push(...page.entries);
        next = page.nextCursor;
      } while (next && got.length < PAGE);
      return { got, next };
    };
    fetchPage().then(
      ({ got, next }) => { setEntries((old) => (after ? [...old, ...got] : got)); setCursor(next); setError(''); setLoading(false); },
      (err: Error) => { setError(err.message); setLoading(false); },
    );
  }, [params]);
  useEffect(() => { api<Agent[]>('/agents').then(setAgents, () => {}); }, []);
  useEffect(() => load(null), [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filters);
  };
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value });
  const label = (action: string) => t(`auditAction_${action.replace(/\./g, '_')}`, { defaultValue: action });

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('section_audit')}</h2>
      <p className="muted">{t('auditHint')}</p>
      <form className="inline-form filters" onSubmit={submit} aria-label={t('auditFilters')}>
        <label>{t('auditActor')}<select aria-label={t('auditActor')} value={filters.actorId} onChange={set('actorId')}><option value="">{t('anyone')}</option>{agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}</select></label>
        <label>{t('auditActionFilter')}<select aria-label={t('auditActionFilter')} value={filters.action} onChange={set('action')}><option value="">{t('anyAction')}</option>{ACTIONS.map((a) => <option key={a} value={a}>{t(`auditFamily_${a.slice(0, -1)}`)}</option>)}</select></label>
        <label>{t('auditSubject')}<select aria-label={t('auditSubject')} value={filters.subjectType} onChange={set('subjectType')}><option value="">{t('anySubject')}</option>{SUBJECTS.map((s) => <option key={s} value={s}>{t(`auditFamily_${s}`)}</option>)}</select></label>
        <label>{t('from')}<DateField label={t('from')} value={filters.from} max={filters.to || undefined} onChange={(from) => setFilters({ ...filters, from })} /></label>
        <label>{t('to')}<DateField label={t('to')} value={filters.to} min={filters.from || undefined} onChange={(to) => setFilters({ ...filters, to })} /></label>
        <label>{t('auditSearch')}<input type="search" value={filters.q} onChange={set('q')} placeholder={t('auditSearchHint')} /></label>
        <button type="submit">{t('apply')}</button>
        <a className="button csv" href={`/api/admin/audit.csv${params}`} download>{t('auditExportCsv')}</a>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="table-wrap">
        <table aria-label={t('section_audit')}>
          <thead><tr><th>{t('time')}</th><th>{t('auditActor')}</th><th>{t('auditActionFilter')}</th><th>{t('auditSubject')}</th><th>{t('auditChanges')}</th></tr></thead>
          <tbody>
            {!loading && entries.length === 0 && <tr><td colSpan={5} className="muted">{t('noAuditEntries')}</td></tr>}
            {entries.map((e) => {
              const fields = [...new Set([...Object.keys(e.before), ...Object.keys(e.after)])];
              return (
                <tr key={e.id}>
                  <td>{when(e.at)}</td>
                  <td>{e.actor.name}</td>
                  <td><span title={e.action}>{label(e.action)}</span></td>
                  <td title={e.summary}>{t(`auditFamily_${e.subjectType}`, { defaultValue: e.subjectType })}{e.subjectName && <> <strong>{e.subjectName}</strong></>}</td>
                  <td>
                    {fields.length === 0 ? <span className="muted">–</span> : (
                      <ul className="audit-changes">
                        {fields.map((f) => <li key={f}><code>{f}</code>: {change(e, f)}</li>)}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {loading && <p className="muted" role="status">{t('loading')}</p>}
      {cursor && !loading && <button type="button" onClick={() => load(cursor)}>{t('auditMore')}</button>}
    </section>
  );
}
