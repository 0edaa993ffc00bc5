import type { Redis } from 'ioredis';
import type { Connection, Model } from 'mongoose';
import { storeOptions } from './connection';
import { maintainEmbeddedStore, refreshEmbeddedStatistics, tuneEmbeddedStore } from './embedded-tuning';
import { agentModel, agentPresenceModel, agentRepo, agentSettingsModel } from './agents';
import { apiTokenModel, apiTokenRepo } from './api-tokens';
import { auditModel, auditRepo } from './audit';
import { cannedModel, cannedRepo } from './canned';
import { macroModel, macroRepo } from './macros';
import { macroRunModel, macroRunRepo } from './macro-runs';
import { notificationModel, notificationRepo, notificationStateModel } from './notifications';
import { automationRuleModel, automationRuleRepo } from './automation-rules';
import { automationRunModel, automationRunRepo } from './automation-runs';
import { labelModel, labelRepo } from './labels';
import { attachInboxIndex, conversationModel, conversationRepo, type StoredConversation } from './conversations';
import { inboxIndex } from './inbox-index';
import { attachThreadCache, threadCache } from './thread-cache';
import { customerModel, customerRepo, onCustomerWritten } from './customers';
import { csatModel, csatRepo } from './csat';
import { attributeDefinitionModel, attributeDefinitionRepo } from './attribute-definitions';
import { segmentModel, segmentRepo } from './segments';
import { customerDirectory, type CustomerDirectory } from './customer-directory';
import { customerHealthStore, type CustomerHealthStore } from './customer-health';
import { onConversationWritten } from './conversations';
import { identityModel, identityRepo } from './identities';
import { messageModel, messageRepo } from './messages';
import { metricBucketModel, metricBucketRepo, metricMonthModel } from './metric-buckets';
import { metricEventModel, metricEventRepo } from './metric-events';
import { quarantineModel, quarantineRepo } from './quarantine';
import { searchPostingModel, searchPostingRepo } from './search-postings';
import { resolvedDayModel, resolvedDayRepo } from './resolved-days';
import { settingModel, settingRepo } from './settings';
import { teamModel, teamRepo } from './teams';
import { teamPolicyModel, teamPolicyRepo } from './sla';
import { webhookModel, webhookRepo } from './webhooks';
import { collections, rememberConnection } from './collections';

export { gridFsBlobStore, type BlobStore } from './attachments';
export { connectStore, isDuplicateKey, STORE_MAX_IN_FLIGHT, type Db, type StoreOptions } from './connection';
export type { IdentityKind, StoredIdentity } from './identities';
export { idForKey } from './keys';
export { attachInboxIndex, dayOf, narrowed, onConversationWritten, type ConversationSla, type StoredConversation } from './conversations';
export { onCustomerWritten, type CustomerListener } from './customers';
export { inboxIndex, type Cursor, type InboxIndex, type ViewFilter } from './inbox-index';
export { attachThreadCache, threadCache, type ThreadCache } from './thread-cache';
export { inParallel } from './parallel';
export { inboundMessageDocument, threadBucket, type StoredMessage } from './messages';
export type { StoredAgent } from './agents';
export { TOKEN_SCOPES, type StoredApiToken, type TokenScope } from './api-tokens';
export type { AuditActor } from './audit';
export type { StoredCanned } from './canned';
export { MACRO_VISIBILITIES, type MacroVisibility, type StoredMacro } from './macros';
export type { StoredMacroRun } from './macro-runs';
export type { NotificationKind, StoredNotification } from './notifications';
export { previousWeek, weekOfNotification } from './notifications';
export type { StoredRule, RuleFields } from './automation-rules';
export { RUN_PAGE, RUN_PAGES_KEPT, type StoredRun } from './automation-runs';
export type { StoredLabel } from './labels';
export type { StoredCsat, CsatStatus } from './csat';
export type { CustomerFields, ImportedCustomer, StoredCustomer } from './customers';
export { customerDirectory, directoryKeys, equalityValue, type CustomerDirectory, type DirectoryQuery } from './customer-directory';
import type { DirectoryCustomer, DirectoryQuery } from './customer-directory';
export { healthDirectoryKeys, type StoredHealth } from './customer-health';
export type { StoredTeam } from './teams';
export type { StoredSegment } from './segments';
export { auditDay, type NewAudit, type StoredAudit } from './audit';
export type { StoredWebhook, WebhookFields } from './webhooks';
export { indexedFields, scanCounters } from './embedded-tuning';

/**
 * The repositories of one database connection: every query and write of every collection (one module per
 * collection in src/store). Models themselves are not handed out (src/store/collections.ts, for tests and tools).
 */
