import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { HubDeps } from '../deps';
import { errorAck, errorAckOf, KanalError } from '../domain/errors';

type Ack = (res: unknown) => void;

/**
 * Registers a client event whose payload is validated; bad input and failures are acked as `{error, code}` and never
 * thrown (a throwing listener would be an unhandled rejection in the process).
 */
export function onEvent<S extends z.ZodType>(socket: Socket, deps: Pick<HubDeps, 'logger'>, event: string, schema: S, run: (input: z.output<S>) => Promise<unknown>) {
  socket.on(event, (payload: unknown, maybeAck?: unknown) => {
    const ack: Ack = typeof maybeAck === 'function' ? (maybeAck as Ack) : () => {};
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return ack(errorAck('invalid_input', parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')));
    run(parsed.data).then(
      (res) => ack(res ?? { ok: true }),
      (err: unknown) => {
        // A refusal of ours is an answer, not a failure; anything else is a bug or an outage to look at.
        if (!(err instanceof KanalError) || err.retryable) deps.logger.error({ err, event }, 'agent socket handler failed');
        ack(errorAckOf(err));
      },
    );
  });
}
