import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { formError } from './form-error';

type Greeting = { tr?: string; en?: string };
const LANGUAGES = ['tr', 'en'] as const;

/** The web chat greeting per language (GET/PUT /api/admin/widget; docs/widget-protocol.md, `widget:state`). */
export function WidgetGreeting() {
  const { t } = useTranslation();
  const [greeting, setGreeting] = useState<Greeting>({});
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    api<{ greeting: Greeting }>('/admin/widget').then((r) => setGreeting(r.greeting), () => {});
  }, []);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await api<{ greeting: Greeting }>('/admin/widget', { method: 'PUT', body: { greeting } });
      setGreeting(saved.greeting);
      setNote({ ok: true, text: t('widgetSaved') });
    } catch (err) {
      setNote({ ok: false, text: formError(err, t, { tr: t('widgetGreeting_tr'), en: t('widgetGreeting_en') }) });
    }
  };
  return (
    <form className="widget-greeting" onSubmit={(e) => void save(e)}>
      <h3>{t('widgetGreeting')}</h3>
      <p className="muted">{t('widgetGreetingHelp')}</p>
      {LANGUAGES.map((lang) => (
        <label key={lang}>
          {t(`widgetGreeting_${lang}`)}
          <textarea name={`greeting-${lang}`} maxLength={500} rows={2} value={greeting[lang] ?? ''} onChange={(e) => setGreeting({ ...greeting, [lang]: e.target.value })} />
        </label>
      ))}
      <button type="submit">{t('widgetSave')}</button>
      {note && <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok' : 'error'}>{note.text}</p>}
    </form>
  );
}
