import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';

type Mode = 'team' | 'open';

/** Admins: who sees which conversations (PUT /api/admin/team-access; docs/operations.md, "Team access"). */
export function TeamAccess() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ mode: Mode }>('/admin/team-access').then((r) => setMode(r.mode), (err: Error) => setError(err.message));
  }, []);
  const change = (next: Mode) =>
    api<{ mode: Mode }>('/admin/team-access', { method: 'PUT', body: { mode: next } }).then((r) => { setError(''); setMode(r.mode); }, (err: Error) => setError(err.message));
  return (
    <section aria-labelledby="team-access-title">
      <h2 id="team-access-title">{t('teamAccess')}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {(['team', 'open'] as const).map((m) => (
        <label key={m}>
          <input type="radio" name="team-access" value={m} checked={mode === m} disabled={mode === null} onChange={() => void change(m)} />
          {t(`teamAccess_${m}`)}
        </label>
      ))}
    </section>
  );
}
