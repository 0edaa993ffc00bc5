import type { Connection, Model } from 'mongoose';
import { storeOptions } from './connection';
import { tuneEmbeddedStore } from './embedded-tuning';
import { agentModel, agentRepo } from './agents';
import { auditModel, auditRepo, type AuditDoc } from './audit';
import { cannedModel, cannedRepo } from './canned';
import { conversationModel, conversationRepo, type ConversationDoc } from './conversations';
import { customerModel, customerRepo, type CustomerDoc } from './customers';
import { identityModel, identityRepo, type IdentityDoc } from './identities';
import { messageModel, messageRepo, type MessageDoc } from './messages';
import { metricBucketModel, metricBucketRepo, metricMonthModel } from './metric-buckets';
import { metricEventModel, metricEventRepo, type MetricEventDoc } from './metric-events';
import { quarantineModel, quarantineRepo, type QuarantineDoc } from './quarantine';
import { searchPostingModel, searchPostingRepo } from './search-postings';
import { teamModel, teamRepo } from './teams';
import { teamPolicyModel, teamPolicyRepo } from './sla';
import { threadWeekModel } from './thread-weeks';

export { gridFsBlobStore, type BlobStore } from './attachments';
export { connectStore, isDuplicateKey, STORE_MAX_IN_FLIGHT, type Db, type StoreOptions } from './connection';
export type { IdentityKind } from './identities';
export { idForKey } from './keys';
export { attachInboxIndex, onConversationWritten, type ConversationDoc, type ConversationRepo } from './conversations';
export { inboxIndex, type Cursor, type InboxIndex, type ViewFilter } from './inbox-index';
export { inParallel } from './parallel';
export { inboundMessageDocument, threadBucket, type MessageRecord } from './messages';
export type { CustomerRecord } from './customers';
export { indexedFields, scanCounters } from './embedded-tuning';

/** All models of one database connection. */
export function models(db: Connection) {
  return {
    Customer: customerModel(db),
    customers: customerRepo(customerModel(db) as unknown as Model<CustomerDoc>),
    Identity: identityModel(db),
    identities: identityRepo(identityModel(db) as unknown as Model<IdentityDoc>),
    conversations: conversationRepo(conversationModel(db) as unknown as Model<ConversationDoc>),
    Message: messageModel(db),
    messages: messageRepo(messageModel(db) as unknown as Model<MessageDoc>),
    Agent: agentModel(db),
    agents: agentRepo(agentModel(db)),
    Team: teamModel(db),
    teams: teamRepo(teamModel(db)),
    Audit: auditModel(db),
    audit: auditRepo(auditModel(db) as unknown as Model<AuditDoc>),
    Canned: cannedModel(db),
    canned: cannedRepo(cannedModel(db)),
    Quarantine: quarantineModel(db),
    quarantine: quarantineRepo(quarantineModel(db) as unknown as Model<QuarantineDoc>),
    MetricEvent: metricEventModel(db),
    metricEvents: metricEventRepo(metricEventModel(db) as unknown as Model<MetricEventDoc>),
    MetricBucket: metricBucketModel(db),
    MetricMonth: metricMonthModel(db),
    metricBuckets: metricBucketRepo(metricBucketModel(db), metricMonthModel(db)),
    TeamPolicy: teamPolicyModel(db),
    teamPolicies: teamPolicyRepo(teamPolicyModel(db)),
    SearchPosting: searchPostingModel(db),
    searchPostings: searchPostingRepo(searchPostingModel(db)),
  };
}
export type Models = ReturnType<typeof models>;

/**
 * Creates the indexes (unique keys are load-bearing: idempotency and race safety depend on them) and, on a local
 * FerretDB on PostgreSQL, makes them usable by its pushed-down filters (src/store/embedded-tuning.ts).
 */
export async function ensureIndexes(db: Connection): Promise<void> {
  const all = [...Object.values(models(db)).filter((m) => typeof m === 'function'), conversationModel(db), threadWeekModel(db)] as unknown as Model<never>[];
  await Promise.all(all.map((m) => m.init()));
  const { embeddedPostgresqlUrl } = storeOptions(db);
  if (embeddedPostgresqlUrl) await tuneEmbeddedStore(embeddedPostgresqlUrl, db.name, all);
}
