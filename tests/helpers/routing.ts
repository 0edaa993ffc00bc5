import type { Hub } from '../../src/hub';
import { createAgent } from '../../src/services/agents/agents';
import { setPresence } from '../../src/services/routing/presence';
import { routingDeps } from '../../src/services/routing/routing';
import { waitFor } from './process';
import { drained } from './queues';
import { conversationModel } from '../../src/store/conversations';

/** True once the routing queue has nothing waiting or running (delayed offline-grace jobs do not count). */
export async function routingIdle(hub: Hub): Promise<boolean> {
  const c = await hub.deps.queues.routing.getJobCounts('waiting', 'active', 'prioritized', 'paused');
  return Object.values(c).every((n) => n === 0);
}

/**
 * Waits for the routing queue to go idle and stay idle across a second look (drains enqueue drains). Inbound jobs
 * first: a route job is enqueued at the end of its message's inbound job (after segments and SLA clocks), so a
 * routing queue looked at before then is idle too early.
 */
export async function settleRouting(hub: Hub, ms = 30_000): Promise<void> {
  await drained([hub.deps.queues.inbound], ms);
  await waitFor(async () => (await routingIdle(hub)) && (await new Promise((r) => setTimeout(r, 100))) === undefined && (await routingIdle(hub)), ms, 'routing to settle');
}

/** An online agent of a team, created through the service (sign-in is not what these tests are about). */
export async function onlineAgent(hub: Hub, name: string, teamId: string, profile: { capacity?: number; languages?: string[] } = {}) {
  const agent = await createAgent(hub.deps.models, {
    email: `${name.toLowerCase()}-${teamId.slice(-6)}@kanal.test`, name, password: 'doğru-parola-123', role: 'agent', teamIds: [teamId], ...profile,
  });
  await setPresence(routingDeps(hub.deps), agent.id, 'online');
  return agent;
}

/** Unresolved conversations per assignee, read from the store. */
export async function loadsInStore(hub: Hub): Promise<Map<string, number>> {
  const open = await conversationModel(hub.deps.db).find({ assigneeId: { $ne: null }, status: { $ne: 'resolved' } }, { assigneeId: 1 }).lean();
  const out = new Map<string, number>();
  for (const c of open) out.set(String(c.assigneeId), (out.get(String(c.assigneeId)) ?? 0) + 1);
  return out;
}
