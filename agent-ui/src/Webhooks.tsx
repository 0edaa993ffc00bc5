import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { CopyField } from './CopyField';

const EVENTS = ['conversation.created', 'conversation.status_changed', 'conversation.assigned', 'message.created', 'message.delivery_failed', 'sla.breached'] as const;
type Event = (typeof EVENTS)[number];
interface Hook { id: string; url: string; description: string; events: Event[]; secret: string; enabled: boolean; disabledReason: string | null; allowPrivate: boolean }
interface Delivery { id: string; event: string; status: 'pending' | 'retrying' | 'delivered' | 'failed'; attempts: number; responseStatus?: number; response?: string; createdAt: string; lastAttemptAt?: string }
const emptyDraft = { url: '', description: '', events: ['message.created'] as Event[], allowPrivate: false };

/**
 * Outgoing webhooks (admins): register a URL for chosen events, see its signing secret, send a test, turn it on or
 * off, and read its delivery log (status, attempts, last answer) with a redeliver per delivery. docs/webhooks.md.
 */
export function Webhooks() {
  const { t } = useTranslation();
  const [hooks, setHooks] = useState<Hook[]>([]);
  const [draft, setDraft] = useState(emptyDraft);
  const [open, setOpen] = useState<string | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [error, setError] = useState('');
  const when = (iso?: string) => (iso ? new Date(iso).toLocaleString(t('locale'), { dateStyle: 'short', timeStyle: 'medium' }) : '');

  const load = useCallback(() => api<Hook[]>('/admin/webhooks').then(setHooks, (err: Error) => setError(err.message)), []);
  const loadLog = useCallback((id: string) => api<Delivery[]>(`/admin/webhooks/${id}/deliveries`).then(setDeliveries, (err: Error) => setError(err.message)), []);
  useEffect(() => void load(), [load]);
  useEffect(() => { if (open) void loadLog(open); }, [open, loadLog]);
  // While a delivery of the open log is still on its way, look again every two seconds.
  const waiting = deliveries.some((d) => d.status === 'pending' || d.status === 'retrying');
  useEffect(() => {
    if (!open || !waiting) return;
    const timer = setInterval(() => void loadLog(open), 2000);
    return () => clearInterval(timer);
  }, [open, waiting, loadLog]);

  const run = (p: Promise<unknown>, after?: () => void) => p.then(() => { setError(''); after?.(); void load(); if (open) void loadLog(open); }, (err: Error) => setError(err.message));
  const create = (e: FormEvent) => {
    e.preventDefault();
    run(api('/admin/webhooks', { body: draft }), () => setDraft(emptyDraft));
  };
  const toggleEvent = (ev: Event) => setDraft((d) => ({ ...d, events: d.events.includes(ev) ? d.events.filter((x) => x !== ev) : [...d.events, ev] }));

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('section_webhooks')}</h2>
      <p className="muted">{t('webhooksHint')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {hooks.length === 0 && <p className="muted">{t('noWebhooks')}</p>}
      {hooks.map((h) => (
        <article key={h.id} className="card webhook" aria-label={h.url}>
          <header className="row">
            <strong className="webhook-url">{h.url}</strong>
            <span className={`chip ${h.enabled ? 'ok' : 'muted'}`}>{t(h.enabled ? 'webhookOn' : 'webhookOff')}</span>
          </header>
          {h.description && <p>{h.description}</p>}
          {h.disabledReason && <p role="status" className="error">{t('webhookTurnedOff', { reason: h.disabledReason })}</p>}
          <p className="muted">{EVENTS.filter((ev) => h.events.includes(ev)).map((ev) => t(`webhook_${ev.replace('.', '_')}`)).join(' · ')}</p>
          <CopyField label={t('webhookSecret')} value={h.secret} />
          <div className="row actions">
            <button type="button" onClick={() => run(api(`/admin/webhooks/${h.id}`, { method: 'PATCH', body: { enabled: !h.enabled } }))}>{t(h.enabled ? 'turnOff' : 'turnOn')}</button>
            <button type="button" onClick={() => run(api(`/admin/webhooks/${h.id}/test`, { method: 'POST' }), () => setOpen(h.id))}>{t('sendTest')}</button>
            <button type="button" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>{t('deliveryLog')}</button>
            <button type="button" onClick={() => run(api(`/admin/webhooks/${h.id}`, { method: 'PATCH', body: { rotateSecret: true } }))}>{t('rotateSecret')}</button>
            <button type="button" className="danger" onClick={() => run(api(`/admin/webhooks/${h.id}/delete`, { method: 'POST' }))}>{t('delete')}</button>
          </div>
          {open === h.id && (
            <div className="table-wrap">
              <table aria-label={t('deliveryLog')}>
                <thead><tr><th>{t('time')}</th><th>{t('event')}</th><th>{t('status')}</th><th>{t('attempts')}</th><th>{t('answer')}</th><th /></tr></thead>
                <tbody>
                  {deliveries.length === 0 && <tr><td colSpan={6} className="muted">{t('noDeliveries')}</td></tr>}
                  {deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>{when(d.lastAttemptAt ?? d.createdAt)}</td><td><code>{d.event}</code></td><td>{t(`delivery_${d.status}`)}</td><td>{d.attempts}</td>
                      <td title={d.response}>{d.responseStatus === undefined ? '' : d.responseStatus || t('noAnswer')}</td>
                      <td><button type="button" onClick={() => run(api(`/admin/webhooks/${h.id}/deliveries/${d.id}/redeliver`, { method: 'POST' }))}>{t('redeliver')}</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
      ))}
      <form className="stack-form" onSubmit={create} aria-label={t('addWebhook')}>
        <h3>{t('addWebhook')}</h3>
        <div className="inline-form">
          <label>URL<input type="url" required placeholder="https://example.com/kanal" value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} /></label>
          <label>{t('description')}<input maxLength={200} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} /></label>
        </div>
        <fieldset className="inline-form">
          <legend>{t('events')}</legend>
          {EVENTS.map((ev) => <label key={ev} className="check"><input type="checkbox" checked={draft.events.includes(ev)} onChange={() => toggleEvent(ev)} /> {t(`webhook_${ev.replace('.', '_')}`)}</label>)}
        </fieldset>
        <label className="check"><input type="checkbox" checked={draft.allowPrivate} onChange={(e) => setDraft({ ...draft, allowPrivate: e.target.checked })} /> {t('allowPrivate')}</label>
        <button type="submit" className="primary" disabled={!draft.events.length}>{t('addWebhook')}</button>
      </form>
    </section>
  );
}
