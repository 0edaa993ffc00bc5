import type { Condition, RuleAction } from '../../domain/automation';

export type { Condition };
/** What evaluation reads of a rule (a stored rule, or an unsaved one in a dry run). */
export interface StoredRuleLike { conditions?: Condition[]; anyOf?: Condition[] }

/**
 * One readable line per condition and action, for the run log and the dry run (English, like the API's other
 * texts; the console shows the structured rule in the admin's language beside it).
 */
export function conditionText(c: Condition): string {
  switch (c.type) {
    case 'channel': return `channel is ${c.in.join(' or ')}`;
    case 'team': return `team is ${c.in.map((t) => t ?? 'none').join(' or ')}`;
    case 'language': return `language is ${c.in.join(' or ')}`;
    case 'segment': return `customer ${c.member ? 'is' : 'is not'} in segment ${c.segmentId}`;
    case 'labels': return `labels: ${c.op === 'any' ? 'has any of' : c.op === 'all' ? 'has all of' : 'has none of'} ${c.labels.join(', ')}`;
    case 'attribute': return `${c.scope} attribute ${c.key} ${c.op.replace('_', ' ')}${c.value === undefined ? '' : ` ${String(c.value)}`}`;
    case 'text': return `message text ${c.op === 'contains' ? 'contains' : 'does not contain'} "${c.value}"`;
    case 'business_hours': return c.inside ? 'inside business hours' : 'outside business hours';
    case 'priority': return `priority ${c.op === 'eq' ? '=' : c.op === 'gte' ? '≥' : '≤'} ${c.value}`;
    case 'status': return `status is ${c.in.join(' or ')}`;
    case 'csat_score': return `CSAT score ${c.op === 'eq' ? '=' : c.op === 'gte' ? '≥' : '≤'} ${c.value}`;
  }
}

export function actionText(a: RuleAction): string {
  switch (a.type) {
    case 'assign_agent': return a.agentId ? `assign to agent ${a.agentId}` : 'unassign';
    case 'assign_team': return a.teamId ? `move to team ${a.teamId}` : 'move to no team';
    case 'add_labels': return `add labels ${a.labels.join(', ')}`;
    case 'remove_labels': return `remove labels ${a.labels.join(', ')}`;
    case 'set_priority': return `set priority ${a.priority}`;
    case 'set_status': return `set status ${a.status}`;
    case 'snooze': return `snooze for ${a.minutes} minutes`;
    case 'send_canned': return `send canned reply ${a.cannedId}`;
    case 'add_note': return `add note "${a.text.slice(0, 80)}"`;
    case 'set_attribute': return `set attribute ${a.key} = ${JSON.stringify(a.value)}`;
    case 'send_webhook': return `send webhook ${a.webhookId}`;
  }
}
