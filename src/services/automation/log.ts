import { Types } from 'mongoose';
import type { RunView } from '../../domain/automation';
import { KanalError } from '../../domain/errors';
import { RUN_PAGE, type Models, type StoredRun } from '../../store';
import type { Redis } from 'ioredis';
import { conversationCustomers, withCustomer } from '../conversations/customer-names';

const toRunView = (r: StoredRun): RunView => ({
  id: String(r._id), ruleId: r.ruleId, ruleName: r.ruleName ?? '', eventId: r.eventId, eventType: r.eventType, conversationId: r.conversationId ?? '',
  at: r.at.toISOString(), status: r.status, matched: r.matched ?? [], conditions: r.conditions ?? [], actions: r.actions ?? [], depth: r.depth ?? 0, ...(r.note ? { note: r.note } : {}),
});

/**
 * A rule's log, newest first, a bucket of RUN_PAGE runs per page (src/store/automation-runs.ts): the first page is
 * the bucket of the rule's latest run number; `next` names the older one (null at the start of the log).
 */
export async function ruleLog(d: { models: Models; redis: Redis; prefix: string }, ruleId: string, page?: number): Promise<{ runs: RunView[]; next: number | null }> {
  if (!(await d.models.automationRules.byId(new Types.ObjectId(ruleId)))) throw new KanalError('not_found', 'rule not found');
  const latest = Number((await d.redis.get(`${d.prefix}:automation:seq:${ruleId}`)) ?? 0);
  const bucket = page ?? Math.floor(latest / RUN_PAGE);
  const runs = await d.models.automationRuns.page(ruleId, bucket);
  const customers = await conversationCustomers(d.models, runs.flatMap((r) => (r.conversationId ? [r.conversationId] : [])));
  return { runs: runs.map((r) => withCustomer(toRunView(r), customers.get(r.conversationId ?? ''))), next: bucket > 0 ? bucket - 1 : null };
}
