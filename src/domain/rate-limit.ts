import { errorAck } from './errors';

/** What a web chat visitor may do a limited number of times per window (each has its own budget). */
export const VISITOR_ACTIONS = ['session', 'connect', 'send', 'history', 'typing', 'receipt', 'contact', 'upload', 'state'] as const;
export type VisitorAction = (typeof VISITOR_ACTIONS)[number];

/** Who is asking: the visitor of a valid widget token (when there is one) and the client address. */
export interface VisitorSubject {
  visitorId?: string;
  ip: string;
}

/** A limiter's answer: go ahead, or wait `retryAfterMs` before the next try counts. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The ack a visitor socket event gets when it is over its limit (the namespace's `{ error }` shape, with a code). */
export const rateLimitedAck = (retryAfterMs: number) => ({ ...errorAck('rate_limited', 'rate limited, slow down'), retryAfterMs });
