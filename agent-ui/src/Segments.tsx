import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentFilter, SegmentView } from '../../src/domain/segments';
import { api } from './api';
import type { Team } from './types';

/** A saved filter in words, for the list and the dialog ("label: vip · last contact within 30 days"). */
export function FilterSummary({ filter }: { filter: Partial<SegmentFilter> }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (filter.label) parts.push(`${t('filterLabel')}: ${filter.label}`);
  if (filter.language) parts.push(`${t('filterLanguage')}: ${filter.language}`);
  if (filter.channel) parts.push(`${t('filterChannel')}: ${t(`channel_${filter.channel}`, { defaultValue: filter.channel })}`);
  if (filter.firstFrom || filter.firstTo) parts.push(`${t('firstSeen')}: ${filter.firstFrom ?? '…'} – ${filter.firstTo ?? '…'}`);
  if (filter.lastFrom || filter.lastTo) parts.push(`${t('lastContact')}: ${filter.lastFrom ?? '…'} – ${filter.lastTo ?? '…'}`);
  if (filter.lastWithinDays) parts.push(t('segLastWithin', { count: filter.lastWithinDays }));
  if (filter.inactiveDays) parts.push(t('segInactive', { count: filter.inactiveDays }));
  if (filter.firstWithinDays) parts.push(t('segFirstWithin', { count: filter.firstWithinDays }));
  if (filter.convMin !== undefined) parts.push(`${t('convCount')} ≥ ${filter.convMin}`);
  if (filter.convMax !== undefined) parts.push(`${t('convCount')} ≤ ${filter.convMax}`);
  const num = (n: number) => new Intl.NumberFormat(t('locale'), { maximumFractionDigits: 2 }).format(n); // 2,5 in Turkish
  if (filter.csatMin !== undefined) parts.push(`CSAT ≥ ${num(filter.csatMin)}`);
  if (filter.csatMax !== undefined) parts.push(t('segCsatAvg', { value: num(filter.csatMax) }));
  if (filter.openMin !== undefined) parts.push(t('segOpenMin', { count: filter.openMin }));
  if (filter.recentMin !== undefined || filter.recentDays !== undefined) parts.push(t('segRecentMin', { count: filter.recentMin ?? 1, days: filter.recentDays ?? 30 }));
  for (const a of filter.attr ?? []) parts.push(a);
  return <span className="filter-summary">{parts.length ? parts.join(' · ') : t('segEveryone')}</span>;
}

/**
 * The segments: saved directory filters with their live customer count. Everyone sees them and can show a
 * segment's customers; supervisors and admins edit and remove them (new ones come from "Save as segment").
 */
