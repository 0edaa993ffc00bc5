import type { Redis } from 'ioredis';
import type { Connection, Model } from 'mongoose';
import { storeOptions } from './connection';
import { maintainEmbeddedStore, refreshEmbeddedStatistics, tuneEmbeddedStore } from './embedded-tuning';
import { agentModel, agentRepo } from './agents';
import { auditModel, auditRepo } from './audit';
import { cannedModel, cannedRepo } from './canned';
import { attachInboxIndex, conversationModel, conversationRepo, type StoredConversation } from './conversations';
import { inboxIndex } from './inbox-index';
import { attachThreadCache, threadCache } from './thread-cache';
import { customerModel, customerRepo } from './customers';
import { identityModel, identityRepo } from './identities';
import { messageModel, messageRepo } from './messages';
import { metricBucketModel, metricBucketRepo, metricMonthModel } from './metric-buckets';
import { metricEventModel, metricEventRepo } from './metric-events';
import { quarantineModel, quarantineRepo } from './quarantine';
import { searchPostingModel, searchPostingRepo } from './search-postings';
import { teamModel, teamRepo } from './teams';
import { teamPolicyModel, teamPolicyRepo } from './sla';
import { collections, rememberConnection } from './collections';

export { gridFsBlobStore, type BlobStore } from './attachments';
export { connectStore, isDuplicateKey, STORE_MAX_IN_FLIGHT, type Db, type StoreOptions } from './connection';
export type { IdentityKind } from './identities';
export { idForKey } from './keys';
export { attachInboxIndex, onConversationWritten, type ConversationSla, type StoredConversation } from './conversations';
export { inboxIndex, type Cursor, type InboxIndex, type ViewFilter } from './inbox-index';
export { attachThreadCache, threadCache, type ThreadCache } from './thread-cache';
export { inParallel } from './parallel';
export { inboundMessageDocument, threadBucket, type StoredMessage } from './messages';
export type { StoredAgent } from './agents';
export type { StoredCanned } from './canned';
export type { CustomerFields, StoredCustomer } from './customers';
export type { StoredTeam } from './teams';
export { indexedFields, scanCounters } from './embedded-tuning';

/**
 * The repositories of one database connection: every query and write of every collection (one module per
 * collection in src/store). Models themselves are not handed out (src/store/collections.ts, for tests and tools).
 */
export function models(db: Connection) {
  const repos = {
    customers: customerRepo(customerModel(db)),
    identities: identityRepo(identityModel(db)),
    // The schema's inferred type has neither `_id` nor `sla` (added by addSlaFields): StoredConversation is the stored document.
    conversations: conversationRepo(conversationModel(db) as unknown as Model<StoredConversation>),
    messages: messageRepo(messageModel(db)),
    agents: agentRepo(agentModel(db)),
    teams: teamRepo(teamModel(db)),
    teamPolicies: teamPolicyRepo(teamPolicyModel(db)),
    audit: auditRepo(auditModel(db)),
    canned: cannedRepo(cannedModel(db)),
    quarantine: quarantineRepo(quarantineModel(db)),
    metricEvents: metricEventRepo(metricEventModel(db)),
    metricBuckets: metricBucketRepo(metricBucketModel(db), metricMonthModel(db)),
    searchPostings: searchPostingRepo(searchPostingModel(db)),
  };
  rememberConnection(repos, db);
  return repos;
}
export type Models = ReturnType<typeof models>;

/**
 * Creates the indexes (unique keys are load-bearing: idempotency and race safety depend on them) and, on a local
 * FerretDB on PostgreSQL, makes them usable by its pushed-down filters (src/store/embedded-tuning.ts).
 */
export async function ensureIndexes(db: Connection): Promise<void> {
  const all = Object.values(collections(db)) as unknown as Model<never>[];
  await Promise.all(all.map((m) => m.init()));
  const { embeddedPostgresqlUrl } = storeOptions(db);
  if (embeddedPostgresqlUrl) await tuneEmbeddedStore(embeddedPostgresqlUrl, db.name, all);
}

/**
 * On a local FerretDB on PostgreSQL, keeps the planner's statistics fresh every few minutes (its PostgreSQL may run
 * without autovacuum: src/store/embedded-tuning.ts); a no-op on MongoDB. Returns the stop.
 */
export function maintainStore(db: Connection, onError: (err: unknown) => void): () => void {
  const { embeddedPostgresqlUrl } = storeOptions(db);
  return embeddedPostgresqlUrl ? maintainEmbeddedStore(embeddedPostgresqlUrl, db.name, onError) : () => {};
}

/** After writes that bypassed the repositories in bulk (imports, the scale benchmark's seed): fresh statistics. */
export async function refreshStoreStatistics(db: Connection): Promise<void> {
  const { embeddedPostgresqlUrl } = storeOptions(db);
  if (embeddedPostgresqlUrl) await refreshEmbeddedStatistics(embeddedPostgresqlUrl, db.name);
}

/**
 * Attaches what the repositories keep in Redis beside the store (the inbox index, the thread cache) to `db`: every
 * process that writes through these repositories (hub, worker, the WhatsApp session) must, or the views go stale.
 * Returns the detachment.
 */
export function attachRedisState(db: Connection, redis: Redis, prefix: string): () => void {
  const detachIndex = attachInboxIndex(db, inboxIndex(redis, prefix));
  const detachCache = attachThreadCache(db, threadCache(redis, prefix));
  return () => {
    detachCache();
    detachIndex();
  };
}
