import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { CopyField } from './CopyField';

type Scope = 'read' | 'write' | 'admin';
interface Token {
  id: string; name: string; prefix: string; scopes: Scope[]; kind: 'personal' | 'bot';
  createdAt: string; expiresAt: string | null; lastUsedAt: string | null; revokedAt: string | null;
}

/**
 * The agent's personal API tokens: create one (name, scopes, optional expiry; the secret is shown once), see when
 * each was last used, revoke. The admin scope is offered to supervisors and admins only (the hub checks it too).
 */
export function ApiTokens({ canAdmin }: { canAdmin: boolean }) {
  const { t } = useTranslation();
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' });

  const load = useCallback(() => api<{ tokens: Token[] }>('/me/tokens').then((r) => setTokens(r.tokens), (e: Error) => setError(e.message)), []);
  useEffect(() => void load(), [load]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const body = { name, scopes, ...(days ? { expiresInDays: Number(days) } : {}) };
      const made = await api<{ token: string }>('/me/tokens', { body });
      setSecret(made.token);
      setName('');
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function revoke(token: Token) {
    setConfirming(null);
    await api(`/me/tokens/${token.id}/revoke`, { method: 'POST' }).catch((err: Error) => setError(err.message));
    await load();
  }

  const toggle = (scope: Scope) => setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));
  const offered: Scope[] = canAdmin ? ['read', 'write', 'admin'] : ['read', 'write'];
  return (
    <section className="api-tokens" aria-labelledby="api-tokens-title">
      <h3 id="api-tokens-title">{t('apiTokens')}</h3>
      <p className="muted">{t('apiTokensHint')}</p>
      {tokens && tokens.length === 0 && <p className="muted">{t('noTokens')}</p>}
      {tokens && tokens.length > 0 && (
        <ul className="token-list">
          {tokens.map((tok) => (
            <li key={tok.id} className={tok.revokedAt ? 'revoked' : undefined}>
              <span className="token-name">{tok.name}</span> <code>{tok.prefix}…</code>{' '}
              <span className="muted">
                {tok.scopes.map((s) => t(`scope_${s}`)).join(', ')} · {tok.lastUsedAt ? t('tokenLastUsed', { when: when(tok.lastUsedAt) }) : t('tokenNeverUsed')}
                {tok.expiresAt && !tok.revokedAt ? ` · ${t('tokenExpires', { when: when(tok.expiresAt) })}` : ''}
              </span>
              {tok.revokedAt && <span className="chip">{t('tokenRevoked')}</span>}
              {!tok.revokedAt && confirming !== tok.id && <button type="button" onClick={() => setConfirming(tok.id)}>{t('revoke')}</button>}
              {!tok.revokedAt && confirming === tok.id && (
                <span role="group" className="confirm">
                  {t('revokeConfirm', { name: tok.name })}{' '}
                  <button type="button" className="danger" onClick={() => void revoke(tok)}>{t('revoke')}</button>
                  <button type="button" onClick={() => setConfirming(null)}>{t('cancel')}</button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {secret && (
        <div role="status" className="ok">
          <p>{t('tokenCreated')}</p>
          <CopyField label={t('newToken')} value={secret} />
        </div>
      )}
      <form onSubmit={create} className="token-form">
        <label>
          {t('tokenName')}
          <input name="tokenName" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('tokenScopes')}</legend>
          {offered.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {t(`scope_${scope}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('tokenExpiresDays')}
          <input name="expiresInDays" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row"><button type="submit" className="primary" disabled={!scopes.length}>{t('createToken')}</button></div>
      </form>
    </section>
  );
}
