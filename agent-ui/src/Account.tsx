import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from './api';
import { ApiTokens } from './ApiTokens';
import { formError } from './form-error';
import type { Me } from './types';

/**
 * The agent's own account: change the name shown to colleagues and customers, change the password (the current one is required; the hub ends every other session)
 * personal API tokens, and sign out everywhere (every session, this one included).
 */
export function AccountDialog({ me, onRenamed, canAdmin, onClose, onSignedOutEverywhere }: {
  me: Me; onRenamed: (name: string) => void; canAdmin: boolean; onClose: () => void; onSignedOutEverywhere: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState(me.name);
  const [nameMessage, setNameMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => ref.current?.showModal(), []);

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await api('/me/password', { body: { currentPassword, newPassword } });
      setCurrent('');
      setNew('');
      setMessage({ ok: true, text: t('passwordChanged') });
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      // A refused new password (400): the policy, as the hint says it in the agent's language.
      setMessage({ ok: false, text: status === 403 ? t('wrongCurrentPassword') : t('passwordRefused', { error: status === 400 ? t('passwordHint') : (err as Error).message }) });
    } finally {
      setBusy(false);
    }
  }

  async function rename(e: FormEvent) {
    e.preventDefault();
    try {
      const changed = await api<Me>('/me', { method: 'PATCH', body: { name } });
      onRenamed(changed.name);
      setNameMessage({ ok: true, text: t('nameChanged') });
    } catch (err) {
      setNameMessage({ ok: false, text: formError(err, t, { name: t('yourName') }) });
    }
  }

  async function signOutEverywhere() {
    await api('/auth/logout-all', { method: 'POST' }).catch(() => {});
    onSignedOutEverywhere();
  }

  return (
    <dialog ref={ref} className="settings" aria-labelledby="account-title" onClose={onClose}>
      <h2 id="account-title">{t('account')}</h2>
      <form onSubmit={rename} noValidate aria-label={t('yourName')} className="own-name">
        <label>
          {t('yourName')}
          <input name="name" autoComplete="name" maxLength={201} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {nameMessage && <p role={nameMessage.ok ? 'status' : 'alert'} className={nameMessage.ok ? 'ok' : 'error'}>{nameMessage.text}</p>}
        <div className="row"><button type="submit" disabled={name.trim() === me.name}>{t('changeName')}</button></div>
      </form>
      <form onSubmit={changePassword}>
        <h3>{t('changePassword')}</h3>
        <label>
          {t('currentPassword')}
          <input type="password" name="currentPassword" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          {t('newPassword')}
          <input type="password" name="newPassword" autoComplete="new-password" required minLength={10} aria-describedby="new-password-hint" value={newPassword} onChange={(e) => setNew(e.target.value)} />
        </label>
        <span id="new-password-hint" className="muted">{t('passwordHint')}</span>
        {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
        <div className="row"><button type="submit" className="primary" disabled={busy}>{t('changePassword')}</button></div>
      </form>
      <ApiTokens canAdmin={canAdmin} />
      <div>
        <h3>{t('signOutEverywhere')}</h3>
        <p className="muted">{t('signOutEverywhereHint')}</p>
        <div className="row">
          <button type="button" onClick={onClose}>{t('close')}</button>
          <button type="button" className="danger" onClick={() => void signOutEverywhere()}>{t('signOutEverywhere')}</button>
        </div>
      </div>
    </dialog>
  );
}
