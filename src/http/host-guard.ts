import type { RequestHandler } from 'express';
import { isHostName } from '../domain/host-name';

/**
 * A Host header that is not `name[:port]` is refused with 400 before anything reads it: the console's
 * Content-Security-Policy names the host in connect-src, so a Host with spaces or semicolons would write directives
 * of its own.
 */
export const hostGuard: RequestHandler = (req, res, next) => {
  const host = req.headers.host;
  if (host !== undefined && !isHostName(host)) {
    res.status(400).json({ error: 'malformed Host header' });
    return;
  }
  next();
};
