import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from './api';
import { Actions } from './Actions';
import { Composer } from './Composer';
import { Labels } from './Labels';
import { MacroMenu } from './MacroMenu';
import { liveSocket } from './live';
import { MessageItem } from './MessageItem';
import { Sidebar } from './Sidebar';
import { markSeen } from './unread';
import { customerLabel } from './list-order';
import type { Channel, ConversationView, Customer, Me, Team, UiMessage } from './types';

interface Typing {
  conversationId: string;
  from: 'customer' | 'agent';
  typing: boolean;
  agentId?: string;
  agentName?: string;
}

interface Viewers {
  conversationId: string;
  viewers: { id: string; name: string }[];
  total: number;
}

/** The unified thread of the selected conversation's customer: every conversation and channel, oldest first. */
export function Thread({ conversation, me, teams, focusMessageId, onOpen, onCustomerChanged }: {
  conversation: ConversationView; me: Me; teams: Team[]; focusMessageId?: string; onOpen: (conversationId: string, messageId?: string) => void;
  onCustomerChanged?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [messages, setMessages] = useState<UiMessage[]>([]);
  const [before, setBefore] = useState<string | null>(null);
  const [typing, setTyping] = useState<string | null>(null);
  const [viewers, setViewers] = useState<Viewers | null>(null);
  const [showCustomer, setShowCustomer] = useState(() => innerWidth >= 1400);
  const bottom = useRef<HTMLDivElement>(null);
  const customerId = conversation.customerId;

  const load = useCallback(async (cursor?: string) => {
    const page = await api<{ items: UiMessage[]; nextBefore: string | null }>(`/customers/${customerId}/thread${query({ limit: 50, before: cursor })}`);
    setMessages((prev) => (cursor ? [...page.items, ...prev] : page.items));
    setBefore(page.nextBefore);
    if (!cursor) requestAnimationFrame(() => bottom.current?.scrollIntoView({ block: 'end' }));
  }, [customerId]);

  const reloadAll = useCallback(() => {
    void load();
    api<Customer>(`/customers/${customerId}`).then(setCustomer, () => {});
  }, [customerId, load]);
  useEffect(reloadAll, [reloadAll]);

  // A search hit: page back until the message is loaded, then bring it into view.
  useEffect(() => {
    if (!focusMessageId || messages.length === 0) return;
    const el = document.querySelector(`.msg[data-id="${focusMessageId}"]`);
    if (el) el.scrollIntoView({ block: 'center' });
    else if (before) void load(before);
  }, [focusMessageId, messages, before, load]);

  useEffect(() => {
    markSeen(me.id, conversation.id);
  }, [me.id, conversation.id, conversation.lastInboundAt]);

  // The customer was erased (by an admin, anywhere): what this thread holds of it is read again, emptied.
  useEffect(() => {
    const socket = liveSocket();
    const onErased = (e: { customerId: string }) => {
      if (e.customerId === customerId) reloadAll();
    };
    socket.on('customer:erased', onErased);
    return () => {
      socket.off('customer:erased', onErased);
    };
  }, [customerId, reloadAll]);

  // Live: new and updated messages of this customer; typing in the open conversation.
  useEffect(() => {
    const socket = liveSocket();
    const join = () => socket.emit('conversation:join', { conversationId: conversation.id });
    join();
    socket.on('connect', join);
    // A customer message arriving while this thread is on screen is read now (a web chat visitor sees "read").
    const readNow = () => { if (document.visibilityState === 'visible') socket.emit('conversation:read', { conversationId: conversation.id }); };
    const onVisible = () => readNow();
    document.addEventListener('visibilitychange', onVisible);
    const onCreated = (m: UiMessage) => {
      if (m.customerId !== customerId) return;
      setMessages((prev) => (prev.some((p) => p.id === m.id) ? prev : [...prev, m]));
      if (m.direction === 'in') setTyping(null);
      if (m.direction === 'in' && m.kind === 'message' && m.conversationId === conversation.id) readNow();
      requestAnimationFrame(() => bottom.current?.scrollIntoView({ block: 'end' }));
    };
    const onUpdated = (m: UiMessage) => {
      if (m.customerId === customerId) setMessages((prev) => prev.map((p) => (p.id === m.id ? m : p)));
    };
    let clear: ReturnType<typeof setTimeout> | undefined;
    const onTyping = (e: Typing) => {
      if (e.conversationId !== conversation.id || e.agentId === me.id) return;
      clearTimeout(clear);
      if (!e.typing) return setTyping(null);
      setTyping(e.from === 'customer' ? t('customerTyping') : t('typing', { name: e.agentName ?? '' }));
      clear = setTimeout(() => setTyping(null), 6000); // a lost "stopped typing" must not leave it forever
    };
    socket.on('message.created', onCreated);
    socket.on('message.updated', onUpdated);
    const onViewers = (e: Viewers) => {
      if (e.conversationId === conversation.id) setViewers(e);
    };
    socket.on('typing', onTyping);
    socket.on('conversation:viewers', onViewers);
    return () => {
      setViewers(null);
      clearTimeout(clear);
      document.removeEventListener('visibilitychange', onVisible);
      socket.emit('conversation:leave', { conversationId: conversation.id });
      socket.off('connect', join);
      socket.off('message.created', onCreated);
      socket.off('message.updated', onUpdated);
      socket.off('typing', onTyping);
      socket.off('conversation:viewers', onViewers);
    };
  }, [conversation.id, customerId, me.id, t]);

  const lastInbound = [...messages].reverse().find((m) => m.direction === 'in' && m.kind === 'message');
  const defaultChannel: Channel | undefined = lastInbound?.channel ?? conversation.lastInboundChannel;
  const retry = async (id: string) => {
    const m = await api<UiMessage>(`/messages/${id}/retry`, { method: 'POST' });
    setMessages((prev) => prev.map((p) => (p.id === id ? m : p)));
  };
  const day = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <div className="thread">
      <header className="thread-head">
        <h1>{customer?.name ?? (conversation.customerName || conversation.customerVisitorName ? customerLabel(conversation, i18n.language, t) : customer?.visitor?.label[i18n.language === 'en' ? 'en' : 'tr'] ?? t('customer'))}</h1>
        <Actions conversation={conversation} me={me} teams={teams} />
        <MacroMenu conversation={conversation} />
        <Labels conversation={conversation} />
        <button type="button" className="toggle-customer" aria-expanded={showCustomer} onClick={() => setShowCustomer(!showCustomer)}>
          {showCustomer ? t('hideCustomer') : t('showCustomer')}
        </button>
      </header>
      <div className="thread-body">
      <div className="thread-main">
      <div className="messages" aria-live="polite" aria-relevant="additions">
        {before && <button type="button" className="more" onClick={() => void load(before)}>{t('loadOlder')}</button>}
        {messages.map((m, i) => {
          const prev = messages[i - 1];
          const boundary = !prev || prev.conversationId !== m.conversationId;
          return (
            <Fragment key={m.id}>
              {boundary && (
                <div className="boundary" role="separator">
                  <span>{t('conversationStarted')} · {day(m.createdAt)}</span>
                </div>
              )}
              <MessageItem message={m} me={me} customerName={customer?.name ?? customer?.visitor?.label[i18n.language === 'en' ? 'en' : 'tr']} onRetry={retry} hit={m.id === focusMessageId} />
            </Fragment>
          );
        })}
        <div ref={bottom} />
      </div>
      <p className="typing" role="status">{typing ?? viewingText(viewers, me.id, t)}</p>
      <Composer conversation={conversation} customer={customer} defaultChannel={defaultChannel} lastInboundAt={lastInbound?.createdAt} meId={me.id} />
      </div>
      {showCustomer && customer && <Sidebar customer={customer} conversation={conversation} admin={me.role === 'admin'} onChanged={() => { reloadAll(); onCustomerChanged?.(); }} onOpen={(id) => onOpen(id)} />}
      </div>
    </div>
  );
}

/** "Selin Kaya is viewing", "Selin Kaya and Ali Demir are viewing", "… and 3 others": everyone but me. */
function viewingText(v: Viewers | null, meId: string, t: (key: string, o?: Record<string, unknown>) => string): string {
  if (!v) return '';
  const names = v.viewers.filter((x) => x.id !== meId).map((x) => x.name);
  const others = v.total - (v.viewers.some((x) => x.id === meId) ? 1 : 0);
  if (others <= 0) return '';
  const more = others - names.length;
  const list = more > 0 ? t('viewingMore', { names: names.join(', '), count: more }) : names.join(', ');
  return t(others === 1 ? 'viewingOne' : 'viewingMany', { names: list });
}