export function SegmentsPanel({ canEdit, version, onShow, onEdit }: { canEdit: boolean; version: number; onShow: (s: SegmentView) => void; onEdit: (s: SegmentView) => void }) {
  const { t } = useTranslation();
  const [segments, setSegments] = useState<SegmentView[]>([]);
  const [error, setError] = useState('');
  const [changed, setChanged] = useState(0);
  const [teamNames, setTeamNames] = useState(new Map<string, string>());
  useEffect(() => void api<Team[]>('/teams').then((all) => setTeamNames(new Map(all.map((tm) => [tm.id, tm.name]))), () => {}), []);
  useEffect(() => {
    api<SegmentView[]>('/segments').then((s) => { setSegments(s); setError(''); }, (err: Error) => setError(err.message));
  }, [version, changed]);
  async function remove(s: SegmentView) {
    if (!confirm(t('segRemoveConfirm', { name: s.name }))) return;
    try {
      await api(`/segments/${s.id}/remove`, { method: 'POST' });
      setChanged((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <section className="card segments" aria-labelledby="segments-title">
      <h2 id="segments-title">{t('segments')}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {!segments.length && !error && <p className="muted">{t('segNone')}</p>}
      {segments.length > 0 && (
        <table className="segment-list">
          <thead><tr><th>{t('segName')}</th><th>{t('segFilter')}</th><th>{t('segCount')}</th><th>{t('segDoes')}</th><th><span className="sr-only">{t('segActions')}</span></th></tr></thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.id}>
                <td><strong>{s.name}</strong>{s.description && <div className="muted">{s.description}</div>}</td>
                <td><FilterSummary filter={s.filter} /></td>
                <td className="num">{s.count ?? '—'}</td>
                <td>
                  {s.showAsView && <span className="chip">{t('segIsView')}</span>}
                  {s.rule?.priority !== undefined && <span className="chip">{t('segPriority', { priority: s.rule.priority })}</span>}
                  {s.rule?.teamId && <span className="chip">{t('segTeamRule', { team: teamNames.get(s.rule.teamId) ?? '?' })}</span>}
                  {s.rule?.sla && <span className="chip">{t('segSlaRule')}</span>}
                </td>
                <td>
                  <div className="buttons">
                    {/* No count: the directory is not for this agent (team access), so there is nothing to show. */}
                    {s.count !== undefined && <button type="button" onClick={() => onShow(s)}>{t('segShow')}</button>}
                    {canEdit && <button type="button" onClick={() => onEdit(s)}>{t('segEdit')}</button>}
                    {canEdit && <button type="button" onClick={() => void remove(s)}>{t('segRemove')}</button>}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const minutes = (v: string) => (v.trim() ? Number(v) : undefined);

/**
 * Create a segment from the current filter, or edit one: name, description, shown as an inbox view, and the rule
 * applied when a conversation opens for a member (priority, team, SLA targets).
 */
export function SegmentDialog({ filter, segment, onClose, onSaved }: { filter: Partial<SegmentFilter>; segment?: SegmentView; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [showAsView, setShowAsView] = useState(segment?.showAsView ?? true);
  const [order, setOrder] = useState(String(segment?.order ?? 100));
  const [priority, setPriority] = useState(segment?.rule?.priority !== undefined ? String(segment.rule.priority) : '');
  const [teamId, setTeamId] = useState(segment?.rule?.teamId ?? '');
  const [firstResponse, setFirstResponse] = useState(String(segment?.rule?.sla?.default.firstResponseMinutes ?? ''));
  const [resolution, setResolution] = useState(String(segment?.rule?.sla?.default.resolutionMinutes ?? ''));
  const [error, setError] = useState('');
  useEffect(() => ref.current?.showModal(), []);
  useEffect(() => void api<Team[]>('/teams').then(setTeams, () => {}), []);
  const saved = segment?.filter ?? filter;

  async function save(e: FormEvent) {
    e.preventDefault();
    const targets = { firstResponseMinutes: minutes(firstResponse), resolutionMinutes: minutes(resolution) };
    const hasSla = targets.firstResponseMinutes !== undefined || targets.resolutionMinutes !== undefined;
    const rule = {
      ...(priority.trim() ? { priority: Number(priority) } : {}),
      ...(teamId ? { teamId } : {}),
      // Other SLA fields (per-priority targets, pauses) are kept as they were.
      ...(hasSla ? { sla: { ...segment?.rule?.sla, default: targets } } : {}),
    };
    const body = { name, description, filter: saved as SegmentFilter, showAsView, order: Number(order) || 0, rule: Object.keys(rule).length ? rule : null };
    try {
      await api(segment ? `/segments/${segment.id}` : '/segments', { method: segment ? 'PUT' : 'POST', body });
      onSaved();
      ref.current?.close();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <dialog ref={ref} className="segment-dialog" aria-labelledby="segment-title" onClose={onClose}>
      <form onSubmit={(e) => void save(e)}>
        <h2 id="segment-title">{segment ? t('segEditTitle', { name: segment.name }) : t('segSaveTitle')}</h2>
        <p><strong>{t('segFilter')}:</strong> <FilterSummary filter={saved} /></p>
        <label>{t('segName')}<input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus placeholder={t('segNameHint')} /></label>
        <label>{t('segDescription')}<input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={300} /></label>
        <label className="check"><input type="checkbox" checked={showAsView} onChange={(e) => setShowAsView(e.target.checked)} />{t('segShowAsView')}</label>
        <fieldset>
          <legend>{t('segRule')}</legend>
          <p className="muted">{t('segRuleHelp')}</p>
          <label>{t('segRulePriority')}<input type="number" min={-100} max={100} value={priority} onChange={(e) => setPriority(e.target.value)} size={4} /></label>
          <label>{t('segRuleTeam')}
            <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              <option value="">{t('segRuleNoTeam')}</option>
              {teams.map((tm) => <option key={tm.id} value={tm.id}>{tm.name}</option>)}
            </select>
          </label>
          <label>{t('segRuleFirstResponse')}<input type="number" min={1} value={firstResponse} onChange={(e) => setFirstResponse(e.target.value)} size={6} /></label>
          <label>{t('segRuleResolution')}<input type="number" min={1} value={resolution} onChange={(e) => setResolution(e.target.value)} size={6} /></label>
          <label>{t('segOrder')}<input type="number" min={0} max={10000} value={order} onChange={(e) => setOrder(e.target.value)} size={5} /></label>
        </fieldset>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row">
          <span className="spacer" />
          <button type="button" onClick={() => ref.current?.close()}>{t('cancel')}</button>
          <button type="submit" className="primary">{t('save')}</button>
        </div>
      </form>
    </dialog>
  );
}
