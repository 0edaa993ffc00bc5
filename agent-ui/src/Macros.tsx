import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { loadAssignees } from './assignees';
import { useDefinitions } from './AttributeEditor';
import { ACTION_KINDS, describeAction, listMacros, PRIORITY_PRESETS, SNOOZE_PRESETS, snoozeText, type Action, type ActionType, type Macro, type Names } from './macros-api';
import type { Me } from './types';

/** One action row of the editor: every kind edits one text value (plus the key of an attribute). */
export interface Draft { type: ActionType; value: string; key: string }
export const DEFAULTS: Partial<Record<ActionType, string>> = { set_status: 'resolved', snooze: '1440', set_priority: '10' };
const labelList = (v: string) => v.split(',').map((l) => l.trim()).filter(Boolean);

export function toAction(d: Draft): Action {
  switch (d.type) {
    case 'add_labels': case 'remove_labels': return { type: d.type, labels: labelList(d.value) };
    case 'send_canned': return { type: d.type, cannedId: d.value };
    case 'add_note': return { type: d.type, text: d.value };
    case 'set_status': return { type: d.type, status: d.value as 'open' | 'pending' | 'resolved' };
    case 'snooze': return { type: d.type, minutes: Number(d.value) };
    case 'assign_agent': return { type: d.type, agentId: d.value || null };
    case 'assign_team': return { type: d.type, teamId: d.value || null };
    case 'set_priority': return { type: d.type, priority: Number(d.value) };
    case 'set_attribute': return { type: d.type, key: d.key, value: d.value === '' ? null : d.value };
  }
}
export function toDraft(a: Action): Draft {
  const d = { type: a.type, key: '' };
  switch (a.type) {
    case 'add_labels': case 'remove_labels': return { ...d, value: a.labels.join(', ') };
    case 'send_canned': return { ...d, value: a.cannedId };
    case 'add_note': return { ...d, value: a.text };
    case 'set_status': return { ...d, value: a.status };
    case 'snooze': return { ...d, value: String(a.minutes) };
    case 'assign_agent': return { ...d, value: a.agentId ?? '' };
    case 'assign_team': return { ...d, value: a.teamId ?? '' };
    case 'set_priority': return { ...d, value: String(a.priority) };
    case 'set_attribute': return { ...d, key: a.key, value: a.value === null ? '' : Array.isArray(a.value) ? a.value.join('|') : String(a.value) };
  }
}

/** Agents, teams and canned responses by id: what the editor offers and the list names. */
export function useNames(): Names {
  const [names, setNames] = useState<Names>({ agents: new Map(), teams: new Map(), canned: new Map() });
  useEffect(() => {
    void Promise.all([loadAssignees().catch(() => ({ agents: [], teams: [] })), api<{ id: string; title: string }[]>('/canned').catch(() => [])]).then(([a, canned]) => setNames({
      agents: new Map(a.agents.map((x) => [x.id, x.name])), teams: new Map(a.teams.map((x) => [x.id, x.name])), canned: new Map(canned.map((c) => [c.id, c.title])),
    }));
  }, []);
  return names;
}

/**
 * The Macros page: every agent keeps personal macros; supervisors and admins also write the shared ones everyone
 * applies. A macro is a name and an action list (docs/macros.md).
 */
