import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConflictError } from '../services/conversations/conversations';
import { DuplicateError } from '../services/agents/agents';
import { InboxError } from '../services/conversations/inbox';
import { ReplyError } from '../services/conversations/replies';

/** An error whose message is safe to show the client. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const describe = (issues: z.core.$ZodIssue[]) =>
  issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

/** Maps known errors to JSON answers; anything else is a logged 500 that reveals nothing. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const send = (status: number, body: Record<string, unknown>) => res.status(status).json(body);
    if (err instanceof z.ZodError) return send(400, { error: describe(err.issues), issues: err.issues });
    if (err instanceof HttpError || err instanceof ReplyError || err instanceof InboxError) return send(err.status, { error: err.message });
    if (err instanceof ConflictError || err instanceof DuplicateError) return send(409, { error: err.message });
    // body-parser: malformed JSON, too large, bad charset ... (status set, message meant for clients)
    const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
    if (e.type === 'entity.parse.failed') return send(400, { error: 'malformed JSON body' });
    // The router decodes path parameters; a malformed %-sequence throws before any handler runs.
    if (err instanceof URIError) return send(400, { error: 'malformed percent-encoding in the path' });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) return send(e.status, { error: e.message ?? 'bad request' });
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled API error');
    return send(500, { error: 'internal error' });
  };
}
