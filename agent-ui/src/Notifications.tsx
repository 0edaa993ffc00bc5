import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { useDismiss } from './dismiss';
import { liveSocket } from './live';

interface Notification {
  id: string; kind: 'mention' | 'assigned'; conversationId: string; messageId: string | null;
  from: { id: string; name: string } | null; customerName: string | null; preview: string; at: string; read: boolean;
}
interface Page { notifications: Notification[]; unread: number; next: string | null }

/**
 * The bell in the top bar: mentions and conversations assigned to the agent, kept by the hub (an agent who was
 * offline finds them here), live in every tab (`notification:new`, `notification:read`). Opening one marks it read.
 */
export function Notifications({ onOpen }: { onOpen: (conversationId: string, messageId?: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, box, close);

  // Answers are applied only if nothing newer was asked or done since (a read started before "mark all read" would
  // otherwise bring the old count back).
  const generation = useRef(0);
  const load = useCallback(async (before?: string) => {
    const mine = ++generation.current;
    const page = await api<Page>(`/me/notifications${before ? `?before=${before}` : ''}`);
    if (mine !== generation.current) return;
    setUnread(page.unread);
    setItems((prev) => (before && prev ? [...prev, ...page.notifications] : page.notifications));
    setNext(page.next);
  }, []);

  useEffect(() => {
    load().catch(() => {});
    const socket = liveSocket();
    const onNew = (p: { notification: Notification; unread: number }) => {
      setUnread(p.unread);
      setItems((prev) => (prev ? [p.notification, ...prev.filter((n) => n.id !== p.notification.id)] : prev));
      // A list asked for before this arrived (on connect) may answer after it, without it: ask again, so only an
      // answer that includes it counts (the event is sent after the notification is stored).
      void load().catch(() => {});
    };
    // Read in another tab (or an earlier click here, whose event may arrive after a later answer): ask for the state
    // now rather than trust the count the event carried.
    const onRead = () => void load().catch(() => {});
    // After a reconnect, what arrived meanwhile.
    const onConnect = () => void load().catch(() => {});
    socket.on('notification:new', onNew);
    socket.on('notification:read', onRead);
    socket.on('connect', onConnect);
    return () => {
      socket.off('notification:new', onNew);
      socket.off('notification:read', onRead);
      socket.off('connect', onConnect);
    };
  }, [load]);

  async function openOne(n: Notification) {
    setOpen(false);
    onOpen(n.conversationId, n.messageId ?? undefined);
    if (n.read) return;
    setItems((prev) => prev?.map((x) => (x.id === n.id ? { ...x, read: true } : x)) ?? prev);
    const mine = ++generation.current;
    const r = await api<{ unread: number }>('/me/notifications/read', { body: { ids: [n.id] } }).catch(() => null);
    if (r && mine === generation.current) setUnread(r.unread);
  }
  async function markAll() {
    const mine = ++generation.current;
    const r = await api<{ unread: number }>('/me/notifications/read', { body: { all: true } }).catch(() => null);
    if (!r || mine !== generation.current) return;
    setUnread(r.unread);
    setItems((prev) => prev?.map((x) => ({ ...x, read: true })) ?? prev);
  }

  const title = (n: Notification) =>
    n.kind === 'mention' ? t('notifMention', { name: n.from?.name ?? '' }) : n.from ? t('notifAssignedBy', { name: n.from.name }) : t('notifRouted');
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return (
    <div className="bell" ref={box}>
      <button
        type="button" className="bell-button" aria-expanded={open} aria-haspopup="dialog"
        aria-label={unread ? t('notificationsUnread', { count: unread }) : t('notifications')}
        onClick={() => { setOpen(!open); if (!open) load().catch(() => {}); }}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" /></svg>
        {unread > 0 && <span className="bell-count">{unread > 99 ? '99+' : unread}</span>}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label={t('notifications')}>
          <div className="bell-head">
            <strong>{t('notifications')}</strong>
            {unread > 0 && <button type="button" className="link" onClick={() => void markAll()}>{t('notificationsMarkAll')}</button>}
          </div>
          {items && items.length === 0 && <p className="muted small bell-empty">{t('notificationsNone')}</p>}
          <ul>
            {items?.map((n) => (
              <li key={n.id} className={n.read ? 'read' : 'unread'}>
                <button type="button" onClick={() => void openOne(n)}>
                  <span className="bell-title">{title(n)}{!n.read && <span className="sr-only"> ({t('notifUnread')})</span>}</span>
                  {n.customerName && <span className="bell-customer">{t('notifWith', { customer: n.customerName })}</span>}
                  {n.preview && <span className="bell-preview">{n.preview}</span>}
                  <time dateTime={n.at}>{when(n.at)}</time>
                </button>
              </li>
            ))}
          </ul>
          {next && <button type="button" className="link bell-more" onClick={() => void load(next)}>{t('notificationsMore')}</button>}
        </div>
      )}
    </div>
  );
}
