import type { Namespace } from 'socket.io';
import type { HubDeps } from '../deps';
import { Rooms } from '../domain/events';
import type { AgentView } from '../services/agents/agents';
import { accessMode, joinAccessRooms, onAccessChanged } from './access';
import { guardSocketEvents, socketAuth } from './auth';
import { registerAgentHandlers } from './handlers';
import { registerPresenceHandlers } from './presence';

/**
 * The '/agents' namespace: only signed-in agents, every event checked against the session; each socket joins its
 * own room, its session's room and the rooms its team access grants (src/realtime/access.ts), where services
 * publish through deps.events (AgentEvents).
 */
export function attachAgentNamespace(ns: Namespace, deps: HubDeps): void {
  ns.use(socketAuth(deps));
  ns.use(accessMode(deps));
  onAccessChanged(ns, deps);
  ns.on('connection', (socket) => {
    // The session's own room: ending the session closes exactly its sockets, on every node.
    void socket.join(Rooms.session(socket.data.sessionId as string));
    joinAccessRooms(socket, deps);
    guardSocketEvents(socket, deps);
    registerAgentHandlers(socket, deps);
    registerPresenceHandlers(ns, socket, deps);
  });
}
