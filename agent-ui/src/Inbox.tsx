import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { BulkBar } from './BulkBar';
import { useSelection } from './bulk-select';
import { ChannelBadge } from './ChannelBadge';
import { isUnread } from './unread';
import { SlaBadge } from './SlaBadge';
import { useChannels } from './channels';
import { NO_TEAM, STATUS_LIST, type ConversationView, type Counts, type Me, type Team, type View } from './types';

interface Props {
  me: Me;
  view: View;
  onView: (v: View) => void;
  items: ConversationView[];
  counts: Counts | null;
  teams: Team[];
  /** Segments shown as views. */
  segments: { id: string; name: string }[];
  selectedId?: string;
  onSelect: (id: string) => void;
  hasMore: boolean;
  onMore: () => void;
}

const ROW = 68;

export function Inbox({ me, view, onView, items, counts, teams, segments, selectedId, onSelect, hasMore, onMore }: Props) {
  const { t } = useTranslation();
  const channels = useChannels();
  const scroller = useRef<HTMLDivElement>(null);
  const ids = useMemo(() => items.map((c) => c.id), [items]);
  const selection = useSelection(ids);
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 8 });
  const same = (v: View) => v.assignee === view.assignee && v.channel === view.channel && v.team === view.team && v.segment === view.segment;
  const navItem = (key: string, label: string, v: Omit<View, 'status'>, count?: number) => (
    <li key={key}>
      <button type="button" className="nav" aria-current={same({ ...v, status: view.status }) ? 'true' : undefined} onClick={() => onView({ ...v, status: view.status })}>
        <span>{label}</span>
        <span className="count" aria-label={`${count ?? 0}`}>{count ?? ''}</span>
      </button>
    </li>
  );
  const time = (iso: string) => new Date(iso).toLocaleString(t('locale'), { hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' });

  return (
    <>
      <nav className="views" aria-label={t('views')}>
        <h2>{t('views')}</h2>
        <ul>
          {navItem('mine', t('mine'), { assignee: 'me' }, counts?.views.mine)}
          {navItem('unassigned', t('unassigned'), { assignee: 'unassigned' }, counts?.views.unassigned)}
          {navItem('all', t('all'), {}, counts?.views.all)}
        </ul>
        <h2>{t('channels')}</h2>
        <ul>{channels.map(({ name: c }) => navItem(`ch-${c}`, t(`channel_${c}`), { channel: c }, counts?.channels[c] ?? 0))}</ul>
        <h2>{t('teams')}</h2>
        <ul>
          {teams.map((tm) => navItem(`team-${tm.id}`, tm.name, { team: tm.id }, counts?.teams[tm.id] ?? 0))}
          {/* Conversations no team routes: visible, so they are not left waiting unseen. */}
          {navItem('team-none', t('noTeam'), { team: NO_TEAM }, counts?.teams[NO_TEAM] ?? 0)}
        </ul>
        {segments.length > 0 && (
          <>
            <h2>{t('segmentViews')}</h2>
            <ul className="segment-views">{segments.map((s) => navItem(`seg-${s.id}`, s.name, { segment: s.id }, counts?.segments?.[s.id] ?? 0))}</ul>
          </>
        )}
      </nav>
      <section className="list" aria-labelledby="list-title">
        <h2 id="list-title" className="sr-only">{t('conversations')}</h2>
        <div className="statuses" role="group" aria-label={t('status')}>
          {STATUS_LIST.map((s) => (
            <button key={s} type="button" className="chip" aria-pressed={view.status === s} onClick={() => onView({ ...view, status: s })}>
              {t(`status_${s}`)} <span className="count">{counts?.statuses[s] ?? ''}</span>
            </button>
          ))}
        </div>
        <BulkBar me={me} selected={selection.selected} onClear={selection.clear} />
        <div ref={scroller} className="scroller">
          {items.length === 0 && (view.assignee === 'me' ? <WhereWorkComesFrom me={me} teams={teams} /> : <p className="empty">{t('noConversations')}</p>)}
          <ul role="listbox" aria-label={t('conversations')} style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((row) => {
              const c = items[row.index]!;
              const unread = isUnread(me.id, c) && c.id !== selectedId;
              return (
                <li
                  key={c.id} role="option" aria-selected={c.id === selectedId} data-id={c.id}
                  className={`conv${unread ? ' unread' : ''}`}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: row.size, transform: `translateY(${row.start}px)` }}
                  tabIndex={c.id === selectedId ? 0 : -1}
                  onClick={() => onSelect(c.id)}
                  onKeyDown={(e) => e.key === 'Enter' && onSelect(c.id)}
                >
                  <div className="line1">
                    <input
                      type="checkbox" className="pick" checked={selection.selected.has(c.id)} aria-label={t('selectConversationRow', { name: c.customerName ?? c.customerId.slice(-6) })}
                      onClick={(e) => { e.stopPropagation(); selection.toggle(c.id, e.shiftKey); }} onChange={() => {}} onKeyDown={(e) => e.stopPropagation()}
                    />
                    {unread && <span className="dot" aria-label={t('unread')} />}
                    <span className="name">{c.customerName ?? c.customerId.slice(-6)}</span>
                    {c.lastInboundChannel && <ChannelBadge channel={c.lastInboundChannel} />}
                    <SlaBadge conversation={c} />
                    <time dateTime={c.lastActivityAt}>{time(c.lastActivityAt)}</time>
                  </div>
                  <div className="preview">{c.lastMessagePreview ?? ''}</div>
                </li>
              );
            })}
          </ul>
          {hasMore && <button type="button" className="more" onClick={onMore}>{t('loadMore')}</button>}
        </div>
      </section>
    </>
  );
}

/**
 * The empty "Mine" view tells a new agent where work comes from: their teams route conversations to members who
 * are online and have room; without a team, nothing is routed to them and they pick from the shared views.
 */
function WhereWorkComesFrom({ me, teams }: { me: Me; teams: Team[] }) {
  const { t } = useTranslation();
  const mine = teams.filter((tm) => me.teamIds.includes(tm.id)).map((tm) => tm.name);
  return (
    <div className="empty where-work" role="note">
      <p>{t('nothingAssigned')}</p>
      <p>{mine.length ? t('workFromTeams', { teams: mine.join(', ') }) : t('workWithoutTeam')}</p>
    </div>
  );
}
