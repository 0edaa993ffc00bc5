import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from './api';
import { ChannelBadge } from './ChannelBadge';
import type { ConversationView, UiMessage } from './types';

interface Results {
  customers: { id: string; name?: string; email?: string; phone?: string }[];
  messages: (UiMessage & { customerName?: string })[];
  /** More messages: pass back as `cursor`. */
  next?: string | null;
}

/** Search customers and message text; a result opens the conversation (at the message, for a message hit). */
export function Search({ onOpen, inputRef }: { onOpen: (conversationId: string, messageId?: string) => void; inputRef: React.RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    if (q.trim().length < 2) return setResults(null);
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      api<Results>(`/search${query({ q: q.trim() })}`).then((r) => mine === seq.current && setResults(r), () => {});
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  // The next page of message hits (the API pages messages by cursor, newest first).
  async function more() {
    const next = results?.next;
    if (!next) return;
    const mine = seq.current;
    const page = await api<Results>(`/search${query({ q: q.trim(), cursor: next })}`).catch(() => null);
    if (page && mine === seq.current) setResults((r) => (r ? { ...r, messages: [...r.messages, ...page.messages], next: page.next } : r));
  }
  const close = () => {
    setQ('');
    setResults(null);
  };
  async function openCustomer(customerId: string) {
    const convs = await api<ConversationView[]>(`/customers/${customerId}/conversations`);
    if (convs[0]) onOpen(convs[0].id);
    close();
  }

  return (
    <div className="search" role="search">
      <label className="sr-only" htmlFor="search-input">{t('search')}</label>
      <input
        id="search-input" ref={inputRef} type="search" value={q} placeholder={t('searchPlaceholder')} autoComplete="off"
        onChange={(e) => setQ(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && close()}
      />
      {results && (
        <div className="results" role="region" aria-label={t('search')}>
          {results.customers.length === 0 && results.messages.length === 0 && <p className="empty">{t('noResults')}</p>}
          {results.customers.length > 0 && <h3>{t('customers')}</h3>}
          <ul>
            {results.customers.map((c) => (
              <li key={c.id}>
                <button type="button" className="result" onClick={() => void openCustomer(c.id)}>
                  <strong>{c.name ?? '—'}</strong> <span className="muted">{c.email ?? c.phone ?? ''}</span>
                </button>
              </li>
            ))}
          </ul>
          {results.messages.length > 0 && <h3>{t('messages')}</h3>}
          <ul>
            {results.messages.map((m) => (
              <li key={m.id}>
                <button type="button" className="result" data-message={m.id} onClick={() => { onOpen(m.conversationId, m.id); close(); }}>
                  <strong>{m.customerName ?? t('customer')}</strong> <ChannelBadge channel={m.channel} />
                  <span className="snippet">{m.text.slice(0, 120)}</span>
                </button>
              </li>
            ))}
          </ul>
          {results.next && <button type="button" className="link" onClick={() => void more()}>{t('loadMore')}</button>}
        </div>
      )}
    </div>
  );
}
