import type { Connection } from 'mongoose';
import { agentModel } from './agents';
import { auditModel } from './audit';
import { cannedModel } from './canned';
import { conversationModel } from './conversations';
import { customerModel } from './customers';
import { identityModel } from './identities';
import { messageModel } from './messages';
import { metricBucketModel, metricMonthModel } from './metric-buckets';
import { metricEventModel } from './metric-events';
import { quarantineModel } from './quarantine';
import { searchPostingModel } from './search-postings';
import { teamModel } from './teams';
import { teamPolicyModel } from './sla';

export { gridFsBlobStore, type BlobStore } from './attachments';
export { connectStore, isDuplicateKey, type Db } from './connection';
export type { IdentityKind } from './identities';
export { idForKey } from './keys';

/** All models of one database connection. */
export function models(db: Connection) {
  return {
    Customer: customerModel(db),
    Identity: identityModel(db),
    Conversation: conversationModel(db),
    Message: messageModel(db),
    Agent: agentModel(db),
    Team: teamModel(db),
    Audit: auditModel(db),
    Canned: cannedModel(db),
    Quarantine: quarantineModel(db),
    MetricEvent: metricEventModel(db),
    MetricBucket: metricBucketModel(db),
    MetricMonth: metricMonthModel(db),
    TeamPolicy: teamPolicyModel(db),
    SearchPosting: searchPostingModel(db),
  };
}
export type Models = ReturnType<typeof models>;

/** Creates the indexes (unique keys are load-bearing: idempotency and race safety depend on them). */
export async function ensureIndexes(db: Connection): Promise<void> {
  await Promise.all(Object.values(models(db)).map((m) => m.init()));
}
