import type { Socket } from 'socket.io';
import type { HubDeps } from '../deps';
import { agentOfSession, cookieFromHeader, sessionForToken, SESSION_COOKIE } from '../http/session';
import type { AgentView } from '../services/agents/agents';
import { errorAck } from '../domain/errors';

/** Namespace middleware: a JWT in `auth.token` or the session cookie; anything else is refused as 'unauthorized'. */
export function socketAuth(deps: Pick<HubDeps, 'config' | 'models' | 'redis' | 'logger'>) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const explicit = typeof fromAuth === 'string' && fromAuth ? fromAuth : undefined;
    // The cookie rides along with any page's request: only our own pages may use it (cross-site WebSocket hijacking).
    // A token in auth.token is not ambient, so API clients from anywhere keep working.
    if (!explicit && !sameSite(socket.handshake.headers, deps.config.PUBLIC_URL)) return next(new Error('cross-site connection refused'));
    const token = explicit ?? cookieFromHeader(socket.handshake.headers.cookie, SESSION_COOKIE);
    sessionForToken(deps, token).then(
      (signedIn) => {
        if (!signedIn) return next(new Error('unauthorized'));
        socket.data.agent = signedIn.agent;
        socket.data.sessionId = signedIn.sessionId;
        next();
      },
      (err: unknown) => {
        deps.logger.error({ err }, 'socket auth failed');
        next(new Error('unauthorized'));
      },
    );
  };
}

/**
 * Every event of a signed-in socket checks that its session is still open and its agent active (one Redis GET):
 * ending a session also closes its sockets through the adapter, and this refuses the events of a socket that
 * close missed. A refused event is acked `{error: 'session ended', code: 'unauthenticated'}` and the socket is disconnected. Call it after
 * the socket joined its session's room.
 */
export function guardSocketEvents(socket: Socket, deps: Pick<HubDeps, 'config' | 'models' | 'redis' | 'logger'>): void {
  const agent = socket.data.agent as AgentView;
  const sessionId = socket.data.sessionId as string;
  // Once now too: a session ended between the handshake and joining its room missed its close.
  agentOfSession(deps, sessionId, agent.id).then((active) => { if (!active) socket.disconnect(true); }, () => undefined);
  socket.use((packet, next) => {
    const last = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as (res: unknown) => void) : () => {};
    agentOfSession(deps, sessionId, agent.id).then(
      (active) => {
        if (active) {
          socket.data.agent = active; // as stored (cached a few seconds): the handlers check access with it
          return next();
        }
        ack(errorAck('unauthenticated', 'session ended'));
        socket.disconnect(true);
      },
      (err: unknown) => {
        // Not next(err): Socket.IO would emit it as an 'error' event on the socket, which nothing handles.
        deps.logger.warn({ err, agentId: agent.id }, 'socket session check failed');
        ack(errorAck('unavailable', 'temporarily unavailable, retry'));
      },
    );
  });
}

/**
 * Whether a handshake comes from one of our pages: no Origin (not a browser page: browsers send it on every
 * WebSocket and cross-origin request), or an Origin equal to the hub's own (its Host) or to PUBLIC_URL's.
 */
function sameSite(headers: Record<string, string | string[] | undefined>, publicUrl: string | undefined): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string' || !URL.canParse(origin)) return false;
  const host = new URL(origin).host;
  return host === headers.host || (publicUrl !== undefined && host === new URL(publicUrl).host);
}
