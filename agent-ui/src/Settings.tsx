import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from './types';

export function SettingsDialog({ settings, onSave, onClose }: { settings: Settings; onSave: (s: Settings) => Promise<void>; onClose: () => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(settings);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  async function submit(e: FormEvent) {
    e.preventDefault();
    await onSave(draft);
    onClose();
  }
  return (
    <dialog ref={ref} className="settings" aria-labelledby="settings-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="settings-title">{t('settings')}</h2>
        <label>
          {t('language')}
          <select name="language" value={draft.language} onChange={(e) => setDraft({ ...draft, language: e.target.value as Settings['language'] })}>
            <option value="tr">Türkçe</option>
            <option value="en">English</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="sound" checked={draft.sound} onChange={(e) => setDraft({ ...draft, sound: e.target.checked })} />
          {t('soundOn')}
        </label>
        <div className="row">
          <button type="button" onClick={onClose}>{t('close')}</button>
          <button type="submit" className="primary">{t('save')}</button>
        </div>
      </form>
    </dialog>
  );
}
