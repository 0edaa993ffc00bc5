import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { QueueSet } from './queues';
import type { EventPublisher } from './services/events';
import type { BlobStore, Db, Models } from './store';

/** What routes, socket handlers and workers of one process share. Built once in hub.ts. */
export interface HubDeps {
  config: Config;
  logger: Logger;
  db: Db;
  models: Models;
  redis: Redis;
  queues: QueueSet;
  events: EventPublisher;
  /** Attachment bytes (GridFS). */
  blobs: BlobStore;
}
