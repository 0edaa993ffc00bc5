import { Types } from 'mongoose';
import { KanalError } from '../../domain/errors';
import { fallbackChannel, type Channel } from '../../domain/channels';
import { CHANGE_WINDOW_MS, DEFAULT_CSAT_SETTINGS, SURVEY_VALID_MS, type CsatAnswer } from '../../domain/csat';
import type { QueueSet, SlaJob } from '../../queues';
import { isDuplicateKey, type Models, type StoredCsat } from '../../store';
import { toConversationView, toMessageView } from '../conversations/views';
import { recordEvent } from '../conversations/replies';
import { enqueueOutbound } from '../delivery/outbound-queue';
import type { EventPublisher } from '../events';
import { identityKindOf } from '../identity/identity';
import { recordMetricEvent } from '../metrics/metrics';
import { effectiveSettings } from '../sla/sla-settings';
import { csatWiring } from './csat-wiring';
import { planSurveyMessage } from './survey-senders';
import { signSurveyToken, surveyUrl } from './survey-link';

/**
 * Satisfaction surveys (docs/csat.md). A resolve schedules the conversation's survey (one per conversation: the
 * `csat` document's `_id` is the conversation id) as a delayed job on the `sla` queue (the conversation timers);
 * the job sends it through the ordinary outbound path on the channel the customer last used and schedules the one
 * reminder as another delayed job. Answers come from the survey page (email, web chat widget) or a phone reply
 * (csat-replies.ts), can be changed for 24 hours, and land in the thread, on the profile and in the metric facts.
 */
export interface CsatContext {
  models: Models;
  events: EventPublisher | null;
  queues: Pick<QueueSet, 'sla' | 'outbound'>;
  now?: () => Date;
}

/** A survey answer that cannot be taken; `status` is what the survey page answers (410 for an expired link). */
export class CsatError extends KanalError {
  constructor(message: string, readonly status: 404 | 409 | 410) {
    super(status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'unprocessable', message);
  }
}

export const csatJobId = (kind: 'ask' | 'reminder', conversationId: string) => `csat_${kind}_${conversationId}`;

/**
 * After a conversation was resolved: schedules its survey unless the team turned surveys off, the conversation had
 * one already, or the customer was asked within the team's `frequencyDays`. Returns why nothing was scheduled.
 */
export async function scheduleSurvey(ctx: CsatContext, conversationId: string): Promise<{ scheduled: boolean; reason?: string }> {
  const m = ctx.models;
  const now = (ctx.now ?? (() => new Date()))();
  const c = await m.conversations.byId(conversationId);
  if (!c || c.status !== 'resolved') return { scheduled: false, reason: 'not resolved' };
  const settings = (await effectiveSettings(m, c.teamId)).csat ?? DEFAULT_CSAT_SETTINGS;
  if (!settings.enabled) return { scheduled: false, reason: 'surveys are off for this team' };
  if (settings.frequencyDays > 0) {
    const since = now.getTime() - settings.frequencyDays * 24 * 3600 * 1000;
    // A customer has a few surveys in all (one per resolved conversation at most): read them, check in code.
    const recent = (await m.csat.ofCustomer(c.customerId)).some((s) => s.status !== 'unsent' && (s.askedAt ?? s.scheduledAt).getTime() >= since);
    if (recent) return { scheduled: false, reason: `the customer was asked within ${settings.frequencyDays} days` };
  }
  const customer = await m.customers.byId(c.customerId, ['language']);
  const doc = await m.csat.schedule({
    _id: c._id, customerId: c.customerId, teamId: c.teamId ?? null, agentId: c.assigneeId ?? null,
    channel: c.lastInboundChannel ?? fallbackChannel(), language: customer?.language ?? 'en',
    secondQuestion: settings.secondQuestion, reminderHours: settings.reminderHours, scheduledAt: now,
  });
  if (!doc) return { scheduled: false, reason: 'the conversation has a survey already' };
  const job: SlaJob = { conversationId, kind: 'csat_ask', dueAt: now.getTime() + settings.delayMinutes * 60_000 };
  await ctx.queues.sla.add('csat_ask', job, { jobId: csatJobId('ask', conversationId), delay: settings.delayMinutes * 60_000 });
  return { scheduled: true };
}

