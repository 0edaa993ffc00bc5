import type { Connection } from 'mongoose';
import { agentModel, agentPresenceModel, agentSettingsModel } from './agents';
import { apiTokenModel } from './api-tokens';
import { attributeDefinitionModel } from './attribute-definitions';
import { auditModel } from './audit';
import { cannedModel } from './canned';
import { macroModel } from './macros';
import { macroRunModel } from './macro-runs';
import { notificationModel, notificationStateModel } from './notifications';
import { automationRuleModel } from './automation-rules';
import { automationRunModel } from './automation-runs';
import { conversationModel } from './conversations';
import { customerModel } from './customers';
import { csatModel } from './csat';
import { identityModel } from './identities';
import { labelModel } from './labels';
import { messageModel } from './messages';
import { metricBucketModel, metricMonthModel } from './metric-buckets';
import { metricEventModel } from './metric-events';
import { quarantineModel } from './quarantine';
import { searchPostingModel } from './search-postings';
import { resolvedDayModel } from './resolved-days';
import { segmentModel } from './segments';
import { settingModel } from './settings';
import { teamPolicyModel } from './sla';
import { teamModel } from './teams';
import { threadWeekModel } from './thread-weeks';
import { webhookModel } from './webhooks';
import type { Models } from './index';
import { guardRevisions } from './revisions';

/**
 * Every mongoose model of a connection: for the store layer itself (index creation, tuning), and for tests,
 * benchmarks and maintenance scripts that inspect or bulk-load documents. Services never see these: they get
 * `models(db)`, repositories only, and `npm run check:deps` refuses this module outside src/store.
 */
export function collections(db: Connection) {
  const all = {
    Customer: customerModel(db),
    Identity: identityModel(db),
    Conversation: conversationModel(db),
    Message: messageModel(db),
    ThreadWeek: threadWeekModel(db),
    Agent: agentModel(db),
    AgentPresence: agentPresenceModel(db),
    AgentSettings: agentSettingsModel(db),
    ApiToken: apiTokenModel(db),
    Team: teamModel(db),
    TeamPolicy: teamPolicyModel(db),
    Audit: auditModel(db),
    Canned: cannedModel(db),
    Macro: macroModel(db),
    MacroRun: macroRunModel(db),
    Notification: notificationModel(db),
    NotificationState: notificationStateModel(db),
    AutomationRule: automationRuleModel(db),
    AutomationRun: automationRunModel(db),
    Label: labelModel(db),
    Quarantine: quarantineModel(db),
    MetricEvent: metricEventModel(db),
    MetricBucket: metricBucketModel(db),
    MetricMonth: metricMonthModel(db),
    SearchPosting: searchPostingModel(db),
    Setting: settingModel(db),
    Webhook: webhookModel(db),
    Csat: csatModel(db),
    AttributeDefinition: attributeDefinitionModel(db),
    ResolvedDay: resolvedDayModel(db),
    Segment: segmentModel(db),
  };
  // Every update of every collection is a compare-and-set on the document's revision (revisions.ts).
  for (const model of Object.values(all)) guardRevisions(model as never);
  return all;
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
