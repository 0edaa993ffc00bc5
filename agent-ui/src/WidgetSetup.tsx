import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { CopyField } from './CopyField';

// How the host site's server signs a user id (docs/widget-protocol.md, strict identity mode).
const SERVER_SAMPLE = `// Node, on your server (never in the page)
const { createHmac } = require('node:crypto');
const userHash = createHmac('sha256', process.env.KANAL_IDENTITY_SECRET).update(userId).digest('hex');
// the email too, so the chat joins the customer's email (unsigned, it is only shown as "not verified"):
const emailHash = createHmac('sha256', process.env.KANAL_IDENTITY_SECRET).update(email).digest('hex');
// then render: window.KanalSettings = { userId, userHash, name, email, emailHash };`;

/** The web chat snippet and the strict-identity secret: masked, revealed only on an admin's request. */
export function WidgetSetup({ snippet, strictIdentity }: { snippet: string; strictIdentity: boolean }) {
  const { t } = useTranslation();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState('');
  const reveal = () => api<{ secret: string }>('/admin/channels/webchat/identity-secret').then((r) => { setSecret(r.secret); setError(''); }, (e: Error) => setError(e.message));
  return (
    <>
      <CopyField label={t('snippet')} value={snippet} multiline />
      <p>{t('strictIdentity')}: <strong className={strictIdentity ? 'ok' : 'muted'}>{strictIdentity ? t('enabled') : t('disabled')}</strong></p>
      {strictIdentity ? (
        <>
          <p className="secret">
            {t('identitySecret')}: <code aria-live="polite">{secret ?? '••••••••••••••••'}</code>{' '}
            <button type="button" aria-pressed={secret !== null} onClick={() => (secret === null ? void reveal() : setSecret(null))}>{secret === null ? t('reveal') : t('hide')}</button>
          </p>
          {error && <p role="alert" className="error">{error}</p>}
          <p>{t('strictOnHelp')}</p>
        </>
      ) : (
        <p>{t('strictOffHelp')}</p>
      )}
      <pre className="code" tabIndex={0} aria-label="code sample">{strictIdentity ? SERVER_SAMPLE : `WIDGET_IDENTITY_SECRET=<32 random characters>\n\n${SERVER_SAMPLE}`}</pre>
    </>
  );
}
