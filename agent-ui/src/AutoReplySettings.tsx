import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AutoReplyConfig } from '../../src/domain/sla';
import { sourceKey, useTeamSetting } from './team-setting';

const INITIAL: AutoReplyConfig = { enabled: true, texts: { tr: '', en: '' }, channels: {} };

/**
 * Admins: the out-of-hours reply of a team (or the default), one text per language (GET/PUT
 * /api/teams/:key/auto-reply). The customer gets their language's text, else Turkish, else English. Per-channel
 * texts set through the API are kept as they are.
 */
export function AutoReplySettings({ teamKey }: { teamKey: string }) {
  const { t } = useTranslation();
  const { draft, setDraft, source, note, save } = useTeamSetting<AutoReplyConfig>(teamKey, 'auto-reply', INITIAL, { texts: t('autoReplyTexts'), enabled: t('autoReplyEnabled') });
  const [newLang, setNewLang] = useState('');
  const langs = [...new Set(['tr', 'en', ...Object.keys(draft.texts)])];
  const setText = (lang: string, text: string) => setDraft({ ...draft, texts: { ...draft.texts, [lang]: text } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Empty languages are left out: a language without a text falls back to Turkish, then English.
    const texts = Object.fromEntries(Object.entries(draft.texts).filter(([, v]) => v.trim()));
    void save({ ...draft, texts });
  };
  const addLang = () => {
    const code = newLang.trim().toLowerCase();
    if (code && !(code in draft.texts)) setText(code, '');
    setNewLang('');
  };
  return (
    <form className="card policy-form" onSubmit={submit} aria-labelledby="autoreply-title" noValidate>
      <h2 id="autoreply-title">{t('autoReplyTitle')}</h2>
      <p className="muted">{t('autoReplyHelp')}</p>
      {source && <p className="muted small">{t(sourceKey(teamKey, source))}</p>}
      <label className="check"><input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> {t('autoReplyEnabled')}</label>
      {langs.map((lang) => (
        <label key={lang} className="field">{t(`lang_${lang}`, { defaultValue: lang })}
          <textarea rows={3} maxLength={2000} value={draft.texts[lang] ?? ''} onChange={(e) => setText(lang, e.target.value)} />
        </label>
      ))}
      <span className="row">
        <label className="inline">{t('autoReplyLanguageCode')} <input value={newLang} maxLength={8} size={6} placeholder="de" onChange={(e) => setNewLang(e.target.value)} /></label>
        <button type="button" disabled={!newLang.trim()} onClick={addLang}>{t('autoReplyAddLanguage')}</button>
      </span>
      {note && <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok' : 'error'}>{note.text}</p>}
      <button type="submit" className="primary">{t('save')}</button>
    </form>
  );
}
