import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlaPolicy, SlaTargets } from '../../src/domain/sla';
import { sourceKey, useTeamSetting } from './team-setting';

const INITIAL: SlaPolicy = { default: {}, priorities: {}, pauseWhen: [] };
const TARGETS = ['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes'] as const;

/**
 * Admins: a team's (or the default) SLA targets in minutes of business time, for every conversation and per
 * priority, and which statuses pause the clocks (GET/PUT /api/teams/:key/sla-policy). New clocks use the change.
 */
export function SlaPolicySettings({ teamKey }: { teamKey: string }) {
  const { t } = useTranslation();
  const fields: Record<string, string> = { default: t('slaAll'), priorities: t('slaPriority'), pauseWhen: t('slaPause') };
  for (const k of TARGETS) fields[k] = t(`sla_${k}`);
  const { draft, setDraft, source, note, save } = useTeamSetting<SlaPolicy>(teamKey, 'sla-policy', INITIAL, fields);
  const [priority, setPriority] = useState('');
  const rows: [string | null, SlaTargets][] = [[null, draft.default], ...Object.entries(draft.priorities).sort(([a], [b]) => Number(b) - Number(a))];
  const setTarget = (p: string | null, k: (typeof TARGETS)[number], raw: string) => {
    const cur = p === null ? draft.default : draft.priorities[p]!;
    const next: SlaTargets = { ...cur };
    if (raw === '') delete next[k];
    else next[k] = Number(raw);
    setDraft(p === null ? { ...draft, default: next } : { ...draft, priorities: { ...draft.priorities, [p]: next } });
  };
  const removePriority = (p: string) => setDraft({ ...draft, priorities: Object.fromEntries(Object.entries(draft.priorities).filter(([k]) => k !== p)) });
  const addPriority = () => {
    if (priority.trim() && !(priority in draft.priorities)) setDraft({ ...draft, priorities: { ...draft.priorities, [priority.trim()]: {} } });
    setPriority('');
  };
  const togglePause = (s: 'pending' | 'snoozed') =>
    setDraft({ ...draft, pauseWhen: draft.pauseWhen.includes(s) ? draft.pauseWhen.filter((x) => x !== s) : [...draft.pauseWhen, s] });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  return (
    <form className="card policy-form" onSubmit={submit} aria-labelledby="sla-title" noValidate>
      <h2 id="sla-title">{t('slaTitle')}</h2>
      <p className="muted">{t('slaHelp')}</p>
      {source && <p className="muted small">{t(sourceKey(teamKey, source))}</p>}
      <div className="table-wrap">
        <table className="sla-targets">
          <thead><tr><th>{t('slaConversations')}</th>{TARGETS.map((k) => <th key={k}>{t(`sla_${k}`)}</th>)}<th /></tr></thead>
          <tbody>
            {rows.map(([p, targets]) => {
              const name = p === null ? t('slaAll') : t('slaPriorityN', { n: p });
              return (
                <tr key={p ?? 'default'}>
                  <th scope="row">{name}</th>
                  {TARGETS.map((k) => (
                    <td key={k}>
                      <input type="number" min={1} max={525600} className="minutes" placeholder={t('slaNoTarget')} value={targets[k] ?? ''} aria-label={`${name}: ${t(`sla_${k}`)}`} onChange={(e) => setTarget(p, k, e.target.value)} />
                    </td>
                  ))}
                  <td>{p !== null && <button type="button" className="icon" aria-label={`${t('delete')}: ${name}`} onClick={() => removePriority(p)}>×</button>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('slaMinutesHint')}</p>
      <span className="row">
        <label className="inline">{t('slaPriority')} <input type="number" min={-40} max={40} className="minutes" value={priority} onChange={(e) => setPriority(e.target.value)} /></label>
        <button type="button" disabled={!priority.trim()} onClick={addPriority}>{t('slaAddPriority')}</button>
      </span>
      <fieldset className="row">
        <legend>{t('slaPause')}</legend>
        {(['pending', 'snoozed'] as const).map((s) => (
          <label key={s} className="check"><input type="checkbox" checked={draft.pauseWhen.includes(s)} onChange={() => togglePause(s)} /> {t(`status_${s}`)}</label>
        ))}
      </fieldset>
      {note && <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok' : 'error'}>{note.text}</p>}
      <button type="submit" className="primary">{t('save')}</button>
    </form>
  );
}