export function models(db: Connection) {
  collections(db); // registers every model, each with its revision guard (revisions.ts), before any repository runs
  const repos = {
    customers: customerRepo(customerModel(db)),
    identities: identityRepo(identityModel(db)),
    // The schema's inferred type has neither `_id` nor `sla` (added by addSlaFields): StoredConversation is the stored document.
    conversations: conversationRepo(conversationModel(db) as unknown as Model<StoredConversation>),
    messages: messageRepo(messageModel(db)),
    agents: agentRepo(agentModel(db), agentPresenceModel(db), agentSettingsModel(db)),
    apiTokens: apiTokenRepo(apiTokenModel(db)),
    teams: teamRepo(teamModel(db)),
    teamPolicies: teamPolicyRepo(teamPolicyModel(db)),
    audit: auditRepo(auditModel(db)),
    canned: cannedRepo(cannedModel(db)),
    macros: macroRepo(macroModel(db)),
    macroRuns: macroRunRepo(macroRunModel(db)),
    notifications: notificationRepo(notificationModel(db), notificationStateModel(db)),
    automationRules: automationRuleRepo(automationRuleModel(db)),
    automationRuns: automationRunRepo(automationRunModel(db)),
    labels: labelRepo(labelModel(db)),
    quarantine: quarantineRepo(quarantineModel(db)),
    metricEvents: metricEventRepo(metricEventModel(db)),
    metricBuckets: metricBucketRepo(metricBucketModel(db), metricMonthModel(db)),
    searchPostings: searchPostingRepo(searchPostingModel(db)),
    settings: settingRepo(settingModel(db)),
    webhooks: webhookRepo(webhookModel(db)),
    csat: csatRepo(csatModel(db)),
    attributeDefinitions: attributeDefinitionRepo(attributeDefinitionModel(db)),
    segments: segmentRepo(segmentModel(db)),
    directory: directoryRepo(db),
    resolvedDays: resolvedDayRepo(resolvedDayModel(db)),
    health: healthRepo(db),
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
  const detachDirectory = attachCustomerDirectory(db, customerDirectory(redis, prefix));
  const health = customerHealthStore(redis, prefix);
  healthOf.set(db, health);
  return () => {
    if (healthOf.get(db) === health) healthOf.delete(db);
    detachDirectory();
    detachCache();
    detachIndex();
  };
}

const directoryOf = new WeakMap<Connection, CustomerDirectory>();
const healthOf = new WeakMap<Connection, CustomerHealthStore>();

/** Customer health facts and states (src/store/customer-health.ts), once attachRedisState ran. */
function healthRepo(db: Connection): CustomerHealthStore {
  const store = () => {
    const found = healthOf.get(db);
    if (!found) throw new Error('customer health is not attached to this store connection (attachRedisState)');
    return found;
  };
  return {
    facts: (ids) => store().facts(ids),
    saveFacts: (byId) => store().saveFacts(byId),
    saveStates: (evals, now) => store().saveStates(evals, now),
    dueBy: (now, limit) => store().dueBy(now, limit),
    allDue: () => store().allDue(),
    states: (ids) => store().states(ids),
    counts: () => store().counts(),
    markActive: (byMonth) => store().markActive(byMonth),
    retention: (before, during) => store().retention(before, during),
    clear: () => store().clear(),
    buildState: () => store().buildState(),
    saveProgress: (p) => store().saveProgress(p),
    markBuilt: (version) => store().markBuilt(version),
    leaseRebuild: (token, ms) => store().leaseRebuild(token, ms),
    releaseRebuild: (token) => store().releaseRebuild(token),
  };
}

/**
 * Keeps the customer directory (src/store/customer-directory.ts) in step with every customer and conversation
 * written through this connection's repositories; returns the detachment.
 */
function attachCustomerDirectory(db: Connection, dir: CustomerDirectory): () => void {
  directoryOf.set(db, dir);
  const offCustomers = onCustomerWritten(db, { written: (doc) => dir.apply(doc), seen: (id, at) => dir.touchLastSeen(String(id), at) });
  const offConversations = onConversationWritten(db, (doc) => dir.conversation(doc));
  return () => {
    offCustomers();
    offConversations();
    if (directoryOf.get(db) === dir) directoryOf.delete(db);
  };
}

/** The customer directory of this connection (pages, stats, rebuild from the store), once attachRedisState ran. */
function directoryRepo(db: Connection) {
  const dir = () => {
    const found = directoryOf.get(db);
    if (!found) throw new Error('the customer directory is not attached to this store connection (attachRedisState)');
    return found;
  };
  const customers = customerRepo(customerModel(db));
  const conversations = conversationRepo(conversationModel(db) as unknown as Model<StoredConversation>);
  return {
    page: (q: DirectoryQuery, offset: number, limit: number) => dir().page(q, offset, limit),
    filterIds: (q: DirectoryQuery, ids: string[]) => dir().filterIds(q, ids),
    count: (q: DirectoryQuery) => dir().count(q),
    passes: (qs: DirectoryQuery[], id: string) => dir().passes(qs, id),
    rows: (ids: string[]) => dir().rows(ids),
    /** Applies a customer read from the store (a page's row the directory lacked). */
    apply: (c: DirectoryCustomer) => dir().apply(c),
    channels: () => dir().channels(),
    size: () => dir().size(),
    /** Builds the directory from the store if this Redis has none (hub start); the number indexed, if it did. */
    ensureBuilt: async (): Promise<number | false> => ((await dir().isBuilt()) ? false : dir().rebuild(customers.allForDirectory(), conversations.all())),
    /** Builds it again from the store (after writes that bypassed the repositories: bulk seeding). */
    rebuild: () => dir().rebuild(customers.allForDirectory(), conversations.all()),
  };
}
