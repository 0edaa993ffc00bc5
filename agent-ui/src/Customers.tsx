import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from './DateField';
import type { AttributeDefinition } from '../../src/domain/attributes';
import { api, ApiError, query } from './api';
import { AttributeDefinitions } from './AttributeDefinitions';
import { ShownValue, useDefinitions } from './AttributeEditor';
import { CustomerImport } from './CustomerImport';
import { HealthChip, ReasonText } from './Health';
import type { HealthReason, HealthState } from '../../src/domain/customer-health';
import type { SegmentFilter, SegmentView } from '../../src/domain/segments';
import { SegmentDialog, SegmentsPanel } from './Segments';
import type { Me } from './types';

interface Row {
  id: string; name?: string; email?: string; phone?: string; language?: string; labels: string[]; attributes: Record<string, unknown>;
  firstSeenAt?: string; lastContactAt?: string; conversations: number; channels: string[];
  health: { state: HealthState; reasons: HealthReason[] } | null;
}
interface Filter {
  q: string; label: string; language: string; channel: string; firstFrom: string; firstTo: string; lastFrom: string; lastTo: string;
  lastWithinDays: string; inactiveDays: string; convMin: string; health: string; attr: string; sort: string; dir: 'asc' | 'desc';
  csatMax: string; openMin: string; recentDays: string; recentMin: string;
}
const EMPTY: Filter = {
  q: '', label: '', language: '', channel: '', firstFrom: '', firstTo: '', lastFrom: '', lastTo: '', lastWithinDays: '', inactiveDays: '', convMin: '', health: '', attr: '', sort: 'last', dir: 'desc',
  csatMax: '', openMin: '', recentDays: '', recentMin: '',
};
/** A saved segment's filter in the page's form fields (what the directory query and "Save as segment" read back). */
const formOf = (f: SegmentFilter): Filter => ({
  ...EMPTY, ...Object.fromEntries(Object.entries(f).filter(([k, v]) => k !== 'attr' && v !== undefined).map(([k, v]) => [k, String(v)])), attr: (f.attr ?? []).join('; '),
});
const PAGE = 50;

/** The filter as the directory API's query (attribute conditions one per line of the box, repeated `attr`). */
export function filterQuery(f: Filter, extra: Record<string, string | number | undefined> = {}): string {
  const base = query({ ...f, attr: undefined, ...extra });
  const attrs = f.attr.split(/[\n;]/).map((a) => a.trim()).filter(Boolean).map((a) => `attr=${encodeURIComponent(a)}`);
  return attrs.length ? `${base ? `${base}&` : '?'}${attrs.join('&')}` : base;
}

/**
 * The Customers directory: search, filters (label, language, channel, first seen, last contact, conversations,
 * attribute conditions), sort, pages of 50, bulk labelling, CSV export of the filtered list and CSV import.
 */