/** The `sla` queue's survey jobs: send the survey, or its reminder. */
export async function fireCsatJob(ctx: CsatContext, job: SlaJob): Promise<string> {
  if (!Types.ObjectId.isValid(job.conversationId)) return 'stale';
  return job.kind === 'csat_reminder' ? sendReminder(ctx, job.conversationId) : sendSurvey(ctx, job.conversationId);
}

async function sendSurvey(ctx: CsatContext, conversationId: string): Promise<string> {
  const m = ctx.models;
  const now = (ctx.now ?? (() => new Date()))();
  const doc = await m.csat.byId(conversationId);
  if (!doc || doc.status !== 'scheduled') return 'stale';
  const c = await m.conversations.byId(conversationId);
  // Reopened before the delay ran out: no survey now; the next resolve schedules one again. A customer already in
  // another conversation (they wrote again, after the reopen window) is not asked about the old one either.
  if (!c || c.status !== 'resolved' || (await m.conversations.unresolvedOf(c.customerId))) {
    await m.csat.dropScheduled(doc._id);
    return 'reopened';
  }
  const expiresAt = new Date(now.getTime() + SURVEY_VALID_MS);
  const outcome = await sendSurveyMessage(ctx, doc, expiresAt, false, now);
  if ('unsent' in outcome) {
    await m.csat.markSent(doc._id, { status: 'unsent', reason: outcome.unsent });
    return 'unsent';
  }
  const sent = await m.csat.markSent(doc._id, { status: 'asked', askedAt: now, expiresAt, replyKey: outcome.replyKey ?? null });
  if (!sent) return 'stale';
  await recordMetricEvent(m, {
    _id: `csat_asked:${conversationId}`, type: 'csat_asked', at: now, conversationId: doc._id, customerId: doc.customerId,
    teamId: doc.teamId ?? null, agentId: doc.agentId ?? null, channel: doc.channel,
  });
  if (doc.reminderHours > 0) {
    const delay = doc.reminderHours * 3600_000;
    const reminder: SlaJob = { conversationId, kind: 'csat_reminder', dueAt: now.getTime() + delay };
    await ctx.queues.sla.add('csat_reminder', reminder, { jobId: csatJobId('reminder', conversationId), delay });
  }
  return 'asked';
}

/** The single reminder: only for a survey still unanswered and not reminded (the claim is one conditional write). */
async function sendReminder(ctx: CsatContext, conversationId: string): Promise<string> {
  const m = ctx.models;
  const now = (ctx.now ?? (() => new Date()))();
  const doc = await m.csat.byId(conversationId);
  if (!doc || doc.status !== 'asked' || doc.remindedAt || !doc.expiresAt || doc.expiresAt.getTime() <= now.getTime()) return 'stale';
  const claimed = await m.csat.claimReminder(doc._id, now);
  if (!claimed) return 'stale';
  const outcome = await sendSurveyMessage(ctx, claimed, claimed.expiresAt!, true, now);
  return 'unsent' in outcome ? 'unsent' : 'reminded';
}

