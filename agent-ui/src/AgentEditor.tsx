import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { formError } from './form-error';
import type { Agent, Team } from './types';

export type EditableAgent = Agent & { languages?: string[]; capacity?: number; skills?: string[] };

/**
 * Admins: an agent's name, role and routing profile (PATCH /api/agents/:id, audited). One's own role is not
 * editable (an admin cannot lock themselves out). Saved changes reach the agent's next request within seconds.
 */
export function AgentEditor({ agent, teams, self, onDone, onCancel }: {
  agent: EditableAgent; teams: Team[]; self: boolean; onDone: (message: string) => void; onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({
    name: agent.name, role: agent.role, languages: (agent.languages ?? []).join(', '), skills: (agent.skills ?? []).join(', '),
    capacity: String(agent.capacity ?? 0), teamIds: agent.teamIds,
  });
  const [error, setError] = useState('');
  const list = (s: string) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  async function save(e: FormEvent) {
    e.preventDefault();
    const body = {
      name: draft.name, ...(self ? {} : { role: draft.role }), languages: list(draft.languages), skills: list(draft.skills),
      capacity: draft.capacity === '' ? -1 : Number(draft.capacity), teamIds: draft.teamIds,
    };
    try {
      await api(`/agents/${agent.id}`, { method: 'PATCH', body });
      onDone(t('agentSaved', { name: draft.name.trim() }));
    } catch (err) {
      setError(formError(err, t, { name: t('name'), role: t('role'), languages: t('languages'), skills: t('skills'), capacity: t('capacity'), teamIds: t('teams') }));
    }
  }
  const toggleTeam = (id: string) => setDraft((d) => ({ ...d, teamIds: d.teamIds.includes(id) ? d.teamIds.filter((x) => x !== id) : [...d.teamIds, id] }));
  return (
    <form className="stack-form card" onSubmit={save} aria-label={`${t('editAgent')}: ${agent.name}`} noValidate>
      <h3>{t('editAgent')}: {agent.name}</h3>
      <div className="inline-form">
        <label>{t('name')}<input value={draft.name} maxLength={201} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
        <label>{t('role')}
          <select value={draft.role} disabled={self} title={self ? t('ownRoleLocked') : undefined} onChange={(e) => setDraft({ ...draft, role: e.target.value as Agent['role'] })}>
            {(['agent', 'supervisor', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role_${r}`)}</option>)}
          </select>
        </label>
        <label>{t('languages')}<input value={draft.languages} placeholder="tr, en" onChange={(e) => setDraft({ ...draft, languages: e.target.value })} /></label>
        <label>{t('skills')}<input value={draft.skills} placeholder="iade, fatura" onChange={(e) => setDraft({ ...draft, skills: e.target.value })} /></label>
        <label>{t('capacity')}<input type="number" value={draft.capacity} onChange={(e) => setDraft({ ...draft, capacity: e.target.value })} /></label>
      </div>
      <TeamCheckboxes teams={teams} selected={draft.teamIds} onToggle={toggleTeam} />
      {error && <p role="alert" className="error">{error}</p>}
      <div className="row">
        <button type="submit" className="primary">{t('save')}</button>
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}

/** The teams an agent is in, as checkboxes (adding and editing an agent). */
export function TeamCheckboxes({ teams, selected, onToggle }: { teams: Team[]; selected: string[]; onToggle: (id: string) => void }) {
  const { t } = useTranslation();
  if (!teams.length) return null;
  return (
    <fieldset className="inline-form">
      <legend>{t('teams')}</legend>
      {teams.map((tm) => (
        <label key={tm.id} className="check"><input type="checkbox" checked={selected.includes(tm.id)} onChange={() => onToggle(tm.id)} /> {tm.name}</label>
      ))}
    </fieldset>
  );
}
