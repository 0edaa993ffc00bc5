import { addressBucket } from './visitor-limits';

/**
 * Refusals for a rate limit answered no sooner than the client could usefully ask again: the answer (a session 429,
 * a refused socket connect) is held for the wait (at most HOLD_MAX_MS) and then says how much of it is left. A widget
 * loses nothing (it could not succeed before then anyway), while a client that asks again the moment it is refused
 * (a flood: 180 session requests a second from 16 loops) can ask only once per hold and connection, instead of
 * costing the hub a request and a wake-up each time. Bounded: past HOLD_PER_ADDRESS held answers of one address, or
 * HOLD_TOTAL on this node, the answer goes at once; a held answer is a timer and an open connection, no more.
 * One per hub node, shared by every kind of request (the address' share is one).
 */
export const HOLD_MAX_MS = 1_000;
export const HOLD_PER_ADDRESS = 32;
export const HOLD_TOTAL = 1_024;

export class RefusalHold {
  private readonly held = new Map<string, number>();
  private total = 0;

  /**
   * Calls `answer` with the wait left (ms) once min(retryAfterMs, HOLD_MAX_MS) has passed, or at once with the whole
   * wait when the client's address or this node already holds its most. A timer that keeps nothing alive: at
   * shutdown the hub's server waits for the held answers (at most HOLD_MAX_MS).
   */
  hold(ip: string, retryAfterMs: number, answer: (retryAfterMs: number) => void): void {
    const address = addressBucket(ip); // an IPv6 /64 is one address, as for the budgets
    const ms = Math.min(retryAfterMs, HOLD_MAX_MS);
    const n = this.held.get(address) ?? 0;
    if (ms <= 0 || n >= HOLD_PER_ADDRESS || this.total >= HOLD_TOTAL) return answer(retryAfterMs);
    this.held.set(address, n + 1);
    this.total++;
    setTimeout(() => {
      const left = (this.held.get(address) ?? 1) - 1;
      if (left > 0) this.held.set(address, left);
      else this.held.delete(address);
      this.total--;
      answer(retryAfterMs - ms);
    }, ms).unref();
  }
}
