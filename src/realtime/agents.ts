import type { Namespace } from 'socket.io';
import type { HubDeps } from '../deps';
import { Rooms } from '../domain/events';
import type { AgentView } from '../services/agents/agents';
import { socketAuth } from './auth';
import { registerAgentHandlers } from './handlers';
import { registerPresenceHandlers } from './presence';

/**
 * The '/agents' namespace: only signed-in agents; each socket joins its own room, the inbox and its teams' rooms,
 * where services publish through deps.events (AgentEvents).
 */
export function attachAgentNamespace(ns: Namespace, deps: HubDeps): void {
  ns.use(socketAuth(deps));
  ns.on('connection', (socket) => {
    const agent = socket.data.agent as AgentView;
    void socket.join([Rooms.agent(agent.id), Rooms.inbox, ...agent.teamIds.map(Rooms.team), ...(agent.role === 'admin' ? [Rooms.admins] : [])]);
    if (agent.role === 'supervisor' || agent.role === 'admin') void socket.join(Rooms.supervisors);
    registerAgentHandlers(socket, deps);
    registerPresenceHandlers(ns, socket, deps);
  });
}
