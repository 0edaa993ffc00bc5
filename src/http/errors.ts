import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { errorAck, KanalError, type ErrorCode } from '../domain/errors';

/** The one code → HTTP status table: every error answer of the API takes its status from here. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  misconfigured: 500,
  permanent_send_failure: 502,
  unavailable: 503,
};

/** The code of an error status set by a library (body-parser), for its answer; unknown 4xx are `invalid_input`. */
export function codeOfStatus(status: number): ErrorCode {
  const exact = (Object.keys(HTTP_STATUS) as ErrorCode[]).find((c) => HTTP_STATUS[c] === status);
  return exact ?? (status >= 500 ? 'internal' : 'invalid_input');
}

const describe = (issues: z.core.$ZodIssue[]) =>
  issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

/** The JSON answer of an error: `{ error, code }`, plus the details an error says are safe to show. */
export const errorBody = (code: ErrorCode, message: string, details?: Record<string, unknown>) => ({ ...details, ...errorAck(code, message) });

/** Maps known errors to JSON answers; anything else is a logged 500 that reveals nothing. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const send = (code: ErrorCode, message: string, details?: Record<string, unknown>) => res.status(HTTP_STATUS[code]).json(errorBody(code, message, details));
    if (err instanceof z.ZodError) return send('invalid_input', describe(err.issues), { issues: err.issues });
    if (err instanceof KanalError) {
      // A 5xx of ours is still a failure someone must look at (the store or Redis is down, a bad configuration).
      if (HTTP_STATUS[err.code] >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'API request failed');
      return send(err.code, err.message, err.details);
    }
    // body-parser: malformed JSON, too large, bad charset ... (status set, message meant for clients)
    const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
    if (e.type === 'entity.parse.failed') return send('invalid_input', 'malformed JSON body');
    // The router decodes path parameters; a malformed %-sequence throws before any handler runs.
    if (err instanceof URIError) return send('invalid_input', 'malformed percent-encoding in the path');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      return res.status(e.status).json(errorBody(codeOfStatus(e.status), e.message ?? 'bad request'));
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled API error');
    return send('internal', 'internal error');
  };
}
