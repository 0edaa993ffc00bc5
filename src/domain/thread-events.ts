import type { ConversationStatus } from './views';

/**
 * What a conversation event in the thread says, as facts (names, statuses, times), stored beside its English
 * sentence (`text`, for the API, webhooks and exports). The console renders the facts in the agent's language
 * (agent-ui/src/events.ts); events stored before the facts existed carry only the text, which it still reads.
 */
export type ThreadEvent =
  | { type: 'assigned'; actor: string; assignee: string }
  | { type: 'unassigned'; actor: string }
  | { type: 'status'; actor: string; status: ConversationStatus; until?: string }
  | { type: 'snooze_ended' }
  | { type: 'reopened'; from: 'pending' | 'snoozed' | 'resolved' }
  | { type: 'routed'; assignee: string; team: string; policy: string }
  | { type: 'queued'; team: string; position: number; policy: string }
  | { type: 'requeued'; agent: string; offlineMs: number }
  | { type: 'sla_breached'; clock: 'first_response' | 'next_response' | 'resolution'; dueAt: string }
  | { type: 'csat'; changed: boolean; score: number; via: string; comment?: string; nps?: number; followUp?: string }
  | { type: 'merged'; actor: string; into: string }
  | { type: 'merge_undone'; actor: string; status: ConversationStatus }
  | { type: 'macro'; actor: string; name: string; undone: boolean }
  | { type: 'segment_rule'; segment: string; priority?: number; team?: string; sla: boolean }
  | { type: 'customer_erased'; actor: string };

const STARS = (score: number) => '★'.repeat(score) + '☆'.repeat(Math.max(0, 5 - score));
const SLA_CLOCK = { first_response: 'first response', next_response: 'next response', resolution: 'resolution' } as const;
const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * The stored English sentence of an event. Kept in the shapes earlier versions wrote, so one reader of old text
 * (the console's fallback) reads new text too. `detail`: a reason added after the sentence (routing's why).
 */
export function eventSentence(e: ThreadEvent, detail?: string): string {
  const why = detail ? `: ${detail}` : '';
  switch (e.type) {
    case 'assigned': return `${e.actor} assigned the conversation to ${e.assignee}`;
    case 'unassigned': return `${e.actor} unassigned the conversation`;
    case 'status': return `${e.actor} set the status to ${e.status}${e.until ? ` until ${e.until}` : ''}`;
    case 'snooze_ended': return 'Snooze ended: back to open';
    case 'reopened': return `Reopened by a customer message (was ${e.from})`;
    case 'routed': return `Routed to ${e.assignee} by ${e.policy} in team ${e.team}${why}`;
    case 'queued': return `Queued in team ${e.team} at position ${e.position} (${e.policy}${why})`;
    case 'requeued': return `Re-queued: ${e.agent} has been offline for ${seconds(e.offlineMs)}`;
    case 'sla_breached': return `SLA breached: ${SLA_CLOCK[e.clock]} was due ${e.dueAt}`;
    case 'csat': {
      const parts = [`${e.changed ? 'Customer changed their rating' : 'Customer rated the conversation'}: ${e.score}/5 ${STARS(e.score)} (${e.via})`];
      if (e.comment) parts.push(`“${e.comment}”`);
      if (e.nps !== undefined) parts.push(`NPS ${e.nps}/10`);
      if (e.followUp) parts.push(`“${e.followUp}”`);
      return parts.join(' · ');
    }
    case 'merged': return `${e.actor} merged this customer into ${e.into}: resolved`;
    case 'merge_undone': return `${e.actor} undid the customer merge: ${e.status} again`;
    case 'macro': return e.undone ? `${e.actor} undid the macro “${e.name}”` : `${e.actor} applied the macro “${e.name}”`;
    case 'segment_rule': {
      const parts = [e.priority !== undefined ? `priority ${e.priority}` : null, e.team ? `team ${e.team}` : null, e.sla ? 'its SLA policy' : null];
      return `Segment ${e.segment}: ${parts.filter(Boolean).join(', ')}`;
    }
    case 'customer_erased': return `${e.actor} erased the customer's data: resolved`;
  }
}

/** The author id of the out-of-hours reply (a system message): the console names it in the agent's language. */
export const AUTO_REPLY_AUTHOR = 'auto-reply';
