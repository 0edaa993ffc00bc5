import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { formError } from './form-error';
import { cannedList, type Canned } from './shared-lists';

const empty = { shortcut: '', title: '', text: '', language: '' };

/**
 * Admins: the team's canned responses (agents insert them in the composer with /shortcut). Adding, changing and
 * deleting are audited; every open console refetches its "/" list when one changes (settings:changed).
 */
export function CannedResponses() {
  const { t } = useTranslation();
  const items = cannedList.useList();
  const [draft, setDraft] = useState(empty);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const fields = { shortcut: t('cannedShortcut'), title: t('cannedTitle'), text: t('cannedText'), language: t('language') };

  const done = (message: string) => {
    setError('');
    setNotice(message);
    setDraft(empty);
    setEditing(null);
    cannedList.refresh();
  };
  async function save(e: FormEvent) {
    e.preventDefault();
    const body = { shortcut: draft.shortcut, title: draft.title, text: draft.text, ...(draft.language ? { language: draft.language } : {}) };
    try {
      await api(editing ? `/canned/${editing}` : '/canned', { body });
      done(t(editing ? 'cannedSaved' : 'cannedAdded', { shortcut: draft.shortcut.replace(/^\//, '') }));
    } catch (err) {
      setNotice('');
      setError(formError(err, t, fields));
    }
  }
  const edit = (c: Canned) => {
    setEditing(c.id);
    setDraft({ shortcut: c.shortcut, title: c.title, text: c.text, language: c.language ?? '' });
    setNotice('');
    setError('');
  };
  async function remove(c: Canned) {
    if (!confirm(t('cannedDeleteConfirm', { shortcut: c.shortcut }))) return;
    try {
      await api(`/canned/${c.id}/delete`, { method: 'POST' });
      done(t('cannedDeleted', { shortcut: c.shortcut }));
    } catch (err) {
      setError(formError(err, t, fields));
    }
  }

  return (
    <section aria-labelledby="canned-title">
      <h2 id="canned-title">{t('section_canned')}</h2>
      <p className="muted">{t('cannedHelp')}</p>
      {notice && <p role="status" className="ok">{notice}</p>}
      {items.length === 0 ? <p className="muted">{t('cannedNone')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t('cannedShortcut')}</th><th>{t('cannedTitle')}</th><th>{t('cannedText')}</th><th>{t('language')}</th><th /></tr></thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td><code>/{c.shortcut}</code></td>
                  <td>{c.title}</td>
                  <td className="canned-text">{c.text}</td>
                  <td>{c.language ? t(`lang_${c.language}`, { defaultValue: c.language }) : t('cannedAnyLanguage')}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => edit(c)} aria-label={`${t('edit')}: /${c.shortcut}`}>{t('edit')}</button>{' '}
                    <button type="button" className="danger" onClick={() => void remove(c)} aria-label={`${t('delete')}: /${c.shortcut}`}>{t('delete')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="card csat-form canned-form" onSubmit={save} aria-label={t(editing ? 'cannedEdit' : 'cannedAdd')} noValidate>
        <h3>{t(editing ? 'cannedEdit' : 'cannedAdd')}</h3>
        <label>{t('cannedShortcut')}
          <input required maxLength={41} placeholder="iade" value={draft.shortcut} aria-describedby="canned-shortcut-hint" onChange={(e) => setDraft({ ...draft, shortcut: e.target.value })} />
        </label>
        <span id="canned-shortcut-hint" className="muted small">{t('cannedShortcutHint')}</span>
        <label>{t('cannedTitle')}<input required maxLength={200} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} /></label>
        <label>{t('cannedText')}<textarea required rows={4} maxLength={5000} value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} /></label>
        <label>{t('language')}
          <select value={draft.language} onChange={(e) => setDraft({ ...draft, language: e.target.value })}>
            <option value="">{t('cannedAnyLanguage')}</option>
            <option value="tr">{t('lang_tr')}</option>
            <option value="en">{t('lang_en')}</option>
          </select>
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row">
          <button type="submit" className="primary">{t(editing ? 'save' : 'cannedAdd')}</button>
          {editing && <button type="button" onClick={() => { setEditing(null); setDraft(empty); setError(''); }}>{t('cancel')}</button>}
        </div>
      </form>
    </section>
  );
}