export function Macros({ me, onClose }: { me: Me; onClose: () => void }) {
  const { t } = useTranslation();
  const [macros, setMacros] = useState<Macro[] | null>(null);
  const [editing, setEditing] = useState<Macro | 'new' | null>(null);
  const [error, setError] = useState('');
  const names = useNames();
  const reload = useCallback(() => listMacros().then(setMacros, (err: Error) => setError(err.message)), []);
  useEffect(() => void reload(), [reload]);

  // Deleting takes a second click on the same button ("Delete?" then gone): no browser dialog.
  const [armed, setArmed] = useState<string | null>(null);
  const remove = async (m: Macro) => {
    if (armed !== m.id) return setArmed(m.id);
    setArmed(null);
    await api(`/macros/${m.id}/delete`, { method: 'POST' }).then(() => setError(''), (err: Error) => setError(err.message));
    void reload();
  };
  const table = (visibility: Macro['visibility']) => {
    const rows = (macros ?? []).filter((m) => m.visibility === visibility);
    return (
      <section className="card" aria-labelledby={`macros-${visibility}`}>
        <h2 id={`macros-${visibility}`}>{t(visibility === 'personal' ? 'macroMine' : 'macroShared')}</h2>
        <p className="muted small">{t(visibility === 'personal' ? 'macroMineHelp' : 'macroSharedHelp')}</p>
        {rows.length === 0 ? <p className="muted">{t('macroNone')}</p> : (
          <table>
            <thead><tr><th>{t('name')}</th><th>{t('macroActions')}</th>{visibility === 'shared' && <th>{t('macroAuthor')}</th>}<th /></tr></thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id} data-macro={m.id}>
                  <th scope="row">{m.name}</th>
                  <td><ol className="macro-actions">{m.actions.map((a, i) => <li key={i}>{describeAction(a, names, t)}</li>)}</ol></td>
                  {visibility === 'shared' && <td>{m.ownerName}</td>}
                  <td className="num">
                    {m.editable && <button type="button" onClick={() => setEditing(m)}>{t('macroEditButton')}</button>}{' '}
                    {m.editable && <button type="button" className={armed === m.id ? 'danger' : undefined} onClick={() => void remove(m)}>{armed === m.id ? t('macroDeleteConfirm') : t('delete')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    );
  };

  return (
    <main className="admin macros" aria-labelledby="macros-title">
      <header className="row">
        <h1 id="macros-title">{t('macros')}</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setEditing('new')}>{t('macroNew')}</button>
        <button type="button" onClick={onClose}>{t('backToInbox')}</button>
      </header>
      <p className="muted">{t('macroIntro')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {editing && (
        <MacroForm
          key={editing === 'new' ? 'new' : editing.id} me={me} names={names} macro={editing === 'new' ? null : editing}
          onDone={() => { setEditing(null); void reload(); }} onCancel={() => setEditing(null)}
        />
      )}
      {macros === null ? <p className="muted">{t('loading')}</p> : <>{table('personal')}{table('shared')}</>}
    </main>
  );
}

function MacroForm({ me, names, macro, onDone, onCancel }: { me: Me; names: Names; macro: Macro | null; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const staff = me.role !== 'agent';
  const definitions = useDefinitions('conversation');
  const [name, setName] = useState(macro?.name ?? '');
  const [visibility, setVisibility] = useState<Macro['visibility']>(macro?.visibility ?? 'personal');
  const [drafts, setDrafts] = useState<Draft[]>(() => macro?.actions.map(toDraft) ?? [{ type: 'add_labels', value: '', key: '' }]);
  const [error, setError] = useState('');
  // What an agent may not do by hand is not offered for their own macros (the hub refuses it too).
  const kinds = ACTION_KINDS.filter((k) => staff || k !== 'set_priority');
  const change = (i: number, d: Partial<Draft>) => setDrafts((prev) => prev.map((x, j) => (j === i ? { ...x, ...d } : x)));

  async function save(e: FormEvent) {
    e.preventDefault();
    const body = { name, visibility, actions: drafts.map(toAction) };
    try {
      await api(macro ? `/macros/${macro.id}` : '/macros', { body });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const valueEditor = (d: Draft, i: number) => {
    const label = t('macroValue');
    const select = (options: [string, string][]) => (
      <select aria-label={label} value={d.value} onChange={(e) => change(i, { value: e.target.value })} required={d.type === 'send_canned'}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    );
    switch (d.type) {
      case 'add_labels': case 'remove_labels':
        return <input aria-label={t('labels')} placeholder={t('macroLabelsHint')} value={d.value} onChange={(e) => change(i, { value: e.target.value })} required />;
      case 'add_note':
        return <textarea aria-label={t('note')} rows={2} value={d.value} onChange={(e) => change(i, { value: e.target.value })} required />;
      case 'send_canned':
        return select([['', t('macroPickCanned')], ...[...names.canned].map(([id, title]): [string, string] => [id, title])]);
      case 'set_status':
        return select((['open', 'pending', 'resolved'] as const).map((s) => [s, t(`status_${s}`)]));
      case 'snooze':
        return select(SNOOZE_PRESETS.map((m) => [String(m), snoozeText(m, t)]));
      case 'assign_agent':
        return select([['', t('macroUnassign')], ...[...names.agents].filter(([id]) => staff || id === me.id).map(([id, n]): [string, string] => [id, n])]);
      case 'assign_team':
        return select([['', t('noTeam')], ...[...names.teams].filter(([id]) => staff || me.teamIds.includes(id)).map(([id, n]): [string, string] => [id, n])]);
      case 'set_priority':
        return select(PRIORITY_PRESETS.map((p) => [String(p.value), t(`priority_${p.key}`)]));
      case 'set_attribute':
        return (
          <>
            <select aria-label={t('macroAttribute')} value={d.key} onChange={(e) => change(i, { key: e.target.value })} required>
              <option value="">{t('macroAttribute')}</option>
              {definitions.map((def) => <option key={def.key} value={def.key}>{def.label}</option>)}
            </select>
            <input aria-label={label} placeholder={t('macroAttributeHint')} value={d.value} onChange={(e) => change(i, { value: e.target.value })} />
          </>
        );
    }
  };

  return (
    <form className="card macro-form" onSubmit={(e) => void save(e)} aria-labelledby="macro-form-title">
      <h2 id="macro-form-title">{macro ? t('macroEdit', { name: macro.name }) : t('macroNew')}</h2>
      <div className="row">
        <label>{t('name')}<input name="macro-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} required autoFocus /></label>
        <label>{t('macroVisibility')}
          <select value={visibility} onChange={(e) => setVisibility(e.target.value as Macro['visibility'])} disabled={!staff}>
            <option value="personal">{t('macroVisibility_personal')}</option>
            <option value="shared">{t('macroVisibility_shared')}</option>
          </select>
        </label>
      </div>
      <h3>{t('macroActions')}</h3>
      <ol className="macro-drafts">
        {drafts.map((d, i) => (
          <li key={i} className="row">
            <select aria-label={t('macroActionKind', { n: i + 1 })} value={d.type} onChange={(e) => change(i, { type: e.target.value as ActionType, value: DEFAULTS[e.target.value as ActionType] ?? '', key: '' })}>
              {kinds.map((k) => <option key={k} value={k}>{t(`macroKind_${k}`)}</option>)}
            </select>
            {valueEditor(d, i)}
            <button type="button" aria-label={t('macroRemoveAction', { n: i + 1 })} disabled={drafts.length === 1} onClick={() => setDrafts((prev) => prev.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" onClick={() => setDrafts((prev) => [...prev, { type: 'add_labels', value: '', key: '' }])} disabled={drafts.length >= 20}>{t('macroAddAction')}</button>
        <span className="spacer" />
        {error && <span role="alert" className="error">{error}</span>}
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
        <button type="submit" className="primary">{t('save')}</button>
      </div>
    </form>
  );
}
