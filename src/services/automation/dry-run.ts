import { type DryRunMatch, type RuleInput } from '../../domain/automation';
import type { Models } from '../../store';
import { conversationCustomers, withCustomer } from '../conversations/customer-names';
import { evaluateRule } from './conditions';
import { actionText } from './describe';
import { Facts } from './facts';
import { RecentEvents } from './recent-events';
import type { Redis } from 'ioredis';

/**
 * Evaluates a rule (saved or not) against the last `limit` events of its trigger from the recent-events log, on the
 * conversations as they are now, and says what it would have done. Reads only: no run record, no action.
 */
export async function dryRun(d: { models: Models; redis: Redis; prefix: string }, rule: RuleInput, limit: number): Promise<{ evaluated: number; matches: DryRunMatch[] }> {
  const events = (await new RecentEvents(d.redis, d.prefix).list(limit)).filter((e) => e.type === rule.event);
  const wouldDo = rule.actions.map(actionText);
  const matches: DryRunMatch[] = [];
  for (const event of events) {
    const verdict = await evaluateRule(rule, new Facts(d.models, event));
    matches.push({ event, matched: verdict.matched, reasons: verdict.reasons, failed: verdict.failed, wouldDo: verdict.matched ? wouldDo : [] });
  }
  const customers = await conversationCustomers(d.models, matches.map((x) => x.event.conversationId));
  return { evaluated: events.length, matches: matches.map((x) => withCustomer(x, customers.get(x.event.conversationId))) };
}