export function Customers({ me, onClose, onOpenCustomer }: { me: Me; onClose: () => void; onOpenCustomer: (customerId: string) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState(0);
  const [cursors, setCursors] = useState<string[]>(['']); // the cursor of each page shown so far
  const [next, setNext] = useState<string | null>(null);
  const [channels, setChannels] = useState<string[]>([]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [label, setLabel] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [importing, setImporting] = useState(false);
  const [defsVersion, setDefsVersion] = useState(0);
  /** The segment dialog: a new one from the current filter (null segment), or one being edited. */
  const [segmentDialog, setSegmentDialog] = useState<{ segment?: SegmentView } | null>(null);
  const [segmentsVersion, setSegmentsVersion] = useState(0);
  const defs = useDefinitions('customer', defsVersion);
  const supervisor = me.role !== 'agent';
  const cursor = cursors[cursors.length - 1]!;

  const load = useCallback(async () => {
    try {
      const page = await api<{ items: Row[]; total: number; next: string | null }>(`/directory/customers${filterQuery(filter, { limit: PAGE, cursor: cursor || undefined })}`);
      setRows(page.items);
      setTotal(page.total);
      setNext(page.next);
      setError('');
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? t('directoryForbidden') : (err as Error).message);
    }
  }, [filter, cursor, t]);
  useEffect(() => void load(), [load]);
  useEffect(() => void api<{ channels: string[] }>('/directory/options').then((o) => setChannels(o.channels), () => {}), []);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
    setCursors(['']);
    setPicked(new Set());
  };
  const clear = () => {
    setDraft(EMPTY);
    setFilter(EMPTY);
    setCursors(['']);
  };
  async function relabel(body: Record<string, unknown>) {
    try {
      const res = await api<{ changed: number }>('/directory/labels', { body });
      setNotice(t('labelsChanged', { count: res.changed }));
      setPicked(new Set());
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const filterBody = () => {
    const { attr, ...rest } = filter;
    const f: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== ''));
    for (const k of ['convMin', 'lastWithinDays', 'inactiveDays', 'csatMax', 'openMin', 'recentDays', 'recentMin']) if (f[k] !== undefined) f[k] = Number(f[k]);
    // "Conversations in the last N days" needs both: a window alone means at least one, a count alone the last 30 days.
    if (f.recentDays !== undefined && f.recentMin === undefined) f.recentMin = 1;
    f.attr = attr.split(/[\n;]/).map((a) => a.trim()).filter(Boolean);
    return f;
  };
  const set = (k: keyof Filter) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const day = (iso?: string) => (iso ? new Date(iso).toLocaleDateString(t('locale')) : '—');
  const toggle = (id: string) => setPicked((p) => { const n = new Set(p); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const sortable = defs.filter((d: AttributeDefinition) => d.type === 'number' || d.type === 'currency' || d.type === 'date');
  const shownAttrs = defs.slice(0, 3);
  const from = (cursor ? Number(cursor) : 0) + 1;

  return (
    <main className="admin customers" aria-labelledby="customers-title">
      <header className="row">
        <h1 id="customers-title">{t('customersPage')}</h1>
        <span className="muted total">{t('customersTotal', { count: total })}</span>
        <span className="spacer" />
        <a className="button" href={`/api/directory/customers.csv${filterQuery(filter)}`} download>{t('exportCsv')}</a>
        {supervisor && <button type="button" onClick={() => { const f = { ...EMPTY, health: 'at_risk' }; setDraft(f); setFilter(f); setCursors(['']); }}>{t('customersAtRisk')}</button>}
        {supervisor && <button type="button" onClick={() => setImporting(true)}>{t('importCsv')}</button>}
        {supervisor && <button type="button" onClick={() => setSegmentDialog({})}>{t('saveAsSegment')}</button>}
        <button type="button" onClick={onClose}>{t('backToInbox')}</button>
      </header>
      <form className="card directory-filters" onSubmit={apply} aria-label={t('filters')}>
        <label>{t('search')}<input type="search" value={draft.q} onChange={set('q')} placeholder={t('customerSearch')} /></label>
        <label>{t('filterLabel')}<input value={draft.label} onChange={set('label')} /></label>
        <label>{t('filterLanguage')}<input value={draft.language} onChange={set('language')} size={4} /></label>
        <label>{t('filterChannel')}
          <select value={draft.channel} onChange={set('channel')}>
            <option value="">{t('anyChannel')}</option>
            {channels.map((c) => <option key={c} value={c}>{t(`channel_${c}`, { defaultValue: c })}</option>)}
          </select>
        </label>
        <fieldset><legend>{t('firstSeen')}</legend>
          <label>{t('from')}<DateField label={`${t('firstSeen')}: ${t('from')}`} value={draft.firstFrom} onChange={(firstFrom) => setDraft({ ...draft, firstFrom })} /></label>
          <label>{t('to')}<DateField label={`${t('firstSeen')}: ${t('to')}`} value={draft.firstTo} onChange={(firstTo) => setDraft({ ...draft, firstTo })} /></label>
        </fieldset>
        <fieldset><legend>{t('lastContact')}</legend>
          <label>{t('from')}<DateField label={`${t('lastContact')}: ${t('from')}`} value={draft.lastFrom} onChange={(lastFrom) => setDraft({ ...draft, lastFrom })} /></label>
          <label>{t('to')}<DateField label={`${t('lastContact')}: ${t('to')}`} value={draft.lastTo} onChange={(lastTo) => setDraft({ ...draft, lastTo })} /></label>
        </fieldset>
        <label>{t('lastWithinDays')}<input type="number" min={1} max={3650} value={draft.lastWithinDays} onChange={set('lastWithinDays')} size={4} /></label>
        <label>{t('inactiveDays')}<input type="number" min={1} max={3650} value={draft.inactiveDays} onChange={set('inactiveDays')} size={4} /></label>
        <label>{t('convCount')} ({t('minimum')})<input type="number" min={0} value={draft.convMin} onChange={set('convMin')} size={4} /></label>
        <label>{t('csatAvgMax')}<input type="number" min={1} max={5} step={0.1} value={draft.csatMax} onChange={set('csatMax')} size={3} /></label>
        <label>{t('openMin')}<input type="number" min={1} value={draft.openMin} onChange={set('openMin')} size={3} /></label>
        <fieldset><legend>{t('recentMin', { days: draft.recentDays || 30 })}</legend>
          <label>{t('recentWindow')}
            <select value={draft.recentDays} onChange={set('recentDays')}>
              <option value="">30</option>{[7, 90, 365].map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </label>
          <label>{t('minimum')}<input type="number" min={1} max={50} value={draft.recentMin} onChange={set('recentMin')} size={3} /></label>
        </fieldset>
        <label>{t('health')}
          <select value={draft.health} onChange={set('health')}>
            <option value="">{t('healthAny')}</option>
            {['healthy', 'at_risk', 'churned'].map((h) => <option key={h} value={h}>{t(`health_${h}`)}</option>)}
          </select>
        </label>
        <label>{t('attributeFilter')}<input value={draft.attr} onChange={set('attr')} placeholder={t('attributeFilterHint')} /></label>
        <label>{t('sortBy')}
          <select value={draft.sort} onChange={set('sort')}>
            {['last', 'first', 'conversations', 'health'].map((s) => <option key={s} value={s}>{t(`sort_${s}`)}</option>)}
            {sortable.map((d) => <option key={d.key} value={`attr:${d.key}`}>{d.label}</option>)}
          </select>
        </label>
        <label>{t('sortDir')}
          <select value={draft.dir} onChange={set('dir')}>
            <option value="desc">{t('dir_desc')}</option><option value="asc">{t('dir_asc')}</option>
          </select>
        </label>
        <span className="actions"><button type="submit" className="primary">{t('apply')}</button><button type="button" onClick={clear}>{t('clearFilters')}</button></span>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {notice && <p role="status" className="ok">{notice}</p>}
      {supervisor && (
        <div className="bulk row">
          <span>{t('selected', { count: picked.size })}</span>
          <label>{t('labelToAdd')}<input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={80} /></label>
          <button type="button" disabled={!label.trim() || !picked.size} onClick={() => void relabel({ ids: [...picked], add: [label] })}>{t('addToSelected')}</button>
          <button type="button" disabled={!label.trim() || !picked.size} onClick={() => void relabel({ ids: [...picked], remove: [label] })}>{t('removeFromSelected')}</button>
          <button type="button" disabled={!label.trim() || !total} onClick={() => void relabel({ filter: filterBody(), add: [label] })}>{t('bulkLabelAll', { count: total })}</button>
        </div>
      )}
      <div className="table-wrap">
        <table className="directory">
          <thead>
            <tr>
              {supervisor && <th><input type="checkbox" aria-label={t('selectAll')} checked={rows.length > 0 && rows.every((r) => picked.has(r.id))} onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())} /></th>}
              <th>{t('name')}</th><th>{t('email')}</th><th>{t('identity_phone')}</th><th>{t('filterLanguage')}</th><th>{t('labels')}</th><th>{t('channels')}</th>
              <th>{t('firstSeen')}</th><th>{t('lastContact')}</th><th>{t('convCount')}</th><th>{t('health')}</th>
              {shownAttrs.map((d) => <th key={d.key}>{d.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                {supervisor && <td><input type="checkbox" aria-label={t('selectCustomer', { name: r.name ?? r.email ?? r.id })} checked={picked.has(r.id)} onChange={() => toggle(r.id)} /></td>}
                <td><button type="button" className="link" onClick={() => onOpenCustomer(r.id)} aria-label={t('openCustomer', { name: r.name ?? r.email ?? r.phone ?? r.id })}>{r.name ?? t('customer')}</button></td>
                <td>{r.email ?? ''}</td><td>{r.phone ?? ''}</td><td>{r.language ?? ''}</td>
                <td>{r.labels.map((l) => <span key={l} className="chip">{l}</span>)}</td>
                <td>{r.channels.map((c) => t(`channel_${c}`, { defaultValue: c })).join(', ')}</td>
                <td>{day(r.firstSeenAt)}</td><td>{day(r.lastContactAt)}</td><td>{r.conversations}</td>
                <td className="health-cell">
                  <HealthChip state={r.health?.state ?? null} />
                  {r.health?.reasons.map((reason) => <span key={reason.code} className="small reason"><ReasonText reason={reason} /></span>)}
                </td>
                {shownAttrs.map((d) => <td key={d.key}><ShownValue def={d} value={r.attributes[d.key]} /></td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!rows.length && !error && <p className="empty">{t('noCustomers')}</p>}
      <nav className="pager row" aria-label={t('customersPage')}>
        <span>{rows.length ? t('pageOf', { from, to: from + rows.length - 1, total }) : ''}</span>
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>{t('previousCustomers')}</button>
        <button type="button" disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>{t('moreCustomers')}</button>
      </nav>
      <SegmentsPanel
        canEdit={supervisor} version={segmentsVersion}
        onShow={(seg) => { const f = formOf(seg.filter); setDraft(f); setFilter(f); setCursors(['']); setPicked(new Set()); }}
        onEdit={(seg) => setSegmentDialog({ segment: seg })}
      />
      {segmentDialog && (
        <SegmentDialog
          filter={(({ q, sort, dir, ...rest }) => rest)(filterBody()) as Partial<SegmentFilter>} segment={segmentDialog.segment}
          onClose={() => setSegmentDialog(null)} onSaved={() => { setSegmentsVersion((v) => v + 1); setNotice(t('segSaved')); }}
        />
      )}
      {me.role === 'admin' && <AttributeDefinitions onChanged={() => setDefsVersion((v) => v + 1)} />}
      {importing && <CustomerImport onClose={() => { setImporting(false); void load(); }} />}
    </main>
  );
}
