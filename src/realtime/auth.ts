import type { Socket } from 'socket.io';
import type { HubDeps } from '../deps';
import { agentForToken, cookieFromHeader, SESSION_COOKIE } from '../http/session';

/** Namespace middleware: a JWT in `auth.token` or the session cookie; anything else is refused as 'unauthorized'. */
export function socketAuth(deps: Pick<HubDeps, 'config' | 'models' | 'logger'>) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const explicit = typeof fromAuth === 'string' && fromAuth ? fromAuth : undefined;
    // The cookie rides along with any page's request: only our own pages may use it (cross-site WebSocket hijacking).
    // A token in auth.token is not ambient, so API clients from anywhere keep working.
    if (!explicit && !sameSite(socket.handshake.headers, deps.config.PUBLIC_URL)) return next(new Error('cross-site connection refused'));
    const token = explicit ?? cookieFromHeader(socket.handshake.headers.cookie, SESSION_COOKIE);
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
