import type { HubDeps } from '../deps';
import type { AgentView } from '../services/agents/agents';
import { checkAttachment, checkAuditEntry, checkCustomer, checkMessage, visibleConversation } from '../services/access/resources';

/**
 * What a route's path parameter names, checked against the agent's team access (src/services/access) before its
 * handler runs: `:id` of a conversation, customer, message or audit entry, `:key` of an attachment. `none`: the
 * route names no such resource (lists filter what they return themselves; admin and supervisor routes see all).
 * Every route declares one (RouteDef.resource), and tests/integration/team-access.test.ts checks the declarations
 * against the app's routes.
 */
export type Resource = 'conversation' | 'customer' | 'message' | 'audit' | 'attachment' | 'none';

export async function checkResource(deps: Pick<HubDeps, 'models' | 'blobs'>, agent: AgentView, resource: Resource, params: Record<string, string>): Promise<void> {
  const m = deps.models;
  switch (resource) {
    case 'none': return;
    case 'conversation': await visibleConversation(m, agent, params.id!); return;
    case 'customer': await checkCustomer(m, agent, params.id!); return;
    case 'message': await checkMessage(m, agent, params.id!); return;
    case 'audit': await checkAuditEntry(m, agent, params.id!); return;
    case 'attachment': await checkAttachment(m, deps.blobs, agent, params.key!); return;
  }
}
