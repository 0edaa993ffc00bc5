import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { AgentEditor, TeamCheckboxes, type EditableAgent } from './AgentEditor';
import { CsatSettings } from './CsatSettings';
import { formError } from './form-error';
import { HandoffSettings } from './HandoffSettings';
import { usePresenceOfOthers } from './Presence';
import { TeamAccess } from './TeamAccess';
import type { Agent, Me, Team } from './types';

type Row = Agent & { languages?: string[]; capacity?: number; bot?: boolean };
type TeamRow = Team & { assignmentPolicy?: string };
const POLICIES = ['manual', 'round-robin', 'least-busy'] as const;
const emptyDraft = { name: '', email: '', password: '', role: 'agent', languages: '', capacity: '3', teamIds: [] as string[] };

/** Agents and teams: supervisors see them, admins also add them (role, teams, languages, capacity). */
export function People({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [agents, setAgents] = useState<Row[]>([]);
  const [teams, setTeams] = useState<TeamRow[]>([]);
  const [teamName, setTeamName] = useState('');
  const [draft, setDraft] = useState(emptyDraft);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  // Admins: the agent whose password is being reset, and the new password typed for them.
  const [resetting, setResetting] = useState<Row | null>(null);
  const [resetPassword, setResetPassword] = useState('');
  // Admins: the agent being edited (name, role, routing profile), and the team being renamed.
  const [editing, setEditing] = useState<EditableAgent | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const presence = usePresenceOfOthers();
  const admin = me.role === 'admin';

  const reload = useCallback(() => {
    api<Row[]>('/agents').then(setAgents, (err: Error) => setError(err.message));
    api<TeamRow[]>('/teams').then(setTeams, () => {});
  }, []);
  useEffect(reload, [reload]);
  const run = (p: Promise<unknown>, reset: () => void) => p.then(() => { setError(''); reset(); reload(); }, (err: unknown) => setError(formError(err, t, { name: t('name'), email: t('email'), password: t('password'), capacity: t('capacity'), languages: t('languages') })));
  const submitRename = (e: FormEvent) => {
    e.preventDefault();
    if (renaming) void run(api(`/teams/${renaming.id}`, { method: 'PATCH', body: { name: renaming.name } }), () => setRenaming(null));
  };

  const addTeam = (e: FormEvent) => {
    e.preventDefault();
    void run(api('/teams', { body: { name: teamName } }), () => setTeamName(''));
  };
  const addAgent = (e: FormEvent) => {
    e.preventDefault();
    const languages = draft.languages.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
    const body = { name: draft.name, email: draft.email, password: draft.password, role: draft.role, teamIds: draft.teamIds, languages, capacity: Number(draft.capacity) };
    void run(api('/agents', { body }), () => setDraft(emptyDraft));
  };
  // Disabling ends the agent's sessions and closes its consoles at once (POST /api/agents/:id/disable).
  const setDisabled = (a: Row, disabled: boolean) => void run(api(`/agents/${a.id}/${disabled ? 'disable' : 'enable'}`, { method: 'POST' }), () => setNotice(''));
  const submitReset = (e: FormEvent) => {
    e.preventDefault();
    if (!resetting) return;
    void run(api(`/agents/${resetting.id}/password`, { body: { password: resetPassword } }), () => {
      setNotice(t('passwordReset', { name: resetting.name }));
      setResetting(null);
      setResetPassword('');
    });
  };
  const toggleTeam = (id: string) =>
    setDraft((d) => ({ ...d, teamIds: d.teamIds.includes(id) ? d.teamIds.filter((x) => x !== id) : [...d.teamIds, id] }));
  const teamNames = (ids: string[]) => ids.map((id) => teams.find((tm) => tm.id === id)?.name ?? id).join(', ');

  return (
    <>
      {error && <p role="alert" className="error">{error}</p>}
      {admin && <TeamAccess />}
      {notice && <p role="status" className="ok">{notice}</p>}
      <section aria-labelledby="agents-title">
        <h2 id="agents-title">{t('agents')}</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t('name')}</th><th>{t('email')}</th><th>{t('role')}</th><th>{t('teams')}</th><th>{t('languages')}</th><th>{t('capacity')}</th><th>{t('presence')}</th>{admin && <th>{t('access')}</th>}</tr></thead>
            <tbody>
              {agents.map((a) => {
                const p = presence[a.id]?.presence ?? a.presence;
                return (
                  <tr key={a.id} className={a.disabled ? 'muted' : ''}>
                    <td>{a.name}{a.bot ? ` (${t('bot')})` : ''}</td><td>{a.bot ? '' : a.email}</td><td>{t(`role_${a.role}`)}</td><td>{teamNames(a.teamIds)}</td>
                    <td>{(a.languages ?? []).join(', ')}</td><td>{a.capacity ?? ''}</td>
                    <td><span className={`dot-status ${p}`} aria-hidden="true" /> {t(`presence_${p}`)}</td>
                    {admin && (
                      <td>
                        {a.disabled && <span className="muted">{t('agentDisabled')} </span>}
                        {!a.bot && <><button type="button" onClick={() => setEditing(a as EditableAgent)} aria-label={`${t('edit')}: ${a.name}`}>{t('edit')}</button>{' '}</>}
                        {a.id !== me.id && <>
                          <button type="button" onClick={() => setDisabled(a, !a.disabled)} aria-label={`${t(a.disabled ? 'enableAgent' : 'disableAgent')}: ${a.name}`}>{t(a.disabled ? 'enableAgent' : 'disableAgent')}</button>
                          {!a.bot && <>{' '}<button type="button" onClick={() => { setResetting(a); setResetPassword(''); }} aria-label={`${t('resetPassword')}: ${a.name}`}>{t('resetPassword')}</button></>}
                        </>}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {admin && editing && (
          <AgentEditor key={editing.id} agent={editing} teams={teams} self={editing.id === me.id} onDone={(message) => { setEditing(null); setNotice(message); setError(''); reload(); }} onCancel={() => setEditing(null)} />
        )}
        {admin && resetting && (
          <form className="inline-form" onSubmit={submitReset} aria-label={`${t('resetPassword')}: ${resetting.name}`}>
            <label>{t('newPasswordFor', { name: resetting.name })}
              <input type="password" required minLength={10} autoComplete="new-password" value={resetPassword} onChange={(e) => setResetPassword(e.target.value)} autoFocus />
            </label>
            <button type="submit" className="primary">{t('resetPassword')}</button>
            <button type="button" onClick={() => setResetting(null)}>{t('cancel')}</button>
          </form>
        )}
        {admin && (
          <form className="stack-form" onSubmit={addAgent} aria-label={t('addAgent')}>
            <h3>{t('addAgent')}</h3>
            <div className="inline-form">
              <label>{t('name')}<input required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
              <label>{t('email')}<input type="email" required value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.value })} /></label>
              <label>{t('password')}<input type="password" minLength={10} required autoComplete="new-password" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} /></label>
              <label>{t('role')}
                <select aria-label={t('role')} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value })}>
                  {(['agent', 'supervisor', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role_${r}`)}</option>)}
                </select>
              </label>
              <label>{t('languages')}<input value={draft.languages} placeholder="tr, en" aria-describedby="languages-hint" onChange={(e) => setDraft({ ...draft, languages: e.target.value })} /></label>
              <span id="languages-hint" className="sr-only">{t('languagesHint')}</span>
              <label>{t('capacity')}<input type="number" min={0} max={1000} required value={draft.capacity} onChange={(e) => setDraft({ ...draft, capacity: e.target.value })} /></label>
            </div>
            <TeamCheckboxes teams={teams} selected={draft.teamIds} onToggle={toggleTeam} />
            <button type="submit" className="primary">{t('addAgent')}</button>
          </form>
        )}
      </section>
      <section aria-labelledby="teams-title">
        <h2 id="teams-title">{t('teams')}</h2>
        <ul className="teams">
          {teams.map((tm) => (
            <li key={tm.id}>
              {admin && renaming?.id === tm.id ? (
                <form className="inline-form team-rename" onSubmit={submitRename} aria-label={`${t('renameTeam')}: ${tm.name}`}>
                  <input aria-label={t('name')} required maxLength={200} value={renaming.name} onChange={(e) => setRenaming({ id: tm.id, name: e.target.value })} autoFocus />
                  <button type="submit" className="primary">{t('save')}</button>
                  <button type="button" onClick={() => setRenaming(null)}>{t('cancel')}</button>
                </form>
              ) : tm.name}
              {admin && renaming?.id !== tm.id && <>{' '}<button type="button" className="link" onClick={() => setRenaming({ id: tm.id, name: tm.name })} aria-label={`${t('renameTeam')}: ${tm.name}`}>{t('renameTeam')}</button></>}
              {' · '}
              {admin ? (
                // PATCH /api/teams/:id (routing): the policy the routing worker applies to this team's conversations.
                <select aria-label={`${t('policy')}: ${tm.name}`} value={tm.assignmentPolicy ?? 'manual'} onChange={(e) => void run(api(`/teams/${tm.id}`, { method: 'PATCH', body: { assignmentPolicy: e.target.value } }), () => {})}>
                  {POLICIES.map((p) => <option key={p} value={p}>{t(`policy_${p}`)}</option>)}
                </select>
              ) : <span className="muted">{t(`policy_${tm.assignmentPolicy ?? 'manual'}`, { defaultValue: tm.assignmentPolicy })}</span>}
            </li>
          ))}
        </ul>
        {admin && (
          <form className="inline-form" onSubmit={addTeam} aria-label={t('addTeam')}>
            <input aria-label={t('name')} placeholder={t('name')} required value={teamName} onChange={(e) => setTeamName(e.target.value)} />
            <button type="submit" className="primary">{t('addTeam')}</button>
          </form>
        )}
      </section>
      {admin && <CsatSettings teams={teams} />}
      {admin && <HandoffSettings teams={teams} />}
    </>
  );
}
