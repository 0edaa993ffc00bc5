import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SavedView, SavedViewFilter } from '../../src/domain/saved-views';
import type { InboxSort } from '../../src/domain/views';
import { api } from './api';
import { useChannels } from './channels';
import { labelList } from './shared-lists';
import { NO_TEAM, STATUS_LIST, type Team, type View } from './types';

/** The hub's sorts (src/domain/views.ts INBOX_SORTS; the console imports types only). */
export const SORTS: readonly InboxSort[] = ['newest', 'waiting', 'priority'];
const PRIORITIES = [{ key: 'low', value: -10 }, { key: 'normal', value: 0 }, { key: 'high', value: 10 }, { key: 'urgent', value: 20 }];

/** The agent's personal views (`GET/PUT /api/me/views`), kept in step with what this console saves or removes. */
export function useSavedViews(): [SavedView[], (next: SavedView[]) => Promise<void>] {
  const [views, setViews] = useState<SavedView[]>([]);
  useEffect(() => void api<SavedView[]>('/me/views').then(setViews, () => {}), []);
  const save = async (next: SavedView[]) => setViews(await api<SavedView[]>('/me/views', { method: 'PUT', body: next }));
  return [views, save];
}

/** The view a saved filter opens (the status chip stays when the filter names none; so does the order). */
export function viewOf(saved: SavedView, current: View): View {
  const f = saved.filter;
  return { status: f.status ?? current.status, assignee: f.assignee, team: f.team, channel: f.channel, label: f.label, priority: f.priority, sort: f.sort ?? current.sort, saved: saved.id };
}

/**
 * "Save view": a name and the filter, prefilled from what the list shows now, each field changeable (status, team,
 * assignee, label, channel, priority, order). Stored for this agent only.
 */
export function SaveViewDialog({ view, teams, onSave, onClose }: { view: View; teams: Team[]; onSave: (name: string, filter: SavedViewFilter) => Promise<void>; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const channels = useChannels();
  const labels = labelList.useList();
  const [name, setName] = useState('');
  const [f, setF] = useState<SavedViewFilter>({
    status: view.status, assignee: view.assignee, team: view.team, channel: view.channel, label: view.label, priority: view.priority, sort: view.sort,
  });
  const [error, setError] = useState('');
  useEffect(() => ref.current?.showModal(), []);
  const set = (k: keyof SavedViewFilter, v: string) => setF((prev) => ({ ...prev, [k]: v === '' ? undefined : k === 'priority' ? Number(v) : v }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await onSave(name, Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as SavedViewFilter);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const field = (k: keyof SavedViewFilter, label: string, options: { value: string; label: string }[]) => (
    <label>
      {label}
      <select name={k} value={f[k] === undefined ? '' : String(f[k])} onChange={(e) => set(k, e.target.value)}>
        <option value="">{t('anyValue')}</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
  return (
    <dialog ref={ref} className="view-dialog settings" aria-labelledby="view-dialog-title" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="view-dialog-title">{t('saveViewTitle')}</h2>
        <p className="muted">{t('saveViewHelp')}</p>
        <label>{t('viewName')}<input name="name" required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} autoFocus /></label>
        <div className="view-fields">
          {field('status', t('status'), STATUS_LIST.map((s) => ({ value: s, label: t(`status_${s}`) })))}
          {field('assignee', t('assignee'), [{ value: 'me', label: t('mine') }, { value: 'unassigned', label: t('unassigned') }])}
          {field('team', t('teams'), [...teams.map((tm) => ({ value: tm.id, label: tm.name })), { value: NO_TEAM, label: t('noTeam') }])}
          {field('channel', t('channels'), channels.map((c) => ({ value: c.name, label: t(`channel_${c.name}`) })))}
          {field('label', t('labels'), labels.map((l) => ({ value: l.name, label: l.name })))}
          {field('priority', t('priority'), PRIORITIES.map((p) => ({ value: String(p.value), label: t(`priority_${p.key}`) })))}
          {field('sort', t('sortBy'), SORTS.map((s) => ({ value: s, label: t(`sort_${s}`) })))}
        </div>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row">
          <button type="button" onClick={onClose}>{t('cancel')}</button>
          <button type="submit" className="primary">{t('save')}</button>
        </div>
      </form>
    </dialog>
  );
}
