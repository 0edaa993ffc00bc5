import type { Namespace } from 'socket.io';
import type { HubDeps } from '../deps';

// Placeholder replaced by the agent realtime work (authenticated namespace, rooms, typing).
export function attachAgentNamespace(ns: Namespace, _deps: HubDeps): void {
  ns.use((_socket, next) => next(new Error('unauthorized')));
}
