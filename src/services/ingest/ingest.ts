import type { Logger } from 'pino';
import type { InboundMessage } from '../../domain/messages';
import type { Models } from '../../store';
import type { EventPublisher } from '../events';
import { ingestMessages, type IngestResult } from './inbound-writes';
import type { SenderCache } from './sender-cache';

// The entry points of the one inbound write path (src/services/ingest/inbound-writes.ts).
export { messageIdFor, type IngestResult } from './inbound-writes';
export { SenderCache } from './sender-cache';

/** Stores one inbound message (idempotent: a redelivery returns the stored one as a duplicate). */
export async function ingest(m: Models, events: EventPublisher | null, msg: InboundMessage): Promise<IngestResult> {
  const [result] = await ingestMessages(m, events, [msg], { alone: true });
  if (result instanceof Error) throw result;
  return result!;
}

/** Stores many inbound messages with one outcome each: a result, or the error that message alone failed with. */
export function ingestBatchSettled(m: Models, events: EventPublisher | null, messages: InboundMessage[], receivedAt?: Date[], cache?: SenderCache, logger?: Pick<Logger, 'warn'>): Promise<(IngestResult | Error)[]> {
  return ingestMessages(m, events, messages, { receivedAt, cache, logger });
}

/** ingestBatchSettled that throws the first failure. */
export async function ingestBatch(m: Models, events: EventPublisher | null, messages: InboundMessage[]): Promise<IngestResult[]> {
  const results = await ingestBatchSettled(m, events, messages);
  const failure = results.find((r): r is Error => r instanceof Error);
  if (failure) throw failure;
  return results as IngestResult[];
}
