import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from './DateField';
import { api, query } from './api';
import { BarChart } from './BarChart';
import { TrendChart } from './TrendChart';
import type { Summary } from './supervisor-api';
import { duration, unitsOf } from './time';
import { useChannels } from './channels';
import type { Agent, Team } from './types';
import { CustomerRetention } from './CustomerRetention';
import { SegmentSplit } from './SegmentSplit';

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** Date inputs are local days: from = start of the first day, to = start of the day after the last. */
const startOf = (ymd: string) => new Date(`${ymd}T00:00:00`);
const METRICS = ['frt', 'response', 'resolution', 'waiting'] as const;
const pct = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);
const VOLUME = ['new', 'resolved', 'reopened', 'inbound'] as const;
const TREND = ['new', 'resolved', 'reopened'] as const;

/** Reports: filters -> GET /api/reports/summary, charts, and the CSV of the same filters. */
export function Reports() {
  const { t, i18n } = useTranslation();
  const locale = t('locale');
  const channels = useChannels();
  const units = unitsOf(t);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [segments, setSegments] = useState<Array<{ id: string; name: string }>>([]);
  const [filters, setFilters] = useState(() => ({ from: day(new Date(Date.now() - 6 * 86_400_000)), to: day(new Date()), teamId: '', agentId: '', channel: '', clock: 'wall', segmentId: '' }));
  const [applied, setApplied] = useState(filters);
  const [summary, setSummary] = useState<Summary | null | 'missing' | undefined>(undefined);
  const [error, setError] = useState('');

  useEffect(() => {
    api<Agent[]>('/agents').then(setAgents, () => {});
    api<Team[]>('/teams').then(setTeams, () => {});
    api<Array<{ id: string; name: string }>>('/segments').then(setSegments, () => {});
  }, []);

  const invalid = !applied.from || !applied.to || applied.from > applied.to;
  const range = {
    from: startOf(applied.from).toISOString(), to: invalid ? '' : new Date(startOf(applied.to).getTime() + 86_400_000).toISOString(),
    channel: applied.channel, clock: applied.clock,
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone, // hours of the day as this supervisor lives them
  };
  // A segment's numbers cover every team and agent (the hub refuses the combination).
  const params = invalid ? '' : query(applied.segmentId ? { ...range, segmentId: applied.segmentId } : { ...range, teamId: applied.teamId, agentId: applied.agentId });
  const splitParams = invalid ? '' : query(range);
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
  const setValue = (k: keyof typeof filters) => (value: string) => setFilters({ ...filters, [k]: value });
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setValue(k)(e.target.value);
  const s = summary && summary !== 'missing' ? summary : null;

  return (
    <div className="reports">
      <form className="inline-form filters" onSubmit={submit} aria-label={t('reports')}>
        <label>{t('from')}<DateField label={t('from')} required value={filters.from} max={filters.to} onChange={setValue('from')} /></label>
        <label>{t('to')}<DateField label={t('to')} required value={filters.to} min={filters.from} onChange={setValue('to')} /></label>
        <label>{t('segmentFilter')}<select aria-label={t('segmentFilter')} value={filters.segmentId} onChange={set('segmentId')}><option value="">{t('anySegment')}</option>{segments.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}</select></label>
        <label>{t('teams')}<select aria-label={t('teams')} value={filters.teamId} disabled={Boolean(filters.segmentId)} title={filters.segmentId ? t('segmentTeamHint') : undefined} onChange={set('teamId')}><option value="">{t('anyTeam')}</option>{teams.map((tm) => <option key={tm.id} value={tm.id}>{tm.name}</option>)}</select></label>
        <label>{t('agents')}<select aria-label={t('agents')} value={filters.agentId} disabled={Boolean(filters.segmentId)} title={filters.segmentId ? t('segmentTeamHint') : undefined} onChange={set('agentId')}><option value="">{t('anyAgent')}</option>{agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}</select></label>
        <label>{t('channels')}<select aria-label={t('channels')} value={filters.channel} onChange={set('channel')}><option value="">{t('anyChannel')}</option>{channels.map(({ name: c }) => <option key={c} value={c}>{t(`channel_${c}`)}</option>)}</select></label>
        <label>{t('clock')}<select aria-label={t('clock')} value={filters.clock} onChange={set('clock')}>{(['wall', 'business'] as const).map((c) => <option key={c} value={c}>{t(`clock_${c}`)}</option>)}</select></label>
        <button type="submit" className="primary">{t('apply')}</button>
        {params && <a className="button csv" href={`/api/reports/conversations.csv${params}&lang=${i18n.language === 'en' ? 'en' : 'tr'}`} download>{t('exportCsv')}</a>}
      </form>
      {error && <p role="alert" className="error">{t('error', { error })}</p>}
      {summary === undefined && !invalid && <p>{t('loading')}</p>}
      {summary === 'missing' && <p role="status" className="muted">{t('notAvailable')}</p>}
      {s && (
        <>
          <section aria-labelledby="rp-volume" className="card">
            <h2 id="rp-volume">{t('volumeTitle')}</h2>
            <dl className="tiles">
              {VOLUME.filter((k) => !applied.segmentId || k !== 'inbound').map((k) => <div key={k} data-volume={k}><dt>{t(`volume_${k}`)}</dt><dd>{s.volume[k]}</dd></div>)}
            </dl>
            {applied.segmentId && <p className="muted small" role="note">{t('segmentNotSplit')}</p>}
            <TrendChart
              title={t('dailyTrend')}
              series={TREND.map((k) => ({ key: k, label: t(`volume_${k}`) }))}
              days={s.byDay.map((d) => ({ key: d.day, label: new Date(`${d.day}T12:00`).toLocaleDateString(locale, { day: 'numeric', month: 'short' }), values: { new: d.new, resolved: d.resolved, reopened: d.reopened } }))}
            />
          </section>
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
                <tr data-metric="sla"><th scope="row">{t('slaHitRate')}</th><td className="num" colSpan={4}>{pct(s.slaHitRate)}</td></tr>
                <tr data-metric="csat"><th scope="row">{t('csatRate')}</th><td className="num">{s.csat.answered}</td><td className="num" colSpan={3}>{pct(s.csat.csat)}</td></tr>
                <tr data-metric="csat-response"><th scope="row">{t('csatResponseRate')}</th><td className="num">{s.csat.asked}</td><td className="num" colSpan={3}>{pct(s.csat.responseRate)} <span className="muted small">({t('csatCounts', { answered: s.csat.answered, asked: s.csat.asked })})</span></td></tr>
              </tbody>
            </table>
          </section>
          <SegmentSplit params={splitParams} />
          <section aria-labelledby="rp-agents" className="card">
            <h2 id="rp-agents">{t('perAgent')}</h2>
            {s.agents.length === 0 ? <p className="muted">{t('noAgentsInReport')}</p> : (
              <table className="metrics agents-report">
                <thead>
                  <tr>
                    <th scope="col">{t('agent')}</th><th scope="col">{t('handled')}</th><th scope="col">{t('volume_resolved')}</th><th scope="col">{t('responses')}</th>
                    <th scope="col">{t('frtMedian')}</th><th scope="col">{t('resolutionMedian')}</th><th scope="col">{t('resolutionP90')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.agents.map((a) => (
                    <tr key={a.agentId} data-agent={a.agentId}>
                      <th scope="row">{a.name}</th>
                      <td className="num">{a.handled}</td><td className="num">{a.resolved}</td><td className="num">{a.responses}</td>
                      <td className="num">{duration(a.frt.median, units)}</td><td className="num">{duration(a.resolution.median, units)}</td><td className="num">{duration(a.resolution.p90, units)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {!applied.segmentId && <>
          <section aria-label={t('volumeByChannel')} className="card">
            <BarChart title={t('volumeByChannel')} bars={Object.entries(s.volumes.byChannel).map(([c, n]) => ({ label: t(`channel_${c}`, { defaultValue: c }), value: n }))} />
          </section>
          <section aria-label={t('volumeByHourOfDay')} className="card">
            <BarChart title={t('volumeByHourOfDay')} bars={s.volumes.byHourOfDay.map((n, h) => ({ label: String(h).padStart(2, '0'), value: n }))} />
          </section>
          </>}
        </>
      )}
      <CustomerRetention />
    </div>
  );
}
