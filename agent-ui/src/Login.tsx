import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from './api';
import { LANGUAGE_NAMES, LANGUAGES, rememberLanguage } from './console-language';
import type { Me } from './types';

/** Sign-in, in the browser's language until someone picks one here (remembered on this browser). */
export function Login({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const res = await api<{ agent: Me }>('/auth/login', { body: { email, password } });
      onSignedIn(res.agent);
    } catch (err) {
      setError(t('signInFailed', { error: err instanceof ApiError && err.status === 401 ? t('wrongCredentials') : (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <nav className="login-language" aria-label={t('language')}>
        {LANGUAGES.map((l) => (
          <button
            key={l} type="button" lang={l} aria-pressed={i18n.language === l}
            onClick={() => { rememberLanguage(l); void i18n.changeLanguage(l); }}
          >{LANGUAGE_NAMES[l]}</button>
        ))}
      </nav>
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('appName')}</h1>
        <label>
          {t('email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          {t('password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{t('signIn')}</button>
      </form>
    </main>
  );
}
