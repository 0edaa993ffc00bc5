import type { RequestHandler } from 'express';

/**
 * A Host header that is not `name[:port]` (letters, digits, dots, hyphens, underscores as in container names; or a
 * bracketed IPv6 address) is refused with 400 before anything reads it: the console's Content-Security-Policy names
 * the host in connect-src, so a Host with spaces or semicolons would write directives of its own.
 */
const VALID_HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const hostGuard: RequestHandler = (req, res, next) => {
  const host = req.headers.host;
  if (host !== undefined && !VALID_HOST.test(host)) {
    res.status(400).json({ error: 'malformed Host header' });
    return;
  }
  next();
};
