/**
 * The one error base of Kanal. Every error a service, channel or worker raises on purpose is a KanalError: its
 * `code` says what kind of failure it is (the API answers with it, src/http/errors.ts maps it onto an HTTP status),
 * `retryable` whether doing the same thing again later can succeed (workers retry only those), and its message is
 * safe to show the client. Anything else that reaches an edge is an unexpected failure: logged, answered as
 * `internal` without detail.
 */
export const ERROR_CODES = [
  'invalid_input', // the request or message itself is wrong: fixing it is the caller's job
  'unauthenticated', // no valid session or credentials
  'forbidden', // signed in, but not allowed to do this
  'not_found', // the thing named does not exist (or the caller may not know it does)
  'conflict', // clashes with the current state (a duplicate, another open conversation)
  'payload_too_large', // above a configured size limit
  'unprocessable', // well-formed, but cannot be done as asked (unknown template, outside the WhatsApp window)
  'rate_limited', // too many requests: retry after the time given
  'permanent_send_failure', // the provider refused a send in a way retrying cannot fix
  'misconfigured', // the process' configuration is missing or wrong
  'unavailable', // a dependency (Redis, the store, a provider, a WhatsApp session) is down for now
  'internal', // a bug or an unexpected failure
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Failures that can heal by themselves: retried unless the thrower says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['rate_limited', 'unavailable', 'internal']);

export interface KanalErrorOptions {
  /** Overrides the code's default (only `rate_limited`, `unavailable` and `internal` are retryable by default). */
  retryable?: boolean;
  /** Extra facts safe to show the client (the API sends them along); never secrets or stored content. */
  details?: Record<string, unknown>;
  /** The error this one explains (kept for the log, never sent). */
  cause?: unknown;
}

export class KanalError extends Error {
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(readonly code: ErrorCode, message: string, opts: KanalErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.retryable = opts.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    if (opts.details) this.details = opts.details;
  }
}

export const isKanalError = (err: unknown): err is KanalError => err instanceof KanalError;

/**
 * Whether a job that failed with `err` may succeed when run again. Our own errors say so; anything else (a driver
 * or network error, a bug that a deploy fixes) is treated as transient, which is what BullMQ does by default.
 */
export const isRetryable = (err: unknown): boolean => (err instanceof KanalError ? err.retryable : true);

/** What a socket ack carries for a refused event: the same `{ error, code }` as an API error answer. */
export const errorAck = (code: ErrorCode, message: string) => ({ error: message, code });

/** The ack for an event whose handler failed with `err`: our own errors say what happened, anything else says nothing. */
export const errorAckOf = (err: unknown) => (err instanceof KanalError ? { ...err.details, ...errorAck(err.code, err.message) } : errorAck('internal', 'internal error'));
