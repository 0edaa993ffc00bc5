import type { Namespace, Socket } from 'socket.io';
import type { HubDeps } from '../deps';
import { Rooms } from '../domain/events';
import { canSeeConversation, seesEverything, teamAccessMode, type TeamAccessMode } from '../services/access';
import { findActiveAgent, type AgentView } from '../services/agents/agents';
import { forgetAgent } from '../http/session';
import { ACCESS_CHANGED } from '../services/events';
import { trackViewer } from './presence';
import { announceViewers } from './viewers';

/**
 * Which rooms an agent's sockets are in follows their team access (src/services/access): events go to the rooms of
 * the agents who may see a conversation (src/services/events.ts roomsSeeing), so room membership is the realtime
 * side of the same rule. Decided at connection, and again on every node when the mode or an agent's teams change.
 */

/** The rooms an agent's socket belongs in under `mode` (conversation rooms aside: joined on request, if visible). */
export function accessRooms(agent: AgentView, mode: TeamAccessMode): string[] {
  return [
    Rooms.agent(agent.id), Rooms.agents, Rooms.queue, ...agent.teamIds.map(Rooms.team),
    ...(seesEverything(agent, mode) ? [Rooms.inbox] : []),
    ...(agent.role === 'admin' ? [Rooms.admins] : []),
    ...(agent.role === 'supervisor' || agent.role === 'admin' ? [Rooms.supervisors] : []),
  ];
}

/** Namespace middleware (after auth): the mode the connection's rooms are decided with. */
export function accessMode(deps: Pick<HubDeps, 'models' | 'logger'>) {
  return (socket: Socket, next: (err?: Error) => void) => {
    teamAccessMode(deps.models, { fresh: true }).then(
      (mode) => {
        socket.data.accessMode = mode;
        next();
      },
      (err: unknown) => {
        deps.logger.error({ err }, 'socket access mode read failed');
        next(new Error('internal error'));
      },
    );
  };
}

/**
 * Joins a new socket's rooms (synchronously, so events published right after the connection reach it), then reads
 * the mode again: a change that landed meanwhile (its re-sync may have run before this join) is applied here.
 */
export function joinAccessRooms(socket: Socket, deps: HubDeps): void {
  const agent = socket.data.agent as AgentView;
  const mode = socket.data.accessMode as TeamAccessMode;
  void socket.join(accessRooms(agent, mode));
  void teamAccessMode(deps.models, { fresh: true })
    .then((now) => (now === mode ? undefined : syncRooms(socket, deps)))
    .catch((err: unknown) => deps.logger.warn({ err, agentId: agent.id }, 'socket access re-check failed'));
}

const conversationRoom = /^conversation:([0-9a-f]{24})$/;
const grantRoom = (room: string) => room === Rooms.inbox || room === Rooms.queue || room.startsWith('team:');

/**
 * Re-decides a socket's rooms from the agent as stored now and the mode: joins what they grant, leaves the rest,
 * and leaves the conversations the agent may no longer see. A disabled or deleted agent keeps no access room.
 */
export async function syncRooms(socket: Socket, deps: HubDeps): Promise<void> {
  const before = socket.data.agent as AgentView;
  const [agent, mode] = await Promise.all([findActiveAgent(deps.models, before.id), teamAccessMode(deps.models, { fresh: true })]);
  const want = new Set(agent ? accessRooms(agent, mode) : []);
  if (agent) socket.data.agent = agent;
  for (const room of [...socket.rooms]) {
    if (grantRoom(room) && !want.has(room)) await socket.leave(room);
    const id = conversationRoom.exec(room)?.[1];
    if (!id) continue;
    const c = agent ? await deps.models.conversations.byId(id) : null;
    if (c && canSeeConversation(agent!, c, mode)) continue;
    await socket.leave(room);
    await trackViewer(deps, before.id, id, false);
    await announceViewers(socket.nsp, deps, id);
  }
  await socket.join([...want]);
}

/** Every node re-syncs its own sockets (of one agent, or all) when told that access changed (EventPublisher.accessChanged). */
export function onAccessChanged(ns: Namespace, deps: HubDeps): void {
  ns.on(ACCESS_CHANGED, (agentId: unknown) => {
    // This node's cached copy of the agent (http/session.ts) goes too: REST and socket events read it anew.
    if (typeof agentId === 'string') forgetAgent(deps, agentId);
    for (const socket of ns.sockets.values()) {
      const agent = socket.data.agent as AgentView | undefined;
      if (!agent || (typeof agentId === 'string' && agent.id !== agentId)) continue;
      void syncRooms(socket, deps).catch((err: unknown) => deps.logger.warn({ err, agentId: agent.id }, 'socket room re-sync failed'));
    }
  });
}

/**
 * The conversation, if the socket's agent may see it; null otherwise (or when it does not exist). The agent is the
 * one the session guard (auth.ts) just read for this event: no second read of it per event.
 */
export async function conversationFor(socket: Socket, deps: HubDeps, id: string) {
  const agent = socket.data.agent as AgentView;
  const [c, mode] = await Promise.all([deps.models.conversations.byId(id), teamAccessMode(deps.models)]);
  return c && canSeeConversation(agent, c, mode) ? c : null;
}
