import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from './api';
import { CsatPanel } from './CsatPanel';
import { HealthPanel } from './Health';
import { AttributeEditor } from './AttributeEditor';
import { CustomerPrivacy } from './CustomerPrivacy';
import type { ConversationView, Customer } from './types';
import { labelList, labelStyle } from './shared-lists';
import { VisitorDetails } from './VisitorDetails';

interface Hit { id: string; name?: string; email?: string; phone?: string }
interface AuditEntry { id: string; action: string; actor: { name?: string }; at: string; undoneAt: string | null }

/**
 * The customer beside the thread: identities, language, tags, attributes, past conversations; rename; merge; for
 * admins, the customer's data export and erasure.
 */
export function Sidebar({ customer, conversation, admin = false, onChanged, onOpen }: {
  customer: Customer; conversation?: ConversationView; admin?: boolean; onChanged: () => void; onOpen: (conversationId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const known = labelList.useList();
  const [past, setPast] = useState<ConversationView[]>([]);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(customer.name ?? '');
  const [error, setError] = useState('');
  const [term, setTerm] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const [candidate, setCandidate] = useState<Customer | null>(null);

  const reload = useCallback(() => {
    api<ConversationView[]>(`/customers/${customer.id}/conversations`).then(setPast, () => {});
    api<AuditEntry[]>(`/customers/${customer.id}/audit`).then(setAudit, () => {});
  }, [customer.id]);
  useEffect(reload, [reload]);
  useEffect(() => setName(customer.name ?? ''), [customer.name]);

  const run = (p: Promise<unknown>) => p.then(() => { setError(''); onChanged(); reload(); }, (err: Error) => setError(err.message));
  async function rename(e: FormEvent) {
    e.preventDefault();
    await run(api(`/customers/${customer.id}/name`, { body: { name } }));
    setEditing(false);
  }
  async function findOthers(e: FormEvent) {
    e.preventDefault();
    const res = await api<{ customers: Hit[] }>(`/search${query({ q: term })}`).catch(() => ({ customers: [] }));
    setHits(res.customers.filter((h) => h.id !== customer.id));
  }
  async function merge() {
    if (!candidate) return;
    await run(api(`/customers/${customer.id}/merge`, { body: { sourceId: candidate.id } }));
    setCandidate(null);
    setHits([]);
    setTerm('');
  }
  const undo = (auditId: string) => run(api(`/audit/${auditId}/undo`, { method: 'POST' }));
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <aside className="sidebar" aria-label={t('customer')}>
      {editing ? (
        <form onSubmit={rename} className="rename">
          <label>{t('name')}<input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus /></label>
          <button type="submit" className="primary">{t('save')}</button>
          <button type="button" onClick={() => setEditing(false)}>{t('cancel')}</button>
        </form>
      ) : (
        <h2>{customer.name ?? (customer.erasedAt ? t('erasedCustomer') : customer.visitor?.label[i18n.language === 'en' ? 'en' : 'tr'] ?? t('customer'))} {!customer.erasedAt && <button type="button" className="link" onClick={() => setEditing(true)}>{t('editName')}</button>}</h2>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {conversation && (
        // The open conversation's labels, as the thread's header has them: `conversation` follows every live update.
        <>
          <h3>{t('conversationLabels')}</h3>
          {conversation.labels?.length ? (
            <ul className="conv-labels">
              {conversation.labels.map((l) => <li key={l} className="label" style={labelStyle(known.find((k) => k.name === l)?.colour)}>{l}</li>)}
            </ul>
          ) : <p className="muted conv-labels-none">{t('noLabels')}</p>}
        </>
      )}
      {customer.visitor && <VisitorDetails visitor={customer.visitor} />}
      <h3>{t('identities')}</h3>
      <ul className="identities">
        {/* A web chat visitor's id means nothing to an agent: the visitor details above say who it is. */}
        {customer.identities.map((i) => <li key={`${i.kind}:${i.address}`}><span className="badge">{t(`identity_${i.kind}`)}</span> {i.kind === 'webchat' ? <span className="muted" title={i.address}>{t('identity_webchat_visitor')}</span> : i.address}{i.verified ? ' ✓' : ''}</li>)}
      </ul>
      {customer.unverifiedEmail && (
        // A claim, not an identity (src/services/identity/claims.ts): shown apart, with the owner to merge with if any.
        <div className="claim">
          <p><span className="badge">{t('identity_email')}</span> {customer.unverifiedEmail} <span className="muted">({t('unverifiedEmail')})</span></p>
          <p className="muted small">{t('unverifiedEmailHelp')}</p>
          {(customer.mergeSuggestions ?? []).map((s) => (
            <p key={s.customerId} className="merge-suggestion" role="note">
              {t('mergeSuggestion', { name: s.name ?? s.address })}{' '}
              <button type="button" className="link" onClick={() => void api<Customer>(`/customers/${s.customerId}`).then(setCandidate)}>{t('mergeSuggestionReview')}</button>
            </p>
          ))}
        </div>
      )}
      <dl>
        <dt>{t('language')}</dt><dd>{customer.language ?? '—'}</dd>
        <dt>{t('tags')}</dt><dd>{customer.tags.length ? customer.tags.join(', ') : '—'}</dd>
      </dl>
      <HealthPanel customerId={customer.id} refresh={past} />
      <CsatPanel customerId={customer.id} refresh={past} />
      <AttributeEditor scope="customer" path={`/customers/${customer.id}/attributes`} values={customer.attributes ?? {}} />
      {conversation && <AttributeEditor key={conversation.id} scope="conversation" path={`/conversations/${conversation.id}/attributes`} values={conversation.attributes ?? {}} />}
      <h3>{t('pastConversations')}</h3>
      <ul className="past">
        {past.map((c) => (
          <li key={c.id}>
            <button type="button" className="link" onClick={() => onOpen(c.id)}>{when(c.openedAt)}</button> <span className={`status s-${c.status}`}>{t(`status_${c.status}`)}</span>
          </li>
        ))}
      </ul>
      <h3>{t('merge')}</h3>
      <form onSubmit={findOthers} className="merge-find">
        <label className="sr-only" htmlFor="merge-term">{t('mergeFind')}</label>
        <input id="merge-term" placeholder={t('mergeFind')} value={term} onChange={(e) => setTerm(e.target.value)} minLength={2} />
        <button type="submit">{t('find')}</button>
      </form>
      <ul className="hits">
        {hits.map((h) => (
          <li key={h.id}>
            <button type="button" className="link" onClick={() => void api<Customer>(`/customers/${h.id}`).then(setCandidate)}>{h.name ?? h.email ?? h.phone ?? h.id}</button>
          </li>
        ))}
      </ul>
      {candidate && (
        <div className="merge-confirm" role="dialog" aria-labelledby="merge-title">
          <h4 id="merge-title">{t('mergeConfirm')}</h4>
          <div className="both">
            {[candidate, customer].map((c, i) => (
              <div key={c.id}>
                <strong>{i === 0 ? t('mergeFrom') : t('mergeInto')}</strong>
                <p>{c.name ?? '—'}</p>
                <ul>{c.identities.map((x) => <li key={x.address} title={x.address}>{x.kind === 'webchat' ? t('webchatVisitor') : x.address}</li>)}</ul>
              </div>
            ))}
          </div>
          <button type="button" className="primary" onClick={() => void merge()}>{t('mergeDo')}</button>
          <button type="button" onClick={() => setCandidate(null)}>{t('cancel')}</button>
        </div>
      )}
      {admin && <CustomerPrivacy customer={customer} onErased={() => { onChanged(); reload(); }} />}
      {audit.length > 0 && (
        <>
          <h3>{t('history')}</h3>
          <ul className="audit">
            {audit.map((a) => (
              <li key={a.id}>
                {t(`audit_${a.action.replace(/\./g, '_')}`)} · {a.actor.name} · {when(a.at)}
                {a.action === 'customer.merge' && !a.undoneAt && <button type="button" className="undo" onClick={() => void undo(a.id)}>{t('undo')}</button>}
                {a.undoneAt && <span className="muted"> ({t('undone')})</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
