import type { Job } from 'bullmq';
import type { RoutingJob } from '../src/queues';
import { requeueOfflineAgent } from '../src/services/routing/presence';
import { drainTeam, routeConversation, type RoutingDeps } from '../src/services/routing/routing';

/** Routing jobs: route one conversation, drain one team's queue, or end an offline agent's grace period. */
export function routingProcessor(d: RoutingDeps) {
  return async (job: Job<RoutingJob>) => {
    const data = job.data;
    if (data.kind === 'route') return routeConversation(d, data.conversationId, data.messageId);
    if (data.kind === 'drain') return drainTeam(d, data.teamId);
    if (data.kind === 'offline') return { requeued: await requeueOfflineAgent(d, data.agentId, data.since) };
    return undefined;
  };
}
