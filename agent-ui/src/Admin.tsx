import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { usePresenceOfOthers } from './Presence';
import type { Agent, Me, Team } from './types';

/** Agents and teams (supervisors see them, admins also add them). Channel setup pages come later. */
export function Admin({ me, onClose }: { me: Me; onClose: () => void }) {
  const { t } = useTranslation();
  const [agents, setAgents] = useState<Agent[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [teamName, setTeamName] = useState('');
  const [draft, setDraft] = useState({ name: '', email: '', password: '', role: 'agent' });
  const [error, setError] = useState('');
  const presence = usePresenceOfOthers();
  const admin = me.role === 'admin';

  const reload = useCallback(() => {
    api<Agent[]>('/agents').then(setAgents, (err: Error) => setError(err.message));
    api<Team[]>('/teams').then(setTeams, () => {});
  }, []);
  useEffect(reload, [reload]);
  const run = (p: Promise<unknown>, reset: () => void) => p.then(() => { setError(''); reset(); reload(); }, (err: Error) => setError(err.message));

  const addTeam = (e: FormEvent) => {
    e.preventDefault();
    void run(api('/teams', { body: { name: teamName } }), () => setTeamName(''));
  };
  const addAgent = (e: FormEvent) => {
    e.preventDefault();
    void run(api('/agents', { body: draft }), () => setDraft({ name: '', email: '', password: '', role: 'agent' }));
  };
  const teamNames = (ids: string[]) => ids.map((id) => teams.find((tm) => tm.id === id)?.name ?? id).join(', ');

  return (
    <main className="admin" aria-labelledby="admin-title">
      <header className="row"><h1 id="admin-title">{t('admin')}</h1><span className="spacer" /><button type="button" onClick={onClose}>{t('backToInbox')}</button></header>
      {error && <p role="alert" className="error">{error}</p>}
      <section aria-labelledby="agents-title">
        <h2 id="agents-title">{t('agents')}</h2>
        <table>
          <thead><tr><th>{t('name')}</th><th>{t('email')}</th><th>{t('role')}</th><th>{t('teams')}</th><th>{t('presence')}</th></tr></thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id} className={a.disabled ? 'muted' : ''}>
                <td>{a.name}</td><td>{a.email}</td><td>{t(`role_${a.role}`)}</td><td>{teamNames(a.teamIds)}</td>
                <td><span className={`dot-status ${presence[a.id]?.status ?? a.presence}`} aria-hidden="true" /> {t(`presence_${presence[a.id]?.status ?? a.presence}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {admin && (
          <form className="inline-form" onSubmit={addAgent} aria-label={t('addAgent')}>
            <input aria-label={t('name')} placeholder={t('name')} required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            <input aria-label={t('email')} placeholder={t('email')} type="email" required value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.value })} />
            <input aria-label={t('password')} placeholder={t('password')} type="password" minLength={10} required value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
            <select aria-label={t('role')} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value })}>
              {(['agent', 'supervisor', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role_${r}`)}</option>)}
            </select>
            <button type="submit" className="primary">{t('addAgent')}</button>
          </form>
        )}
      </section>
      <section aria-labelledby="teams-title">
        <h2 id="teams-title">{t('teams')}</h2>
        <ul>{teams.map((tm) => <li key={tm.id}>{tm.name}</li>)}</ul>
        {admin && (
          <form className="inline-form" onSubmit={addTeam} aria-label={t('addTeam')}>
            <input aria-label={t('name')} placeholder={t('name')} required value={teamName} onChange={(e) => setTeamName(e.target.value)} />
            <button type="submit" className="primary">{t('addTeam')}</button>
          </form>
        )}
      </section>
    </main>
  );
}
