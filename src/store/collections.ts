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
import { teamPolicyModel } from './sla';
import { teamModel } from './teams';
import { threadWeekModel } from './thread-weeks';
import type { Models } from './index';

/**
 * Every mongoose model of a connection: for the store layer itself (index creation, tuning), and for tests,
 * benchmarks and maintenance scripts that inspect or bulk-load documents. Services never see these: they get
 * `models(db)`, repositories only, and `npm run check:deps` refuses this module outside src/store.
 */
export function collections(db: Connection) {
  return {
    Customer: customerModel(db),
    Identity: identityModel(db),
    Conversation: conversationModel(db),
    Message: messageModel(db),
    ThreadWeek: threadWeekModel(db),
    Agent: agentModel(db),
    Team: teamModel(db),
    TeamPolicy: teamPolicyModel(db),
    Audit: auditModel(db),
    Canned: cannedModel(db),
    Quarantine: quarantineModel(db),
    MetricEvent: metricEventModel(db),
    MetricBucket: metricBucketModel(db),
    MetricMonth: metricMonthModel(db),
    SearchPosting: searchPostingModel(db),
  };
}

const connectionOf = new WeakMap<object, Connection>();
/** Remembers which connection a `models(db)` came from (see collectionsOf). */
export function rememberConnection(m: object, db: Connection): void {
  connectionOf.set(m, db);
}
/** The models of the connection behind a `models(db)` (tests and benchmarks that hold only the repositories). */
export function collectionsOf(m: Models) {
  const db = connectionOf.get(m);
  if (!db) throw new Error('these repositories were not made by models(db)');
  return collections(db);
}
