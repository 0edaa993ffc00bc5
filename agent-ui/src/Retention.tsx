import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';

interface Settings { enabled: boolean; months: number; mode: 'anonymize' | 'delete' }
interface Run { at: string; cutoff: string; conversations: number; messages: number; attachmentsRemoved: number; days: number }

/** Admins: how long resolved conversations keep their content (GET/PUT /api/admin/retention), and a run now. */
export function Retention() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Settings | null>(null);
  const [lastRun, setLastRun] = useState<Run | null>(null);
  const [note, setNote] = useState('');
  const load = () => api<{ settings: Settings; lastRun: Run | null }>('/admin/retention').then((v) => { setDraft(v.settings); setLastRun(v.lastRun); }, (err: Error) => setNote(err.message));
  useEffect(() => void load(), []);
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    try {
      setDraft(await api<Settings>('/admin/retention', { method: 'PUT', body: draft }));
      setNote(t('retentionSaved'));
    } catch (err) {
      setNote((err as Error).message);
    }
  }
  async function runNow() {
    try {
      await api('/admin/retention/run', { method: 'POST' });
      setNote(t('retentionQueued'));
    } catch (err) {
      setNote((err as Error).message);
      return;
    }
    // The run is a job: look for its result for up to a minute (a large first run keeps going; the page shows it later).
    const before = lastRun?.at;
    for (let n = 0; n < 30; n++) {
      await new Promise((r) => setTimeout(r, 2000));
      const v = await api<{ lastRun: Run | null }>('/admin/retention').catch(() => null);
      if (v?.lastRun && v.lastRun.at !== before) {
        setLastRun(v.lastRun);
        setNote('');
        return;
      }
    }
  }
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' });
  if (!draft) return note ? <p role="alert">{note}</p> : <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="retention-title" className="retention">
      <h2 id="retention-title">{t('retentionTitle')}</h2>
      <p className="muted">{t('retentionHelp')}</p>
      <form onSubmit={save} className="retention-form">
        <label className="check"><input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> {t('retentionEnabled')}</label>
        <label>{t('retentionMonths')}
          <input type="number" min={1} max={120} required value={draft.months} onChange={(e) => setDraft({ ...draft, months: Number(e.target.value) })} />
        </label>
        <fieldset>
          <legend>{t('retentionMode')}</legend>
          {(['anonymize', 'delete'] as const).map((mode) => (
            <label key={mode} className="check">
              <input type="radio" name="retention-mode" value={mode} checked={draft.mode === mode} onChange={() => setDraft({ ...draft, mode })} /> {t(`retentionMode_${mode}`)}
            </label>
          ))}
        </fieldset>
        <p className="muted small">{t('retentionKept')}</p>
        <div className="actions">
          <button type="submit" className="primary">{t('save')}</button>
          <button type="button" onClick={() => void runNow()} disabled={!draft.enabled}>{t('retentionRunNow')}</button>
        </div>
        {note && <p role="status">{note}</p>}
      </form>
      <h3>{t('retentionLastRun')}</h3>
      <p>{lastRun
        ? t('retentionRunReport', { when: when(lastRun.at), cutoff: when(lastRun.cutoff), conversations: lastRun.conversations, messages: lastRun.messages, files: lastRun.attachmentsRemoved })
        : t('retentionNeverRun')}</p>
    </section>
  );
}
