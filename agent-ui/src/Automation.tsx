import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Condition, DryRunMatch, RuleAction, RuleInput, RuleView, RunView } from '../../src/domain/automation';
import type { SegmentView } from '../../src/domain/segments';
import type { CustomerRef } from '../../src/domain/views';
import { customerLabel } from './list-order';
import { api } from './api';
import { DEFAULTS, toAction, toDraft, useNames, type Draft } from './Macros';
import { ACTION_KINDS, describeAction, PRIORITY_PRESETS, SNOOZE_PRESETS, snoozeText, type ActionType, type Names } from './macros-api';

/** What the hub says a rule can say (GET /api/admin/automation/vocabulary). */
interface Vocabulary { events: string[]; timeTriggers: string[]; conditions: Condition['type'][]; actions: string[]; maxChainDepth: number; recentEventsMax: number }
interface Hook { id: string; url: string }
/** An action row of the editor: the macros' rows plus the webhook one. */
type ActionDraft = Draft | { type: 'send_webhook'; value: string; key: string };
type ConditionKind = Condition['type'];

const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
const tkey = (s: string) => s.replace(/\./g, '_');

/** A fresh condition of a kind, with values an admin then edits. */
function newCondition(type: ConditionKind): Condition {
  switch (type) {
    case 'channel': return { type, in: ['webchat'] };
    case 'team': return { type, in: [null] };
    case 'language': return { type, in: ['tr'] };
    case 'segment': return { type, segmentId: '', member: true };
    case 'labels': return { type, op: 'any', labels: [] };
    case 'attribute': return { type, scope: 'conversation', key: '', op: 'equals', value: '' };
    case 'text': return { type, op: 'contains', value: '' };
    case 'business_hours': return { type, inside: false };
    case 'priority': return { type, op: 'gte', value: 10 };
    case 'status': return { type, in: ['pending'] };
    case 'csat_score': return { type, op: 'lte', value: 2 };
  }
}

/** One condition in the admin's language ("Message text contains “iade”"). */
function describeCondition(c: Condition, names: Names, segments: SegmentView[], t: TFunction): string {
  const what = t(`autoCond_${c.type}`);
  switch (c.type) {
    case 'channel': case 'language': return `${what}: ${c.in.join(', ')}`;
    case 'team': return `${what}: ${c.in.map((id) => (id ? names.teams.get(id) ?? id : t('autoNoTeam'))).join(', ')}`;
    case 'segment': return `${t(c.member ? 'autoMember' : 'autoNotMember')} ${segments.find((s) => s.id === c.segmentId)?.name ?? c.segmentId}`;
    case 'labels': return `${what} ${t(`autoOp_${c.op}`)} ${c.labels.join(', ')}`;
    case 'attribute': return `${t(`autoScope_${c.scope}`)} · ${c.key} ${t(`autoOp_${c.op}`)}${c.value === undefined || c.op === 'is_set' || c.op === 'not_set' ? '' : ` “${String(c.value)}”`}`;
    case 'text': return `${what} ${t(`autoOp_${c.op}`)} “${c.value}”`;
    case 'business_hours': return t(c.inside ? 'autoInside' : 'autoOutside');
    case 'priority': case 'csat_score': return `${what} ${t(`autoOp_${c.op}`)} ${c.value}`;
    case 'status': return `${what}: ${c.in.map((s) => t(`status_${s}`)).join(', ')}`;
  }
}

const toRuleAction = (d: ActionDraft): RuleAction => (d.type === 'send_webhook' ? { type: 'send_webhook', webhookId: d.value } : toAction(d));
const toActionDraft = (a: RuleAction): ActionDraft => (a.type === 'send_webhook' ? { type: 'send_webhook', value: a.webhookId, key: '' } : toDraft(a));

function describeRuleAction(a: RuleAction, names: Names, hooks: Hook[], t: TFunction): string {
  if (a.type === 'send_webhook') return t('autoDo_send_webhook', { url: hooks.find((h) => h.id === a.webhookId)?.url ?? '?' });
  return describeAction(a, names, t);
}

/**
 * Automation rules (admins): the rules in the order they run, each with an on/off switch, up/down, edit, delete and
 * its log; the editor builds the event, conditions and actions from the hub's vocabulary and dry-runs the rule
 * (saved or not) on recent events. docs/automation.md.
 */
