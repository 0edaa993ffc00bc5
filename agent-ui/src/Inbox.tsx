import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SavedView, SavedViewFilter } from '../../src/domain/saved-views';
import type { InboxSort } from '../../src/domain/views';
import { BulkBar } from './BulkBar';
import { useSelection } from './bulk-select';
import { InboxRowBody } from './InboxRow';
import { customerLabel } from './list-order';
import { SaveViewDialog, SORTS, viewOf } from './SavedViews';
import { labelList } from './shared-lists';
import { isUnread } from './unread';
import { useChannels } from './channels';
import { useNow } from './time';
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
  /** The agent's personal views and how to replace them. */
  savedViews: SavedView[];
  onSavedViews: (next: SavedView[]) => Promise<void>;
  selectedId?: string;
  onSelect: (id: string) => void;
  hasMore: boolean;
  onMore: () => void;
}

/** Two lines per row: about 14 rows fit in the list at 800 px of window height. */
const ROW = 48;
/** What a nav entry selects besides the status and the order. */
type Pick = Omit<View, 'status' | 'sort'>;
const key = (v: Pick) => JSON.stringify([v.assignee, v.channel, v.team, v.segment, v.label, v.priority, v.saved]);

export function Inbox({ me, view, onView, items, counts, teams, segments, savedViews, onSavedViews, selectedId, onSelect, hasMore, onMore }: Props) {
  const { t, i18n } = useTranslation();
  const channels = useChannels();
  const labels = labelList.useList();
  const now = useNow(15_000); // waits tick in whole minutes
  const [saving, setSaving] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const ids = useMemo(() => items.map((c) => c.id), [items]);
  const selection = useSelection(ids);
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 8 });
  const navItem = (id: string, label: string, v: Pick, count?: number, counted = true) => (
    <li key={id}>
      <button type="button" className="nav" aria-current={key(v) === key(view) ? 'true' : undefined} onClick={() => onView({ ...v, status: view.status, sort: view.sort })}>
        <span className="nav-name">{label}</span>
        {counted && <span className="count" aria-label={`${count ?? 0}`}>{count ?? ''}</span>}
      </button>
    </li>
  );
  const save = (name: string, filter: SavedViewFilter) => {
    const id = `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    return onSavedViews([...savedViews, { id, name, filter }]);
  };

  return (
    <>
      <nav className="views" aria-label={t('views')}>
        <h2>{t('views')}</h2>
        <ul>
          {navItem('mine', t('mine'), { assignee: 'me' }, counts?.views.mine)}
          {navItem('unassigned', t('unassigned'), { assignee: 'unassigned' }, counts?.views.unassigned)}
          {navItem('all', t('all'), {}, counts?.views.all)}
        </ul>
        <h2>{t('myViews')}</h2>
        <ul className="my-views">
          {savedViews.map((s) => (
            <li key={s.id}>
              <button type="button" className="nav" aria-current={view.saved === s.id ? 'true' : undefined} onClick={() => onView(viewOf(s, view))}>
                <span className="nav-name">{s.name}</span>
              </button>
              <button type="button" className="remove-view" aria-label={t('removeView', { name: s.name })} title={t('removeView', { name: s.name })}
                onClick={() => void onSavedViews(savedViews.filter((x) => x.id !== s.id))}>×</button>
            </li>
          ))}
          <li><button type="button" className="save-view link" onClick={() => setSaving(true)}>+ {t('saveView')}</button></li>
        </ul>
        <h2>{t('channels')}</h2>
        <ul>{channels.map(({ name: c }) => navItem(`ch-${c}`, t(`channel_${c}`), { channel: c }, counts?.channels[c] ?? 0))}</ul>
        <h2>{t('teams')}</h2>
        <ul>
          {teams.map((tm) => navItem(`team-${tm.id}`, tm.name, { team: tm.id }, counts?.teams[tm.id] ?? 0))}
          {/* Conversations no team routes: visible, so they are not left waiting unseen. */}
          {navItem('team-none', t('noTeam'), { team: NO_TEAM }, counts?.teams[NO_TEAM] ?? 0)}
        </ul>
        {labels.length > 0 && (
          <>
            <h2>{t('labelViews')}</h2>
            <ul className="label-views">{labels.map((l) => navItem(`label-${l.name}`, l.name, { label: l.name }, undefined, false))}</ul>
          </>
        )}
        {segments.length > 0 && (
          <>
            <h2>{t('segmentViews')}</h2>
            <ul className="segment-views">{segments.map((s) => navItem(`seg-${s.id}`, s.name, { segment: s.id }, counts?.segments?.[s.id] ?? 0))}</ul>
          </>
        )}
      </nav>
      {saving && <SaveViewDialog view={view} teams={teams} onSave={save} onClose={() => setSaving(false)} />}
      <section className="list" aria-labelledby="list-title">
        <h2 id="list-title" className="sr-only">{t('conversations')}</h2>
        <div className="statuses" role="group" aria-label={t('status')}>
          {STATUS_LIST.map((s) => (
            <button key={s} type="button" className="chip" aria-pressed={view.status === s} onClick={() => onView({ ...view, status: s })}>
              {t(`status_${s}`)} <span className="count">{counts?.statuses[s] ?? ''}</span>
            </button>
          ))}
        </div>
        <div className="list-tools">
          <label>
            {t('sortBy')}
            <select name="sort" value={view.sort ?? 'newest'} onChange={(e) => onView({ ...view, sort: e.target.value as InboxSort })}>
              {SORTS.map((s) => <option key={s} value={s}>{t(`sort_${s}`)}</option>)}
            </select>
          </label>
        </div>
        <BulkBar me={me} selected={selection.selected} onClear={selection.clear} />
        <div ref={scroller} className="scroller">
          {items.length === 0 && (view.assignee === 'me' && !view.saved ? <WhereWorkComesFrom me={me} teams={teams} /> : <p className="empty">{t('noConversations')}</p>)}
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
                  <input
                    type="checkbox" className="pick" checked={selection.selected.has(c.id)} aria-label={t('selectConversationRow', { name: customerLabel(c, i18n.language, t) })}
                    onClick={(e) => { e.stopPropagation(); selection.toggle(c.id, e.shiftKey); }} onChange={() => {}} onKeyDown={(e) => e.stopPropagation()}
                  />
                  <div className="row-body"><InboxRowBody c={c} now={now} unread={unread} /></div>
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
