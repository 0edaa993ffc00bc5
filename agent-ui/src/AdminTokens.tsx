import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { CopyField } from './CopyField';

type Scope = 'read' | 'write' | 'admin';
interface Token { id: string; name: string; kind: 'personal' | 'bot'; ownerId: string; prefix: string; scopes: Scope[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
const SCOPES: Scope[] = ['read', 'write', 'admin'];

/**
 * Every API token of the install (admins): who owns it, what it may do, when it was last used; revoke any; create a
 * bot (an agent that acts through its token only) with its first token, shown once.
 */
export function AdminTokens() {
  const { t } = useTranslation();
  const [tokens, setTokens] = useState<Token[]>([]);
  const [owners, setOwners] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState({ botName: '', name: '', scopes: ['read', 'write'] as Scope[] });
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState('');
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' }) : t('tokenNeverUsed'));

  const load = useCallback(() => {
    api<{ tokens: Token[] }>('/admin/tokens').then((r) => setTokens(r.tokens), (err: Error) => setError(err.message));
    api<{ id: string; name: string }[]>('/agents').then((list) => setOwners(Object.fromEntries(list.map((a) => [a.id, a.name]))), () => {});
  }, []);
  useEffect(load, [load]);

  const run = (p: Promise<unknown>) => p.then(() => { setError(''); load(); }, (err: Error) => setError(err.message));
  const createBot = (e: FormEvent) => {
    e.preventDefault();
    void run(api<{ token: string }>('/admin/bots', { body: draft }).then((made) => {
      setSecret(made.token);
      setDraft({ botName: '', name: '', scopes: ['read', 'write'] });
    }));
  };
  const toggle = (scope: Scope) => setDraft((d) => ({ ...d, scopes: d.scopes.includes(scope) ? d.scopes.filter((s) => s !== scope) : [...d.scopes, scope] }));

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('apiTokens')}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="table-wrap">
        <table>
          <thead><tr><th>{t('tokenName')}</th><th>{t('tokenOwner')}</th><th>{t('tokenScopes')}</th><th>{t('tokenLastUsedColumn')}</th><th>{t('status')}</th></tr></thead>
          <tbody>
            {tokens.length === 0 && <tr><td colSpan={5} className="muted">{t('noTokens')}</td></tr>}
            {tokens.map((tok) => (
              <tr key={tok.id} className={tok.revokedAt ? 'muted' : ''}>
                <td>{tok.name} <code>{tok.prefix}…</code></td>
                <td>{owners[tok.ownerId] ?? tok.ownerId}{tok.kind === 'bot' ? ` (${t('bot')})` : ''}</td>
                <td>{tok.scopes.map((s) => t(`scope_${s}`)).join(', ')}</td>
                <td>{when(tok.lastUsedAt)}</td>
                <td>{tok.revokedAt ? t('tokenRevoked') : (
                  <button type="button" onClick={() => void run(api(`/admin/tokens/${tok.id}/revoke`, { method: 'POST' }))} aria-label={`${t('revoke')}: ${tok.name}`}>{t('revoke')}</button>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {secret && <div role="status" className="ok"><p>{t('tokenCreated')}</p><CopyField label={t('newToken')} value={secret} /></div>}
      <form className="stack-form" onSubmit={createBot} aria-label={t('createBot')}>
        <h3>{t('createBot')}</h3>
        <p className="muted">{t('createBotHint')}</p>
        <div className="inline-form">
          <label>{t('botName')}<input required maxLength={100} value={draft.botName} onChange={(e) => setDraft({ ...draft, botName: e.target.value })} /></label>
          <label>{t('tokenName')}<input required maxLength={100} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
        </div>
        <fieldset className="inline-form">
          <legend>{t('tokenScopes')}</legend>
          {SCOPES.map((s) => <label key={s} className="check"><input type="checkbox" checked={draft.scopes.includes(s)} onChange={() => toggle(s)} /> {t(`scope_${s}`)}</label>)}
        </fieldset>
        <button type="submit" className="primary" disabled={!draft.scopes.length}>{t('createBot')}</button>
      </form>
    </section>
  );
}