export function Automation() {
  const { t } = useTranslation();
  const [rules, setRules] = useState<RuleView[] | null>(null);
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  const [hooks, setHooks] = useState<Hook[]>([]);
  const [editing, setEditing] = useState<RuleView | 'new' | null>(null);
  const [logOf, setLogOf] = useState<RuleView | null>(null);
  const [armed, setArmed] = useState<string | null>(null);
  const [error, setError] = useState('');
  const names = useNames();
  const reload = useCallback(() => api<RuleView[]>('/admin/automation/rules').then((r) => { setRules(r); setError(''); }, (err: Error) => setError(err.message)), []);
  useEffect(() => {
    void reload();
    void api<Vocabulary>('/admin/automation/vocabulary').then(setVocabulary, (err: Error) => setError(err.message));
    void api<Hook[]>('/admin/webhooks').then(setHooks, () => setHooks([]));
  }, [reload]);

  const run = (p: Promise<unknown>) => p.then(() => reload(), (err: Error) => setError(err.message));
  const move = (i: number, by: -1 | 1) => {
    if (!rules) return;
    const ids = rules.map((r) => r.id);
    [ids[i], ids[i + by]] = [ids[i + by]!, ids[i]!];
    void run(api('/admin/automation/order', { body: { ids } }));
  };
  // The switch flips at once; the list is read again when the hub answered (a refusal flips it back).
  const toggle = (r: RuleView, enabled: boolean) => {
    setRules((prev) => prev && prev.map((x) => (x.id === r.id ? { ...x, enabled } : x)));
    void run(api(`/admin/automation/rules/${r.id}`, { method: 'PATCH', body: { enabled } }));
  };
  const remove = (r: RuleView) => {
    if (armed !== r.id) return setArmed(r.id);
    setArmed(null);
    if (logOf?.id === r.id) setLogOf(null);
    void run(api(`/admin/automation/rules/${r.id}/delete`, { method: 'POST' }));
  };

  return (
    <section aria-labelledby="automation-title" className="automation">
      <header className="row">
        <h2 id="automation-title">{t('section_automation')}</h2>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setEditing('new')}>{t('autoNew')}</button>
      </header>
      <p className="muted">{t('autoIntro')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {editing && vocabulary && (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id} rule={editing === 'new' ? null : editing} vocabulary={vocabulary} names={names} hooks={hooks}
          onDone={() => { setEditing(null); void reload(); }} onCancel={() => setEditing(null)}
        />
      )}
      {rules === null ? <p className="muted">{t('loading')}</p> : rules.length === 0 ? <p className="muted">{t('autoNone')}</p> : (
        <div className="table-wrap">
          <table aria-label={t('section_automation')} className="rules">
            <thead><tr><th>{t('autoOrder')}</th><th>{t('autoName')}</th><th>{t('autoWhen')}</th><th>{t('autoThen')}</th><th>{t('autoEnabled')}</th><th /></tr></thead>
            <tbody>
              {rules.map((r, i) => (
                <tr key={r.id} data-rule={r.name} className={r.enabled ? undefined : 'muted'}>
                  <td className="num">
                    {i + 1}{' '}
                    <button type="button" aria-label={t('autoUp', { name: r.name })} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
                    <button type="button" aria-label={t('autoDown', { name: r.name })} disabled={i === rules.length - 1} onClick={() => move(i, 1)}>↓</button>
                  </td>
                  <th scope="row">{r.name}</th>
                  <td>
                    {t(`autoEvent_${tkey(r.event)}`)}{r.afterMinutes ? ` (${snoozeText(r.afterMinutes, t)})` : ''}
                    {r.conditions.length + r.anyOf.length > 0 && <div className="muted small">{[...r.conditions, ...r.anyOf].map((c) => describeCondition(c, names, [], t)).join(' · ')}</div>}
                  </td>
                  <td><ol className="macro-actions">{r.actions.map((a, j) => <li key={j}>{describeRuleAction(a, names, hooks, t)}</li>)}</ol></td>
                  <td>
                    <label className="switch">
                      <input type="checkbox" checked={r.enabled} aria-label={t('autoEnabledLabel', { name: r.name })} onChange={(e) => toggle(r, e.target.checked)} />
                    </label>
                  </td>
                  <td className="num">
                    <button type="button" onClick={() => setEditing(r)}>{t('autoEditButton')}</button>{' '}
                    <button type="button" aria-expanded={logOf?.id === r.id} onClick={() => setLogOf(logOf?.id === r.id ? null : r)}>{t('autoLog')}</button>{' '}
                    <button type="button" className={armed === r.id ? 'danger' : undefined} onClick={() => remove(r)}>{armed === r.id ? t('autoDeleteConfirm') : t('autoDelete')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {logOf && <RuleLog key={logOf.id} rule={logOf} names={names} onClose={() => setLogOf(null)} />}
    </section>
  );
}

function RuleForm({ rule, vocabulary, names, hooks, onDone, onCancel }: {
  rule: RuleView | null; vocabulary: Vocabulary; names: Names; hooks: Hook[]; onDone: () => void; onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(rule?.name ?? '');
  const [event, setEvent] = useState(rule?.event ?? 'message.received');
  const [after, setAfter] = useState(String(rule?.afterMinutes ?? 1440));
  const [all, setAll] = useState<Condition[]>(rule?.conditions ?? []);
  const [any, setAny] = useState<Condition[]>(rule?.anyOf ?? []);
  const [actions, setActions] = useState<ActionDraft[]>(() => rule?.actions.map(toActionDraft) ?? [{ type: 'add_labels', value: '', key: '' }]);
  const [dry, setDry] = useState<{ evaluated: number; matches: DryRunMatch[] } | null>(null);
  const [error, setError] = useState('');
  const [segments, setSegments] = useState<SegmentView[]>([]);
  useEffect(() => void api<SegmentView[]>('/segments').then(setSegments, () => setSegments([])), []);
  const timed = vocabulary.timeTriggers.includes(event);
  // Text and score conditions only mean something on their own event.
  const kinds = vocabulary.conditions.filter((k) => (k !== 'text' || event === 'message.received') && (k !== 'csat_score' || event === 'csat.received'));
  const actionKinds: ActionDraft['type'][] = [...ACTION_KINDS, 'send_webhook'];

  const body = (): RuleInput => ({
    name, enabled: rule?.enabled ?? true, event: event as RuleInput['event'], ...(timed ? { afterMinutes: Number(after) } : {}),
    conditions: all, anyOf: any, actions: actions.map(toRuleAction),
  });
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await api(rule ? `/admin/automation/rules/${rule.id}` : '/admin/automation/rules', { method: rule ? 'PUT' : 'POST', body: body() });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  async function dryRun() {
    try {
      setDry(await api('/admin/automation/dry-run', { body: { rule: body(), limit: 50 } }));
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const changeAction = (i: number, d: Partial<ActionDraft>) => setActions((prev) => prev.map((x, j) => (j === i ? ({ ...x, ...d } as ActionDraft) : x)));

  const actionEditor = (d: ActionDraft, i: number) => {
    const select = (options: [string, string][], label = t('macroValue')) => (
      <select aria-label={label} value={d.value} onChange={(e) => changeAction(i, { value: e.target.value })}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    );
    switch (d.type) {
      case 'add_labels': case 'remove_labels':
        return <input aria-label={t('labels')} placeholder={t('macroLabelsHint')} value={d.value} onChange={(e) => changeAction(i, { value: e.target.value })} required />;
      case 'add_note':
        return <textarea aria-label={t('note')} rows={2} value={d.value} onChange={(e) => changeAction(i, { value: e.target.value })} required />;
      case 'send_canned': return select([['', t('macroPickCanned')], ...[...names.canned]]);
      case 'set_status': return select((['open', 'pending', 'resolved'] as const).map((s) => [s, t(`status_${s}`)]));
      case 'snooze': return select(SNOOZE_PRESETS.map((m) => [String(m), snoozeText(m, t)]));
      case 'assign_agent': return select([['', t('macroUnassign')], ...[...names.agents]]);
      case 'assign_team': return select([['', t('noTeam')], ...[...names.teams]]);
      case 'set_priority': return select(PRIORITY_PRESETS.map((p) => [String(p.value), t(`priority_${p.key}`)]));
      case 'send_webhook': return select([['', t('autoPickWebhook')], ...hooks.map((h): [string, string] => [h.id, h.url])]);
      case 'set_attribute':
        return (
          <>
            <input aria-label={t('macroAttribute')} placeholder={t('macroAttribute')} value={d.key} onChange={(e) => changeAction(i, { key: e.target.value })} required />
            <input aria-label={t('macroValue')} placeholder={t('macroAttributeHint')} value={d.value} onChange={(e) => changeAction(i, { value: e.target.value })} />
          </>
        );
    }
  };

  const conditionList = (items: Condition[], set: (c: Condition[]) => void, title: string, group: string) => (
    <fieldset className="conditions" aria-label={title}>
      <legend>{title}</legend>
      {items.length === 0 && group === 'all' && <p className="muted small">{t('autoNoConditions')}</p>}
      <ol>
        {items.map((c, i) => (
          <li key={i} className="row">
            <strong>{t(`autoCond_${c.type}`)}</strong>
            <ConditionEditor condition={c} names={names} segments={segments} onChange={(next) => set(items.map((x, j) => (j === i ? next : x)))} />
            <button type="button" aria-label={t('autoRemove', { what: t('autoCondition', { n: i + 1 }) })} onClick={() => set(items.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      <select aria-label={`${t('autoAddCondition')} (${title})`} value="" onChange={(e) => { if (e.target.value) set([...items, newCondition(e.target.value as ConditionKind)]); }}>
        <option value="">{t('autoAddCondition')}…</option>
        {kinds.map((k) => <option key={k} value={k}>{t(`autoCond_${k}`)}</option>)}
      </select>
    </fieldset>
  );

  return (
    <form className="card rule-form" onSubmit={(e) => void save(e)} aria-labelledby="rule-form-title">
      <h3 id="rule-form-title">{rule ? t('autoEdit', { name: rule.name }) : t('autoNew')}</h3>
      <div className="row">
        <label>{t('autoName')}<input name="rule-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} required autoFocus /></label>
        <label>{t('autoWhen')}
          <select name="rule-event" value={event} onChange={(e) => { setEvent(e.target.value as RuleInput['event']); setDry(null); }}>
            {[...vocabulary.events, ...vocabulary.timeTriggers].map((ev) => <option key={ev} value={ev}>{t(`autoEvent_${tkey(ev)}`)}</option>)}
          </select>
        </label>
        {timed && <label title={t('autoAfterHint')}>{t('autoAfter')}<input name="rule-after" type="number" min={1} max={129600} value={after} onChange={(e) => setAfter(e.target.value)} required /></label>}
      </div>
      <h4>{t('autoIf')}</h4>
      {conditionList(all, setAll, t('autoAll'), 'all')}
      {conditionList(any, setAny, t('autoAny'), 'any')}
      <h4>{t('autoThen')}</h4>
      <ol className="macro-drafts">
        {actions.map((d, i) => (
          <li key={i} className="row">
            <select aria-label={t('autoAction', { n: i + 1 })} value={d.type} onChange={(e) => changeAction(i, { type: e.target.value as ActionType, value: DEFAULTS[e.target.value as ActionType] ?? '', key: '' })}>
              {actionKinds.map((k) => <option key={k} value={k}>{k === 'send_webhook' ? t('autoKind_send_webhook') : t(`macroKind_${k}`)}</option>)}
            </select>
            {actionEditor(d, i)}
            <button type="button" aria-label={t('autoRemove', { what: t('autoAction', { n: i + 1 }) })} disabled={actions.length === 1} onClick={() => setActions((prev) => prev.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" onClick={() => setActions((prev) => [...prev, { type: 'add_labels', value: '', key: '' }])} disabled={actions.length >= 20}>{t('autoAddAction')}</button>
        <span className="spacer" />
        {error && <span role="alert" className="error">{error}</span>}
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
        <button type="button" onClick={() => void dryRun()}>{t('autoDryRun')}</button>
        <button type="submit" className="primary">{t('autoSave')}</button>
      </div>
      {dry && <DryRunResults result={dry} rule={body()} names={names} hooks={hooks} segments={segments} />}
    </form>
  );
}

/** A comma-separated list: the text stays as typed (a trailing comma included); the parsed list goes up. */
function ListInput({ label, placeholder, value, onChange }: { label: string; placeholder: string; value: string[]; onChange: (v: string[]) => void }) {
  const [text, setText] = useState(value.join(', '));
  return <input aria-label={label} placeholder={placeholder} value={text} onChange={(e) => { setText(e.target.value); onChange(list(e.target.value)); }} />;
}

function ConditionEditor({ condition: c, names, segments, onChange }: { condition: Condition; names: Names; segments: SegmentView[]; onChange: (c: Condition) => void }) {
  const { t } = useTranslation();
  const ops = <O extends string>(values: readonly O[], value: O, set: (o: O) => void) => (
    <select aria-label={t(`autoCond_${c.type}`)} value={value} onChange={(e) => set(e.target.value as O)}>
      {values.map((o) => <option key={o} value={o}>{t(`autoOp_${o}`)}</option>)}
    </select>
  );
  switch (c.type) {
    case 'channel': case 'language':
      return <ListInput label={t(`autoCond_${c.type}`)} placeholder={c.type === 'language' ? t('autoLangHint') : t('autoListHint')} value={c.in} onChange={(v) => onChange({ ...c, in: v })} />;
    case 'team':
      return (
        <select aria-label={t('autoCond_team')} value={c.in[0] ?? ''} onChange={(e) => onChange({ ...c, in: [e.target.value || null] })}>
          <option value="">{t('autoNoTeam')}</option>
          {[...names.teams].map(([id, n]) => <option key={id} value={id}>{n}</option>)}
        </select>
      );
    case 'segment':
      return (
        <>
          <select aria-label={t('autoCond_segment')} value={c.member ? 'in' : 'out'} onChange={(e) => onChange({ ...c, member: e.target.value === 'in' })}>
            <option value="in">{t('autoMember')}</option><option value="out">{t('autoNotMember')}</option>
          </select>
          <select aria-label={t('autoPickSegment')} value={c.segmentId} onChange={(e) => onChange({ ...c, segmentId: e.target.value })} required>
            <option value="">{t('autoPickSegment')}</option>
            {segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </>
      );
    case 'labels':
      return <>{ops(['any', 'all', 'none'] as const, c.op, (op) => onChange({ ...c, op }))}<ListInput label={t('labels')} placeholder={t('autoListHint')} value={c.labels} onChange={(labels) => onChange({ ...c, labels })} /></>;
    case 'attribute':
      return (
        <>
          <select aria-label={t('macroAttribute')} value={c.scope} onChange={(e) => onChange({ ...c, scope: e.target.value as 'conversation' | 'customer' })}>
            <option value="conversation">{t('autoScope_conversation')}</option><option value="customer">{t('autoScope_customer')}</option>
          </select>
          <input aria-label={t('macroAttribute')} placeholder="key" value={c.key} onChange={(e) => onChange({ ...c, key: e.target.value })} required />
          {ops(['equals', 'not_equals', 'contains', 'gt', 'lt', 'is_set', 'not_set'] as const, c.op, (op) => onChange({ ...c, op }))}
          {c.op !== 'is_set' && c.op !== 'not_set' && <input aria-label={t('macroValue')} value={String(c.value ?? '')} onChange={(e) => onChange({ ...c, value: e.target.value })} />}
        </>
      );
    case 'text':
      return <>{ops(['contains', 'not_contains'] as const, c.op, (op) => onChange({ ...c, op }))}<input aria-label={t('autoCond_text')} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} required /></>;
    case 'business_hours':
      return (
        <select aria-label={t('autoCond_business_hours')} value={c.inside ? 'in' : 'out'} onChange={(e) => onChange({ ...c, inside: e.target.value === 'in' })}>
          <option value="in">{t('autoInside')}</option><option value="out">{t('autoOutside')}</option>
        </select>
      );
    case 'priority': case 'csat_score':
      return <>{ops(['eq', 'gte', 'lte'] as const, c.op, (op) => onChange({ ...c, op }))}<input type="number" aria-label={t(`autoCond_${c.type}`)} value={c.value} onChange={(e) => onChange({ ...c, value: Number(e.target.value) })} /></>;
    case 'status':
      return (
        <select aria-label={t('autoCond_status')} value={c.in[0]} onChange={(e) => onChange({ ...c, in: [e.target.value as 'open'] })}>
          {(['open', 'pending', 'snoozed', 'resolved'] as const).map((s) => <option key={s} value={s}>{t(`status_${s}`)}</option>)}
        </select>
      );
  }
}

/** A log row's customer as the inbox calls them; the conversation's short id when it is gone. */
const whoOf = (c: CustomerRef | undefined, conversationId: string, language: string, t: TFunction) => (c ? customerLabel(c, language, t) : conversationId.slice(-6));

function DryRunResults({ result, rule, names, hooks, segments }: { result: { evaluated: number; matches: DryRunMatch[] }; rule: RuleInput; names: Names; hooks: Hook[]; segments: SegmentView[] }) {
  const { t, i18n } = useTranslation();
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'short', timeStyle: 'medium' });
  const fired = result.matches.filter((m) => m.matched).length;
  // Why, in the admin's language: the conditions that held, or the one that did not.
  const why = (m: DryRunMatch) => {
    const say = (c: Condition) => describeCondition(c, names, segments, t);
    if (m.matched) return [...rule.conditions.map(say), ...(rule.anyOf.length ? [`${t('autoAny')}: ${rule.anyOf.map(say).join(' / ')}`] : [])].join('; ') || t('autoNoConditions');
    if (!m.failed) return m.reasons.join('; ');
    return m.failed.group === 'any' ? `✗ ${rule.anyOf.map(say).join(' / ')}` : `✗ ${say(rule.conditions[m.failed.index]!)}`;
  };
  return (
    <section className="dry-run" aria-labelledby="dry-run-title">
      <h4 id="dry-run-title">{t('autoDryRunTitle', { count: result.evaluated })}</h4>
      <p className="muted small">{t('autoDryRunIntro')}</p>
      {result.evaluated === 0 ? <p className="muted">{t('autoDryRunNone')}</p> : (
        <>
          <p role="status">{t('autoMatchedCount', { count: fired, total: result.evaluated })}</p>
          <div className="table-wrap">
            <table aria-label={t('autoDryRun')}>
              <thead><tr><th>{t('autoTime')}</th><th>{t('autoConversation')}</th><th>{t('autoResult')}</th><th>{t('autoWhy')}</th><th>{t('autoDid')}</th></tr></thead>
              <tbody>
                {result.matches.map((m) => (
                  <tr key={m.event.id} data-matched={m.matched}>
                    <td>{when(m.event.at)}</td>
                    <td><a href={`/c/${m.event.conversationId}`}>{whoOf(m.customer, m.event.conversationId, i18n.language, t)}</a>{m.event.text && <div className="muted small">{m.event.text.slice(0, 80)}</div>}</td>
                    <td><span className={`chip ${m.matched ? 'ok' : 'muted'}`}>{t(m.matched ? 'autoWouldMatch' : 'autoWouldSkip')}</span></td>
                    <td className="small">{why(m)}</td>
                    <td className="small">{m.matched ? rule.actions.map((a) => describeRuleAction(a, names, hooks, t)).join('; ') : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function RuleLog({ rule, names, onClose }: { rule: RuleView; names: Names; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [runs, setRuns] = useState<RunView[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState('');
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'short', timeStyle: 'medium' });
  const load = useCallback((page?: number) => api<{ runs: RunView[]; next: number | null }>(`/admin/automation/rules/${rule.id}/runs${page === undefined ? '' : `?page=${page}`}`)
    .then((r) => { setRuns((prev) => (page === undefined ? r.runs : [...prev, ...r.runs])); setNext(r.next); setError(''); }, (err: Error) => setError(err.message)), [rule.id]);
  useEffect(() => void load(), [load]);
  return (
    <section className="card rule-log" aria-labelledby="rule-log-title">
      <header className="row">
        <h3 id="rule-log-title">{t('autoLogTitle', { name: rule.name })}</h3>
        <span className="spacer" />
        <button type="button" onClick={onClose}>{t('autoClose')}</button>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      {runs.length === 0 ? <p className="muted">{t('autoLogEmpty')}</p> : (
        <div className="table-wrap">
          <table aria-label={t('autoLogTitle', { name: rule.name })}>
            <thead><tr><th>{t('autoTime')}</th><th>{t('autoFiredBy')}</th><th>{t('autoConversation')}</th><th>{t('autoResult')}</th><th>{t('autoWhy')}</th><th>{t('autoDid')}</th></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-status={r.status}>
                  <td>{when(r.at)}</td>
                  <td>{t(`autoEvent_${tkey(r.eventType)}`)}</td>
                  <td><a href={`/c/${r.conversationId}`}>{whoOf(r.customer, r.conversationId, i18n.language, t)}</a></td>
                  <td><span className={`chip ${r.status === 'done' ? 'ok' : r.status === 'loop_stopped' || r.status === 'failed' ? 'warn' : 'muted'}`}>{t(`autoRun_${r.status}`)}</span>{r.note && <div className="muted small">{r.note}</div>}</td>
                  <td className="small">{r.conditions.length ? r.conditions.map((c) => describeCondition(c, names, [], t)).join('; ') : r.matched.join('; ') || t('autoNoConditions')}</td>
                  <td className="small">{r.actions.map((a) => `${a.ok ? '✓' : '✗'} ${a.type === 'send_webhook' ? t('autoKind_send_webhook') : t(`macroKind_${a.type}`)}${a.error ? `: ${a.error}` : ''}`).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next !== null && runs.length > 0 && <button type="button" onClick={() => void load(next)}>{t('autoOlder')}</button>}
    </section>
  );
}
