import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import type { HandoffSettings as Settings } from '../../src/domain/handoff';
import { TeamPicker } from './TeamPicker';

interface SettingView { own: Settings | null; effective: Settings | null; source: 'team' | 'default' | 'none' }

/** Admins: whether a reply takes an unassigned conversation, per team or the default (GET/PUT /api/teams/:id/handoff). */
export function HandoffSettings({ teams }: { teams: Array<{ id: string; name: string }> }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('default');
  const [on, setOn] = useState(true);
  const [note, setNote] = useState('');
  useEffect(() => {
    setNote('');
    api<SettingView>(`/teams/${key}/handoff`).then((v) => setOn(v.effective?.autoAssignOnReply ?? true), (err: Error) => setNote(err.message));
  }, [key]);
  const save = (value: boolean) => {
    setOn(value);
    api(`/teams/${key}/handoff`, { method: 'PUT', body: { autoAssignOnReply: value } }).then(() => setNote(t('handoffSaved')), (err: Error) => setNote(err.message));
  };
  return (
    <section aria-labelledby="handoff-settings-title" className="handoff-settings">
      <h2 id="handoff-settings-title">{t('handoffSettings')}</h2>
      <p className="muted">{t('handoffSettingsHelp')}</p>
      <div className="csat-form">
        <TeamPicker value={key} teams={teams} onChange={setKey} />
        <label className="check"><input type="checkbox" checked={on} onChange={(e) => save(e.target.checked)} /> {t('handoffAutoAssign')}</label>
        {note && <p role="status">{note}</p>}
      </div>
    </section>
  );
}
