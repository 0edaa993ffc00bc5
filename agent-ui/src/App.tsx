import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountDialog } from './Account';
import { api, query } from './api';
import { Admin, isManagePath } from './Admin';
import { Customers } from './Customers';
import { Help } from './Help';
import { Inbox } from './Inbox';
import { Search } from './Search';
import { closeLive, liveSocket } from './live';
import { Login } from './Login';
import { MACROS_PATH } from './MacroMenu';
import { Macros } from './Macros';
import { notifyNewMessage, rememberAssignee } from './notify';
import { Presence } from './Presence';
import { SettingsDialog } from './Settings';
import { Thread } from './Thread';
import { MentionToast } from './MentionToast';
import { Notifications } from './Notifications';
import type { SegmentView } from '../../src/domain/segments';
import { type ConversationView, type Counts, type Me, type Settings, type Team, type UiMessage, type View } from './types';
import { byOrder, inView } from './list-order';
import { useSavedViews } from './SavedViews';
import { rememberLanguage } from './console-language';

const PAGE = 50;
const conversationFromPath = () => /^\/c\/([0-9a-f]{24})$/.exec(location.pathname)?.[1];

/** The Customers directory's path (served the console like every client route). */
const CUSTOMERS_PATH = '/customers';

export function App() {
  const { t, i18n } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [settings, setSettings] = useState<Settings>({ language: 'tr', sound: true });
  const [showSettings, setShowSettings] = useState(false);
  const [showAccount, setShowAccount] = useState(false);
  const [teams, setTeams] = useState<Team[]>([]);
  const [segmentViews, setSegmentViews] = useState<SegmentView[]>([]);
  const [view, setView] = useState<View>({ status: 'open', sort: 'newest' });
  const [savedViews, saveViews] = useSavedViews();
  const [items, setItems] = useState<ConversationView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [selectedId, setSelectedId] = useState<string | undefined>(conversationFromPath());
  const [selected, setSelected] = useState<ConversationView | null>(null);
  const [focusMessageId, setFocusMessageId] = useState<string | undefined>();
  const [showHelp, setShowHelp] = useState(false);
  const [adminOpen, setAdminOpen] = useState(() => isManagePath(location.pathname));
  const [customersOpen, setCustomersOpen] = useState(() => location.pathname === CUSTOMERS_PATH);
  const [macrosOpen, setMacrosOpen] = useState(() => location.pathname === MACROS_PATH);
  const searchRef = useRef<HTMLInputElement>(null);
  const [online, setOnline] = useState(true);
  const [error, setError] = useState('');
  const viewRef = useRef(view);
  viewRef.current = view;
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  useEffect(() => {
    api<Me>('/me').then(setMe, () => setMe(null));
  }, []);

  useEffect(() => {
    if (!me) return;
    api<Settings>('/me/settings').then((s) => {
      setSettings(s);
      rememberLanguage(s.language); // the next login page speaks it too
      void i18n.changeLanguage(s.language);
    }, () => {});
    api<Team[]>('/teams').then(setTeams, () => {});
  }, [me, i18n]);

  // Segments shown as inbox views (names only: the counts come with the inbox counts). Again after the Customers
  // page closes, where segments are made.
  useEffect(() => {
    if (!me || customersOpen) return;
    api<SegmentView[]>('/segments?counts=false').then((all) => setSegmentViews(all.filter((s) => s.showAsView)), () => {});
  }, [me, customersOpen]);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);

  const refreshCounts = useCallback(() => {
    api<Counts>(`/inbox/counts${query({ status: viewRef.current.status })}`).then(setCounts, () => {});
  }, []);

  const loadList = useCallback(async (cursor?: string) => {
    const v = viewRef.current;
    try {
      const page = await api<{ items: ConversationView[]; nextCursor: string | null }>(
        `/conversations${query({ status: v.status, assignee: v.assignee, channel: v.channel, team: v.team, segment: v.segment, label: v.label, priority: v.priority, sort: v.sort, limit: PAGE, cursor })}`,
      );
      for (const c of page.items) rememberAssignee(c.id, c.assigneeId);
      setItems((prev) => (cursor ? [...prev, ...page.items.filter((c) => !prev.some((p) => p.id === c.id))] : page.items));
      setNextCursor(page.nextCursor);
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    if (!me) return;
    void loadList();
    refreshCounts();
  }, [me, view, loadList, refreshCounts]);

  // The selected conversation: from the list when there, else fetched (a deep link or a search hit).
  useEffect(() => {
    if (!selectedId) return setSelected(null);
    const inList = items.find((c) => c.id === selectedId);
    if (inList) return setSelected(inList);
    if (me) api<ConversationView>(`/conversations/${selectedId}`).then(setSelected, () => setSelected(null));
  }, [selectedId, items, me]);

  // Live: the list reorders and updates, counts follow, notifications when the tab is hidden.
  useEffect(() => {
    if (!me) return;
    const socket = liveSocket();
    let countsTimer: ReturnType<typeof setTimeout> | undefined;
    const countsSoon = () => {
      clearTimeout(countsTimer);
      countsTimer = setTimeout(refreshCounts, 400);
    };
    const onConversation = (c: ConversationView) => {
      rememberAssignee(c.id, c.assigneeId);
      setItems((prev) => {
        const rest = prev.filter((p) => p.id !== c.id);
        const old = prev.find((p) => p.id === c.id);
        const merged = { ...c, customerName: c.customerName ?? old?.customerName, customerVisitorName: c.customerVisitorName ?? old?.customerVisitorName };
        return inView(viewRef.current, merged, me) ? [merged, ...rest].sort(byOrder(viewRef.current.sort)) : rest;
      });
      setSelected((s) => (s && s.id === c.id ? { ...c, customerName: c.customerName ?? s.customerName, customerVisitorName: c.customerVisitorName ?? s.customerVisitorName } : s));
      countsSoon();
    };
    const onMessage = (m: UiMessage) => {
      if (m.direction === 'in' && m.kind === 'message') notifyNewMessage(m, me, settingsRef.current, t);
    };
    // A customer erased by an admin: its name leaves the list (an open thread of it reloads itself: Thread.tsx).
    const onCustomerErased = ({ customerId }: { customerId: string }) => {
      setItems((prev) => prev.map((c) => (c.customerId === customerId ? { ...c, customerName: undefined } : c)));
    };
    socket.on('conversation.created', onConversation);
    socket.on('conversation.updated', onConversation);
    socket.on('message.created', onMessage);
    socket.on('customer:erased', onCustomerErased);
    socket.on('connect', () => setOnline(true));
    socket.on('disconnect', (reason) => {
      setOnline(false);
      // The hub closed the socket: this session was ended (signed out elsewhere, password changed, disabled).
      if (reason === 'io server disconnect') {
        api<Me>('/me').then(() => socket.connect(), () => { closeLive(); setMe(null); });
      }
    });
    return () => {
      clearTimeout(countsTimer);
      socket.off('conversation.created', onConversation);
      socket.off('conversation.updated', onConversation);
      socket.off('message.created', onMessage);
      socket.off('customer:erased', onCustomerErased);
    };
  }, [me, refreshCounts, t]);

  useEffect(() => {
    const onPop = () => {
      setSelectedId(conversationFromPath());
      setAdminOpen(isManagePath(location.pathname));
      setCustomersOpen(location.pathname === CUSTOMERS_PATH);
      setMacrosOpen(location.pathname === MACROS_PATH);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const select = useCallback((id: string, messageId?: string) => {
    setSelectedId(id);
    setFocusMessageId(messageId);
    if (conversationFromPath() !== id) history.pushState(null, '', `/c/${id}`);
  }, []);

  // Keyboard: j/k next/previous, Enter to the composer, e resolve, a assign to me, m macros, / search, ? help.
  const keyState = useRef({ items, selectedId, me, select });
  keyState.current = { items, selectedId, me, select };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey || el.closest('input, textarea, select, [contenteditable="true"], dialog')) return;
      const { items: list, selectedId: current, me: who, select: open } = keyState.current;
      const at = list.findIndex((c) => c.id === current);
      const go = (i: number) => {
        const c = list[Math.max(0, Math.min(list.length - 1, i))];
        if (c) open(c.id);
      };
      const act = (path: string, body: unknown) => current && void api(`/conversations/${current}/${path}`, { body }).catch((err: Error) => setError(err.message));
      switch (e.key) {
        case 'j': go(at + 1); break;
        case 'k': go(at < 0 ? 0 : at - 1); break;
        case 'Enter': if (el.closest('li.conv')) return; document.getElementById('composer-text')?.focus(); break;
        case 'e': act('status', { status: 'resolved' }); break;
        case 'a': if (who) act('assign', { assigneeId: who.id }); break;
        case 'm': document.getElementById('macro-menu-button')?.click(); break;
        case '/': searchRef.current?.focus(); break;
        case '?': setShowHelp(true); break;
        default: return;
      }
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  async function saveSettings(next: Settings) {
    const saved = await api<Settings>('/me/settings', { body: next });
    setSettings(saved);
    rememberLanguage(saved.language);
    await i18n.changeLanguage(saved.language);
  }

  async function signOut() {
    await api('/auth/logout', { method: 'POST' }).catch(() => {});
    closeLive();
    setMe(null);
  }

  function closeCustomers() {
    setCustomersOpen(false);
    history.pushState(null, '', '/');
  }
  /** From the directory to the customer's newest conversation (the thread shows all of them). */
  async function openCustomer(customerId: string) {
    const conversations = await api<ConversationView[]>(`/customers/${customerId}/conversations`).catch(() => []);
    if (!conversations[0]) return;
    setCustomersOpen(false);
    select(conversations[0].id);
  }

  if (me === undefined) return <p className="loading">{t('loading')}</p>;
  if (me === null) return <Login onSignedIn={setMe} />;

  return (
    <div className="app">
      <a className="skip" href="#thread">{t('skipToContent')}</a>
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <Search onOpen={select} inputRef={searchRef} />
        {!online && <span role="status" className="offline">{t('offline')}</span>}
        <span className="spacer" />
        <Presence />
        <Notifications onOpen={(id, messageId) => { setAdminOpen(false); setCustomersOpen(false); setMacrosOpen(false); select(id, messageId); }} />
        <span className="who">{me.name}</span>
        <button type="button" aria-current={customersOpen ? 'page' : undefined} onClick={() => { setAdminOpen(false); setMacrosOpen(false); setCustomersOpen(true); history.pushState(null, '', CUSTOMERS_PATH); }}>{t('customersPage')}</button>
        <button type="button" aria-current={macrosOpen ? 'page' : undefined} onClick={() => { setAdminOpen(false); setCustomersOpen(false); setMacrosOpen(true); history.pushState(null, '', MACROS_PATH); }}>{t('macros')}</button>
        {me.role !== 'agent' && (
          <button type="button" onClick={() => { setCustomersOpen(false); setMacrosOpen(false); setAdminOpen(true); history.pushState(null, '', me.role === 'admin' ? '/admin' : '/supervisor'); }}>{t('manage')}</button>
        )}
        <button type="button" onClick={() => setShowHelp(true)} aria-label={t('shortcuts')}>?</button>
        <button type="button" onClick={() => setShowSettings(true)}>{t('settings')}</button>
        <button type="button" onClick={() => setShowAccount(true)}>{t('account')}</button>
        <button type="button" onClick={signOut}>{t('signOut')}</button>
      </header>
      {error && <p role="alert" className="error banner">{t('error', { error })}</p>}
      {macrosOpen && !adminOpen ? <Macros me={me} onClose={() => { setMacrosOpen(false); history.pushState(null, '', '/'); }} /> : customersOpen && !adminOpen ? <Customers me={me} onClose={closeCustomers} onOpenCustomer={(id) => void openCustomer(id)} /> : adminOpen ? <Admin me={me} onClose={() => { setAdminOpen(false); history.pushState(null, '', '/'); }} /> : <>
      <Inbox
        me={me} view={view} onView={setView} items={items} counts={counts} teams={teams} segments={segmentViews} savedViews={savedViews} onSavedViews={saveViews}
        selectedId={selectedId} onSelect={select} hasMore={Boolean(nextCursor)} onMore={() => void loadList(nextCursor ?? undefined)}
      />
      <main id="thread" className="thread-pane" tabIndex={-1}>
        {selected ? <Thread key={selected.customerId} conversation={selected} me={me} teams={teams} focusMessageId={focusMessageId} onOpen={select} onCustomerChanged={() => void loadList()} /> : <p className="empty">{t('selectConversation')}</p>}
      </main>
      </>}
      <MentionToast onOpen={select} />
      {showHelp && <Help onClose={() => setShowHelp(false)} />}
      {showSettings && <SettingsDialog settings={settings} onSave={saveSettings} onClose={() => setShowSettings(false)} />}
      {showAccount && <AccountDialog me={me} onRenamed={(name) => setMe({ ...me, name })} canAdmin={me.role !== 'agent'} onClose={() => setShowAccount(false)} onSignedOutEverywhere={() => { closeLive(); setMe(null); }} />}
    </div>
  );
}
