import type { Socket } from 'socket.io';
import type { HubDeps } from '../deps';
import { agentForToken, cookieFromHeader, SESSION_COOKIE } from '../http/session';

/** Namespace middleware: a JWT in `auth.token` or the session cookie; anything else is refused as 'unauthorized'. */
export function socketAuth(deps: Pick<HubDeps, 'config' | 'models' | 'logger'>) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof fromAuth === 'string' && fromAuth ? fromAuth : cookieFromHeader(socket.handshake.headers.cookie, SESSION_COOKIE);
    agentForToken(deps, token).then(
      (agent) => {
        if (!agent) return next(new Error('unauthorized'));
        socket.data.agent = agent;
        next();
      },
      (err: unknown) => {
        deps.logger.error({ err }, 'socket auth failed');
        next(new Error('unauthorized'));
      },
    );
  };
}
