import type { Condition, StoredRuleLike } from './describe';
import { conditionText } from './describe';
import { normalizeLabel } from '../../domain/labels';
import { foldText } from '../../domain/search-terms';
import { attributeText } from '../../domain/attributes';
import type { AutomationEvent } from '../../domain/automation';
import type { Facts } from './facts';

export interface Verdict {
  matched: boolean;
  /** Matched: the conditions that held. Not matched: the first condition that did not hold ("not …"). */
  reasons: string[];
  /** Not matched: which condition failed (index in `conditions`), or the whole "any of" group; null otherwise. */
  failed: { group: 'all' | 'any'; index: number } | null;
  /** Matched: the conditions that held (the "all" ones and the first "any of" one), for the log in any language. */
  held: Condition[];
}

/** Every condition must hold, and at least one of `anyOf` when it has any. Stops at the first that fails. */
export async function evaluateRule(rule: StoredRuleLike, facts: Facts): Promise<Verdict> {
  const reasons: string[] = [];
  for (const [index, c] of (rule.conditions ?? []).entries()) {
    if (!(await holds(c, facts))) return { matched: false, reasons: [`not: ${conditionText(c)}`], failed: { group: 'all', index }, held: [] };
    reasons.push(conditionText(c));
  }
  const anyOf = rule.anyOf ?? [];
  let one: Condition | undefined;
  if (anyOf.length) {
    for (const c of anyOf) if (await holds(c, facts)) { one = c; break; }
    if (!one) return { matched: false, reasons: [`none of: ${anyOf.map(conditionText).join('; ')}`], failed: { group: 'any', index: -1 }, held: [] };
    reasons.push(`any of: ${conditionText(one)}`);
  }
  if (!(await facts.conversation())) return { matched: false, reasons: ['the conversation no longer exists'], failed: null, held: [] };
  return { matched: true, reasons, failed: null, held: [...(rule.conditions ?? []), ...(one ? [one] : [])] };
}

/** What conversation conditions read: the stored conversation in the worker, the published view in the observer. */
export interface ConversationFacts {
  labels?: string[] | null;
  priority?: number | null;
  teamId?: unknown;
  status?: string | null;
  attributes?: Record<string, unknown> | null;
  lastInboundChannel?: string | null;
}

/**
 * A condition that needs only the event and the conversation: true or false, or null when it needs the customer or
 * the calendar (language, segment, customer attributes, business hours).
 */
export function holdsOn(c: Condition, e: AutomationEvent, conversation: ConversationFacts, folded: () => string): boolean | null {
  switch (c.type) {
    case 'channel': {
      const channel = e.channel ?? conversation.lastInboundChannel;
      return Boolean(channel && c.in.includes(channel));
    }
    case 'team': return c.in.includes(conversation.teamId ? String(conversation.teamId) : null);
    case 'labels': {
      const have = new Set(conversation.labels ?? []);
      const wanted = c.labels.map(normalizeLabel);
      if (c.op === 'any') return wanted.some((l) => have.has(l));
      if (c.op === 'all') return wanted.every((l) => have.has(l));
      return !wanted.some((l) => have.has(l));
    }
    case 'attribute': return c.scope === 'conversation' ? attributeHolds(c, (conversation.attributes ?? {})[c.key]) : null;
    case 'text': {
      const found = folded().includes(foldText(c.value));
      return c.op === 'contains' ? found : !found;
    }
    case 'priority': {
      const p = conversation.priority ?? 0;
      return c.op === 'eq' ? p === c.value : c.op === 'gte' ? p >= c.value : p <= c.value;
    }
    case 'status': {
      // The status the event is about (a status change "to pending"), else the conversation's.
      const status = e.status ?? conversation.status;
      return Boolean(status && (c.in as string[]).includes(status));
    }
    case 'csat_score':
      if (e.score === undefined) return false;
      return c.op === 'eq' ? e.score === c.value : c.op === 'gte' ? e.score >= c.value : e.score <= c.value;
    default:
      return null;
  }
}

/**
 * Whether the rule can match, judged from the event and the conversation as it was published (no read): false when
 * one of its "all" conditions fails, or every "any of" one does; conditions on the customer or the calendar count as
 * "may hold". The observer queues no job for an event no rule can match: if none can act, nothing changes, so no
 * later rule in the order could see anything else. Without a view (SLA, attribute events) only the event counts.
 */
export function mayMatch(rule: StoredRuleLike, event: AutomationEvent, conversation: ConversationFacts | null, folded: () => string): boolean {
  const local = (c: Condition): boolean | null => {
    if (conversation) return holdsOn(c, event, conversation, folded);
    // No conversation at hand: only what the event itself carries.
    return c.type === 'text' || c.type === 'csat_score' || (c.type === 'channel' && event.channel) || (c.type === 'status' && event.status)
      ? holdsOn(c, event, {}, folded) : null;
  };
  if ((rule.conditions ?? []).some((c) => local(c) === false)) return false;
  const anyOf = rule.anyOf ?? [];
  return !anyOf.length || anyOf.some((c) => local(c) !== false);
}

/** Text for comparisons: lowercase with Turkish folding (İ/ı/I → i, ş → s ...), so "İADE", "iade" and "IADE" match. */
const fold = (v: unknown) => foldText(attributeText(v)).trim();

/** A number, or a date's epoch ms when the value is a date (a Date, or an ISO date string); else null. */
function comparable(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'object' && v !== null && 'amount' in v) return Number((v as { amount: unknown }).amount);
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^\d{4}-\d{2}-\d{2}/.test(v)) { const t = Date.parse(v); return Number.isNaN(t) ? null : t; }
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

function attributeHolds(c: Extract<Condition, { type: 'attribute' }>, value: unknown): boolean {
  const set = value !== undefined && value !== null && value !== '';
  switch (c.op) {
    case 'is_set': return set;
    case 'not_set': return !set;
    case 'equals': return set && fold(value) === fold(c.value);
    case 'not_equals': return !set || fold(value) !== fold(c.value);
    case 'contains': return set && fold(value).includes(fold(c.value));
    case 'gt': case 'lt': {
      const a = comparable(value);
      const b = comparable(c.value);
      if (a === null || b === null) return false;
      return c.op === 'gt' ? a > b : a < b;
    }
  }
}

/** In the worker: the event, the conversation as it is now, and (when asked) the customer and the calendar. */
async function holds(c: Condition, f: Facts): Promise<boolean> {
  switch (c.type) {
    case 'language': {
      const language = (await f.customer())?.language;
      return Boolean(language && c.in.map((l) => l.toLowerCase()).includes(language.toLowerCase()));
    }
    case 'segment':
      return (await f.segments()).has(c.segmentId) === c.member;
    case 'attribute':
      if (c.scope === 'customer') return attributeHolds(c, ((await f.customer())?.attributes ?? {})[c.key]);
      break;
    case 'business_hours':
      return (await f.insideBusinessHours()) === c.inside;
    default:
      break;
  }
  const conversation = await f.conversation();
  return holdsOn(c, f.event, conversation ? { ...conversation, teamId: conversation.teamId } : {}, () => f.foldedText()) === true;
}
