import type { TFunction } from 'i18next';
import type { ThreadEvent } from '../../src/domain/thread-events';
import type { MessageView } from '../../src/domain/views';

const whenText = (iso: string, t: TFunction) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' });
const stars = (score: number) => '★'.repeat(score) + '☆'.repeat(Math.max(0, 5 - score));
const offlineText = (ms: number, t: TFunction) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} ${t('unit_s')}` : `${Math.round(ms / 60_000)} ${t('unit_min')}`);

/**
 * A conversation event in the agent's language, as people say it ("Selin assigned this to Emre", "Emre took this").
 * Events carry their facts (src/domain/thread-events.ts); those stored before that carry only an English sentence,
 * read by its known shapes (`legacyEventText`), and anything unknown is shown as stored.
 */
export function eventText(m: Pick<MessageView, 'text' | 'event'>, t: TFunction): string {
  return m.event ? factText(m.event, t) : legacyEventText(m.text, t);
}

function factText(e: ThreadEvent, t: TFunction): string {
  switch (e.type) {
    case 'assigned': return e.actor === e.assignee ? t('event_took', { actor: e.actor }) : t('event_assigned', { actor: e.actor, assignee: e.assignee });
    case 'unassigned': return t('event_unassigned', { actor: e.actor });
    case 'status': {
      const status = t(`status_${e.status}`);
      return e.until ? t('event_status_until', { actor: e.actor, status, until: whenText(e.until, t) }) : t('event_status', { actor: e.actor, status });
    }
    case 'snooze_ended': return t('event_snoozeEnded');
    case 'reopened': return t('event_reopened', { status: t(`status_${e.from}`) });
    case 'routed': return t('event_routed', { assignee: e.assignee, team: e.team, policy: t(`policy_${e.policy}`) });
    case 'queued': return t('event_queued', { team: e.team, position: e.position, policy: t(`policy_${e.policy}`) });
    case 'requeued': return t('event_requeued', { agent: e.agent, time: offlineText(e.offlineMs, t) });
    case 'sla_breached': return t('event_slaBreached', { clock: t(`sla_${e.clock}`), due: whenText(e.dueAt, t) });
    case 'csat': {
      const rest = [e.comment && ` · “${e.comment}”`, e.nps !== undefined && ` · ${t('csatNps', { nps: e.nps })}`, e.followUp && ` · “${e.followUp}”`].filter(Boolean).join('');
      return t(e.changed ? 'event_csat_changed' : 'event_csat', { score: e.score, stars: stars(e.score), channel: t(`channel_${e.via}`), rest });
    }
    case 'merged': return t('event_merged', { actor: e.actor, into: e.into || t('anotherCustomer') });
    case 'merge_undone': return t('event_mergeUndone', { actor: e.actor, status: t(`status_${e.status}`) });
    case 'macro': return t(e.undone ? 'event_macro_undone' : 'event_macro_applied', { actor: e.actor, name: e.name });
    case 'segment_rule': {
      const parts = [e.priority !== undefined && t('event_segmentRule_priority', { priority: e.priority }), e.team && t('event_segmentRule_team', { team: e.team }), e.sla && t('event_segmentRule_sla')];
      return t('event_segmentRule', { segment: e.segment, effects: parts.filter(Boolean).join(', ') });
    }
    case 'customer_erased': return t('event_customerErased', { actor: e.actor });
  }
}

/** Events stored before their facts were kept: the English sentences src/domain/thread-events.ts writes. */
export function legacyEventText(text: string, t: TFunction): string {
  let m = /^(.+) assigned the conversation to (.+)$/.exec(text);
  if (m) return m[1] === m[2] ? t('event_took', { actor: m[1] }) : t('event_assigned', { actor: m[1], assignee: m[2] });
  m = /^(.+) unassigned the conversation$/.exec(text);
  if (m) return t('event_unassigned', { actor: m[1] });
  m = /^Routed to (.+) by (manual|round-robin|least-busy) in team (.+?): /.exec(text);
  if (m) return t('event_routed', { assignee: m[1], team: m[3], policy: t(`policy_${m[2]}`) });
  m = /^Queued in team (.+) at position (\d+) \((manual|round-robin|least-busy): /.exec(text);
  if (m) return t('event_queued', { team: m[1], position: m[2], policy: t(`policy_${m[3]}`) });
  if (text === 'Snooze ended: back to open') return t('event_snoozeEnded');
  m = /^(.+) (applied|undid) the macro “(.+)”$/.exec(text); // src/services/macros/apply-macro.ts
  if (m) return t(m[2] === 'applied' ? 'event_macro_applied' : 'event_macro_undone', { actor: m[1], name: m[3] });
  m = /^Reopened by a customer message \(was (pending|snoozed|resolved)\)$/.exec(text);
  if (m) return t('event_reopened', { status: t(`status_${m[1]}`) });
  m = /^Re-queued: (.+) has been offline for (\d+) (ms|s)$/.exec(text);
  if (m) return t('event_requeued', { agent: m[1], time: offlineText(Number(m[2]) * (m[3] === 's' ? 1000 : 1), t) });
  m = /^SLA breached: (first response|next response|resolution) was due (\S+)$/.exec(text);
  if (m) return t('event_slaBreached', { clock: t(`sla_${m[1]!.replace(' ', '_')}`), due: whenText(m[2]!, t) });
  m = /^(.+) merged this customer into (.+): resolved$/.exec(text);
  if (m) return t('event_merged', { actor: m[1], into: m[2] === 'another customer' ? t('anotherCustomer') : m[2] });
  m = /^(.+) undid the customer merge: (open|pending|snoozed|resolved) again$/.exec(text);
  if (m) return t('event_mergeUndone', { actor: m[1], status: t(`status_${m[2]}`) });
  m = /^(.+) set the status to (open|pending|snoozed|resolved)(?: until (\S+))?$/.exec(text);
  if (m) {
    const status = t(`status_${m[2]}`);
    return m[3] ? t('event_status_until', { actor: m[1], status, until: whenText(m[3], t) }) : t('event_status', { actor: m[1], status });
  }
  // A survey answer: "Customer rated the conversation: 4/5 ★★★★☆ (webchat) · “…”".
  m = /^Customer (rated the conversation|changed their rating): ([1-5])\/5 (\S+) \((\w+)\)(.*)$/s.exec(text);
  if (m) return t(m[1] === 'rated the conversation' ? 'event_csat' : 'event_csat_changed', { score: m[2], stars: m[3], channel: t(`channel_${m[4]}`), rest: m[5] });
  return text;
}
