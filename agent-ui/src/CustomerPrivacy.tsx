import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import type { Customer } from './types';

interface Report { messages: number; attachmentsRemoved: number; conversationsClosed: number; auditId: string }
interface Preview {
  customerId: string; confirmPhrase: string; conversations: number; unresolved: number; identities: number; erasedAt: string | null;
  /** The erasure job, while one is queued or running, or failed. */
  pending: 'queued' | 'running' | 'failed' | null;
  lastErasure: Report | null;
}
/** How often the panel asks whether the erasure job is done. */
const POLL_MS = 1500;

/** As the hub compares the confirmation: spaces collapsed, case ignored (Turkish casing). */
const comparable = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr');

/**
 * Admins on a customer's profile: download everything held about the customer (one ZIP), or erase it after typing
 * the phrase the hub asks for (its name, or its id when it has none). GDPR requests: docs/privacy.md.
 */
export function CustomerPrivacy({ customer, onErased }: { customer: Customer; onErased: () => void }) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  /** While an erasure job runs: the audit id of the erasure before it (the job's own record has another). */
  const [watching, setWatching] = useState<{ since: string | null } | null>(null);

  // The erasure runs as a job on the hub (minutes for a long history): ask until it is done, then report its counts.
  useEffect(() => {
    if (!watching) return;
    let stopped = false;
    const timer = setInterval(() => {
      api<Preview>(`/customers/${customer.id}/erasure`).then((p) => {
        if (stopped) return;
        if (p.pending === 'failed') {
          setWatching(null);
          setError(t('eraseFailed'));
        } else if (!p.pending && p.lastErasure && p.lastErasure.auditId !== watching.since) {
          setWatching(null);
          const r = p.lastErasure;
          setNote(t('erasedReport', { messages: r.messages, files: r.attachmentsRemoved, closed: r.conversationsClosed }));
          onErased();
        }
      }, () => {}); // a missed poll is retried at the next tick
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [watching, customer.id, onErased, t]);

  async function ask() {
    setNote('');
    setTyped('');
    try {
      const p = await api<Preview>(`/customers/${customer.id}/erasure`);
      setError('');
      if (p.pending === 'queued' || p.pending === 'running') setWatching({ since: p.lastErasure?.auditId ?? null });
      else setPreview(p);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  async function erase() {
    if (!preview) return;
    setBusy(true);
    try {
      await api(`/customers/${customer.id}/erase`, { body: { confirm: typed } });
      setWatching({ since: preview.lastErasure?.auditId ?? null });
      setPreview(null);
      setError('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  const matches = preview !== null && comparable(typed) === comparable(preview.confirmPhrase);
  return (
    <section className="privacy" aria-labelledby={`privacy-${customer.id}`}>
      <h3 id={`privacy-${customer.id}`}>{t('privacyTitle')}</h3>
      {customer.erasedAt && <p className="muted small">{t('erasedOn', { when: new Date(customer.erasedAt).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' }) })}</p>}
      <div className="privacy-actions">
        <a className="button" href={`/api/customers/${customer.id}/export`} download>{t('exportData')}</a>
        {!customer.erasedAt && !preview && !watching && <button type="button" className="danger" onClick={() => void ask()}>{t('eraseCustomer')}</button>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {watching && <p role="status" className="erasing">{t('erasing')}</p>}
      {note && <p role="status">{note}</p>}
      {preview && (
        <div className="erase-confirm" role="dialog" aria-labelledby={`erase-title-${customer.id}`}>
          <h4 id={`erase-title-${customer.id}`}>{t('eraseTitle')}</h4>
          <p>{t('eraseCounts', { conversations: preview.conversations, open: preview.unresolved, identities: preview.identities })}</p>
          <ul className="small">
            <li>{t('eraseWhat')}</li>
            <li>{t('eraseKept')}</li>
            <li>{t('eraseOpen')}</li>
          </ul>
          <p><strong>{t('eraseFinal')}</strong></p>
          <label>{t('eraseType', { phrase: preview.confirmPhrase })}
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
          </label>
          <div className="actions">
            <button type="button" className="danger primary-danger" disabled={!matches || busy} onClick={() => void erase()}>{t('eraseDo')}</button>
            <button type="button" onClick={() => setPreview(null)}>{t('cancel')}</button>
          </div>
        </div>
      )}
    </section>
  );
}
