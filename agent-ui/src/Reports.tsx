import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from './api';
import { BarChart } from './BarChart';
import type { Summary } from './supervisor-api';
import { duration, unitsOf } from './time';
import { CHANNEL_LIST, type Agent, type Team } from './types';

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** Date inputs are local days: from = start of the first day, to = start of the day after the last. */
const startOf = (ymd: string) => new Date(`${ymd}T00:00:00`);
const METRICS = ['frt', 'response', 'resolution', 'waiting'] as const;

/** Reports: filters -> GET /api/reports/summary, charts, and the CSV of the same filters. */
export function Reports() {
  const { t } = useTranslation();
  const units = unitsOf(t);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [filters, setFilters] = useState(() => ({ from: day(new Date(Date.now() - 6 * 86_400_000)), to: day(new Date()), teamId: '', agentId: '', channel: '', clock: 'wall' }));
  const [applied, setApplied] = useState(filters);
  const [summary, setSummary] = useState<Summary | null | 'missing' | undefined>(undefined);
  const [error, setError] = useState('');

  useEffect(() => {
    api<Agent[]>('/agents').then(setAgents, () => {});
    api<Team[]>('/teams').then(setTeams, () => {});
  }, []);

  const invalid = !applied.from || !applied.to || applied.from > applied.to;
  const params = invalid ? '' : query({
    from: startOf(applied.from).toISOString(), to: new Date(startOf(applied.to).getTime() + 86_400_000).toISOString(),
    teamId: applied.teamId, agentId: applied.agentId, channel: applied.channel, clock: applied.clock,
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone, // hours of the day as this supervisor lives them
  });
  useEffect(() => {
    if (!params) return;
    setSummary(undefined);
    api<Summary>(`/reports/summary${params}`).then(
      (s) => { setSummary(s); setError(''); },
      (err: Error & { status?: number }) => { setSummary(err.status === 404 ? 'missing' : null); setError(err.status === 404 ? '' : err.message); },
    );
  }, [params]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filters);
  };
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value });
  const s = summary && summary !== 'missing' ? summary : null;

  return (
    <div className="reports">
      <form className="inline-form filters" onSubmit={submit} aria-label={t('reports')}>
        <label>{t('from')}<input type="date" required value={filters.from} max={filters.to} onChange={set('from')} /></label>
        <label>{t('to')}<input type="date" required value={filters.to} min={filters.from} onChange={set('to')} /></label>
        <label>{t('teams')}<select aria-label={t('teams')} value={filters.teamId} onChange={set('teamId')}><option value="">{t('anyTeam')}</option>{teams.map((tm) => <option key={tm.id} value={tm.id}>{tm.name}</option>)}</select></label>
        <label>{t('agents')}<select aria-label={t('agents')} value={filters.agentId} onChange={set('agentId')}><option value="">{t('anyAgent')}</option>{agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}</select></label>
        <label>{t('channels')}<select aria-label={t('channels')} value={filters.channel} onChange={set('channel')}><option value="">{t('anyChannel')}</option>{CHANNEL_LIST.map((c) => <option key={c} value={c}>{t(`channel_${c}`)}</option>)}</select></label>
        <label>{t('clock')}<select aria-label={t('clock')} value={filters.clock} onChange={set('clock')}>{(['wall', 'business'] as const).map((c) => <option key={c} value={c}>{t(`clock_${c}`)}</option>)}</select></label>
        <button type="submit" className="primary">{t('apply')}</button>
        {params && <a className="button csv" href={`/api/reports/conversations.csv${params}`} download>{t('exportCsv')}</a>}
      </form>
      {error && <p role="alert" className="error">{t('error', { error })}</p>}
      {summary === undefined && !invalid && <p>{t('loading')}</p>}
      {summary === 'missing' && <p role="status" className="muted">{t('notAvailable')}</p>}
      {s && (
        <>
          <section aria-labelledby="rp-metrics" className="card">
            <h2 id="rp-metrics">{t(`clock_${s.clock}`)}</h2>
            <table className="metrics">
              <thead><tr><th scope="col">{t('metric')}</th><th scope="col">{t('count')}</th><th scope="col">{t('average')}</th><th scope="col">{t('median')}</th><th scope="col">{t('p90')}</th></tr></thead>
              <tbody>
                {METRICS.map((m) => (
                  <tr key={m} data-metric={m}>
                    <th scope="row">{t(`metric_${m}`)}</th>
                    <td className="num">{s[m].count}</td><td className="num">{duration(s[m].avg, units)}</td><td className="num">{duration(s[m].median, units)}</td><td className="num">{duration(s[m].p90, units)}</td>
                  </tr>
                ))}
                <tr data-metric="sla"><th scope="row">{t('slaHitRate')}</th><td className="num" colSpan={4}>{s.slaHitRate === null ? '–' : `${(s.slaHitRate * 100).toFixed(1)} %`}</td></tr>
              </tbody>
            </table>
          </section>
          <section aria-label={t('volumeByChannel')} className="card">
            <BarChart title={t('volumeByChannel')} bars={Object.entries(s.volumes.byChannel).map(([c, n]) => ({ label: t(`channel_${c}`, { defaultValue: c }), value: n }))} />
          </section>
          <section aria-label={t('volumeByHourOfDay')} className="card">
            <BarChart title={t('volumeByHourOfDay')} bars={s.volumes.byHourOfDay.map((n, h) => ({ label: String(h).padStart(2, '0'), value: n }))} />
          </section>
        </>
      )}
    </div>
  );
}