/** Builds the channel's survey message, stores it (dedupeKey per survey and kind: never twice) and enqueues it. */
async function sendSurveyMessage(ctx: CsatContext, doc: StoredCsat, expiresAt: Date, reminder: boolean, now: Date): Promise<{ unsent: string } | { replyKey?: string }> {
  const m = ctx.models;
  const wiring = csatWiring(m);
  const conversation = await m.conversations.byId(doc._id);
  if (!conversation) return { unsent: 'conversation not found' };
  const channel = doc.channel as Channel;
  const identity = await m.identities.ofCustomerAndKind(doc.customerId, identityKindOf(channel));
  if (!identity) return { unsent: `the customer has no ${channel} address` };
  const customer = await m.customers.byId(doc.customerId, ['name']);
  const link = surveyUrl(wiring.baseUrl, signSurveyToken(wiring.secret, String(doc._id), expiresAt));
  const plan = await planSurveyMessage(channel, {
    m, conversation, language: doc.language ?? 'en', link, reminder, to: identity.address,
    customerName: customer?.name ?? '', whatsapp: wiring.whatsapp, now,
  });
  if ('unsent' in plan) return plan;
  const dedupeKey = `csat:${String(doc._id)}:${reminder ? 'reminder' : 'ask'}`;
  let message;
  try {
    message = await m.messages.insert({
      _id: new Types.ObjectId(), conversationId: conversation._id, customerId: conversation.customerId,
      direction: 'out', kind: 'message', channel, author: { type: 'system', name: plan.send.author },
      text: plan.send.text, ...(plan.send.subject ? { subject: plan.send.subject } : {}),
      dedupeKey, to: identity.address, threadHints: { ...plan.send.threadHints, csat: reminder ? 'reminder' : 'ask' },
      delivery: { status: 'queued', at: now, attempts: 0 },
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Stored by an earlier run of this job that crashed before enqueueing: enqueue it now (same job id: never twice).
    const earlier = await m.messages.byDedupeKey(dedupeKey);
    if (earlier?.delivery?.status === 'queued') await enqueueOutbound(ctx.queues, String(earlier._id));
    return { replyKey: plan.send.replyKey };
  }
  await enqueueOutbound(ctx.queues, String(message._id));
  ctx.events?.message(toMessageView(message), toConversationView(conversation));
  return { replyKey: plan.send.replyKey };
}

/** What a survey shows its customer and agents. */
export interface CsatView {
  conversationId: string;
  channel: string;
  status: StoredCsat['status'];
  reason: string | null;
  language: string;
  secondQuestion: 'none' | 'text' | 'nps';
  askedAt: string | null;
  expiresAt: string | null;
  remindedAt: string | null;
  score: number | null;
  comment: string | null;
  nps: number | null;
  followUp: string | null;
  via: string | null;
  answeredAt: string | null;
  /** Until when the answer can be changed (24 hours after the first answer, and never past the link's expiry). */
  changeableUntil: string | null;
}
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
export function toCsatView(d: StoredCsat): CsatView {
  const until = d.firstAnsweredAt ? Math.min(d.firstAnsweredAt.getTime() + CHANGE_WINDOW_MS, d.expiresAt?.getTime() ?? Infinity) : d.expiresAt?.getTime();
  return {
    conversationId: String(d._id), channel: d.channel, status: d.status, reason: d.reason ?? null, language: d.language ?? 'en',
    secondQuestion: (d.secondQuestion ?? 'none') as CsatView['secondQuestion'], askedAt: iso(d.askedAt), expiresAt: iso(d.expiresAt),
    remindedAt: iso(d.remindedAt), score: d.score ?? null, comment: d.comment ?? null, nps: d.nps ?? null, followUp: d.followUp ?? null,
    via: d.via ?? null, answeredAt: iso(d.answeredAt), changeableUntil: until === undefined ? null : new Date(until).toISOString(),
  };
}

/** Whether a survey takes an answer at `now`: sent, not expired, and (once answered) within the change window. */
export function answerable(d: StoredCsat, now: Date): { ok: true } | { ok: false; error: CsatError } {
  if (d.status !== 'asked' && d.status !== 'answered') return { ok: false, error: new CsatError('this conversation has no survey to answer', 404) };
  if (!d.expiresAt || now.getTime() >= d.expiresAt.getTime()) return { ok: false, error: new CsatError('this survey has expired', 410) };
  if (d.firstAnsweredAt && now.getTime() >= d.firstAnsweredAt.getTime() + CHANGE_WINDOW_MS) {
    return { ok: false, error: new CsatError('the answer can no longer be changed (24 hours after it was given)', 409) };
  }
  return { ok: true };
}


/**
 * Stores the customer's answer (or their change of it), records the fact for reports and shows it in the thread.
 * An answer equal to the stored one changes nothing (a redelivered reply, a double submit).
 */
export async function answerSurvey(ctx: Pick<CsatContext, 'models' | 'events' | 'now'>, conversationId: string, answer: CsatAnswer, via: Channel): Promise<CsatView> {
  const m = ctx.models;
  const now = (ctx.now ?? (() => new Date()))();
  for (let attempt = 0; attempt < 3; attempt++) {
    const doc = await m.csat.byId(conversationId);
    if (!doc) throw new CsatError('this conversation has no survey to answer', 404);
    const check = answerable(doc, now);
    if (!check.ok) throw check.error;
    const fields = {
      score: answer.score,
      comment: answer.comment || null,
      nps: doc.secondQuestion === 'nps' ? answer.nps ?? null : null,
      followUp: doc.secondQuestion === 'text' ? answer.followUp || null : null,
    };
    if (doc.status === 'answered' && fields.score === doc.score && fields.comment === (doc.comment ?? null) && fields.nps === (doc.nps ?? null) && fields.followUp === (doc.followUp ?? null)) {
      return toCsatView(doc);
    }
    const updated = await m.csat.answer(doc._id, doc.rev ?? 0, { ...fields, via, answeredAt: now, firstAnsweredAt: doc.firstAnsweredAt ?? now });
    if (!updated) continue; // another answer came in between: compute again from it
    const changed = doc.status === 'answered';
    await recordMetricEvent(m, {
      _id: `csat_answered:${conversationId}:${updated.rev}`, type: 'csat_answered', at: now, conversationId: doc._id,
      customerId: doc.customerId, teamId: doc.teamId ?? null, agentId: doc.agentId ?? null, channel: doc.channel,
      score: answer.score, prevScore: changed ? doc.score ?? null : null,
      // A change moves the first answer's counts: it must land in the same segments' buckets as that answer did.
      ...(changed ? { segments: await answeredSegments(m, doc._id) } : {}),
    });
    await showInThread(ctx, updated, doc.status === 'answered');
    return toCsatView(updated);
  }
  throw new CsatError('the survey is being answered elsewhere; try again', 409);
}

/** The segments the conversation's first answer was counted in (its `csat_answered` facts: one conversation's few). */
async function answeredSegments(m: Models, conversationId: unknown): Promise<string[]> {
  const facts = await m.metricEvents.ofConversation(String(conversationId));
  const first = facts.filter((e) => e.type === 'csat_answered' && !e.prevScore).sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())[0];
  return first?.segments ?? [];
}

async function showInThread(ctx: Pick<CsatContext, 'models' | 'events'>, d: StoredCsat, changed: boolean) {
  const conversation = await ctx.models.conversations.byId(d._id);
  if (!conversation) return;
  const event = await recordEvent(ctx.models, conversation, {
    type: 'csat', changed, score: d.score ?? 0, via: d.via ?? '',
    ...(d.comment ? { comment: d.comment } : {}), ...(d.nps !== null && d.nps !== undefined ? { nps: d.nps } : {}), ...(d.followUp ? { followUp: d.followUp } : {}),
  });
  ctx.events?.message(toMessageView(event), toConversationView(conversation));
}

/** The customer's surveys, newest first (the profile's CSAT history). */
export async function customerSurveys(m: Models, customerId: string): Promise<CsatView[]> {
  const docs = await m.csat.ofCustomer(customerId);
  return docs.sort((a, b) => b.scheduledAt.getTime() - a.scheduledAt.getTime()).map(toCsatView);
}
