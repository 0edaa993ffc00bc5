import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import type { CsatSettings as Settings } from '../../src/domain/csat';
import { TeamPicker } from './TeamPicker';

interface SettingView { own: Settings | null; effective: Settings | null; source: 'team' | 'default' | 'none' }
const BUILT_IN: Settings = { enabled: true, delayMinutes: 0, frequencyDays: 0, reminderHours: 24, secondQuestion: 'none' };

/** Admins: a team's (or the default) satisfaction survey settings, GET/PUT /api/teams/:id/csat. */
export function CsatSettings({ teams }: { teams: Array<{ id: string; name: string }> }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('default');
  const [view, setView] = useState<SettingView | null>(null);
  const [draft, setDraft] = useState<Settings>(BUILT_IN);
  const [note, setNote] = useState('');
  useEffect(() => {
    setNote('');
    api<SettingView>(`/teams/${key}/csat`).then((v) => { setView(v); setDraft(v.effective ?? BUILT_IN); }, (err: Error) => setNote(err.message));
  }, [key]);
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      const v = await api<SettingView>(`/teams/${key}/csat`, { method: 'PUT', body: draft });
      setView(v);
      setNote(t('csatSaved'));
    } catch (err) {
      setNote((err as Error).message);
    }
  }
  const num = (k: 'delayMinutes' | 'frequencyDays' | 'reminderHours', max: number) => (
    <input type="number" min={0} max={max} required value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: Number(e.target.value) })} />
  );
  return (
    <section aria-labelledby="csat-settings-title" className="csat-settings">
      <h2 id="csat-settings-title">{t('csatSettings')}</h2>
      <p className="muted">{t('csatSettingsHelp')}</p>
      <form onSubmit={save} className="csat-form">
        <TeamPicker value={key} teams={teams} onChange={setKey} />
        {view && <p className="muted small">{t(`csatSource_${view.source}`)}</p>}
        <label className="check"><input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> {t('csatEnabled')}</label>
        <label>{t('csatDelay')}{num('delayMinutes', 10080)}</label>
        <label>{t('csatFrequency')}{num('frequencyDays', 365)}</label>
        <label>{t('csatReminder')}{num('reminderHours', 168)}</label>
        <label>{t('csatSecond')}
          <select value={draft.secondQuestion} onChange={(e) => setDraft({ ...draft, secondQuestion: e.target.value as Settings['secondQuestion'] })}>
            {(['none', 'text', 'nps'] as const).map((q) => <option key={q} value={q}>{t(`csatSecond_${q}`)}</option>)}
          </select>
        </label>
        <button type="submit" className="primary">{t('save')}</button>
        {note && <p role="status">{note}</p>}
      </form>
    </section>
  );
}
