import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { formError } from './form-error';

export type SettingSource = 'team' | 'default' | 'none';
/** How a form says where its setting comes from: the default's own form says it is the default. */
export const sourceKey = (teamKey: string, source: SettingSource) => `settingSource_${teamKey === 'default' && source === 'default' ? 'isDefault' : source}`;
interface SettingView<T> { own: T | null; effective: T | null; source: SettingSource }

/**
 * One per-team setting (GET/PUT /api/teams/:key/<path>): the form's draft starts from the setting in effect (the
 * team's own, else the default's, else `initial`); `save` stores it as the team's own, with a localized refusal.
 */
export function useTeamSetting<T>(key: string, path: string, initial: T, fields: Record<string, string>, onSaved?: () => void) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<T>(initial);
  const [source, setSource] = useState<SettingSource | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setNote(null);
    setSource(null);
    api<SettingView<T>>(`/teams/${key}/${path}`).then((v) => { setDraft(v.effective ?? initial); setSource(v.source); }, (err: unknown) => setNote({ ok: false, text: formError(err, t) }));
    // `initial` is a constant of the caller.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, path]);
  async function save(value: T = draft) {
    try {
      const v = await api<SettingView<T>>(`/teams/${key}/${path}`, { method: 'PUT', body: value });
      setDraft(v.effective ?? initial);
      setSource(v.source);
      setNote({ ok: true, text: t('settingSaved') });
      onSaved?.();
    } catch (err) {
      setNote({ ok: false, text: formError(err, t, fields) });
    }
  }
  return { draft, setDraft, source, note, save };
}
