import { z } from 'zod';
import { actionListSchema, actionSchema, MAX_ACTIONS } from './actions';
import type { CustomerRef } from './views';

/**
 * Automation rules (docs/automation.md): an event, conditions that must all hold (plus an optional "any of" group),
 * and actions from the macros' vocabulary (src/domain/actions.ts) plus `send_webhook`. Pure schemas and types; the
 * worker that evaluates them lives in src/services/automation.
 */
const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id');
const attributeKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an attribute key: lowercase letters, digits and _');

/** What the hub already publishes, turned into rule events. */
export const AUTOMATION_EVENTS = [
  'conversation.opened',
  'message.received',
  'conversation.status_changed',
  'conversation.assigned',
  'sla.breached',
  'csat.received',
  'customer.attribute_changed',
] as const;
/** Time-based triggers: a delayed job scheduled when the state is entered, checked again when it fires. */
export const TIME_TRIGGERS = ['time.pending_for', 'time.no_customer_reply'] as const;
export const RULE_TRIGGERS = [...AUTOMATION_EVENTS, ...TIME_TRIGGERS] as const;
export type AutomationEventType = (typeof AUTOMATION_EVENTS)[number];
export type TimeTrigger = (typeof TIME_TRIGGERS)[number];
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];
export const isTimeTrigger = (t: string): t is TimeTrigger => (TIME_TRIGGERS as readonly string[]).includes(t);

/** A time rule waits at least a minute and at most 90 days. */
export const MAX_AFTER_MINUTES = 90 * 24 * 60;
/** How deep a chain of rule-caused events may go before the guard stops it (docs/automation.md, "Loops"). */
export const MAX_CHAIN_DEPTH = 3;
export const MAX_RULES = 200;
export const MAX_CONDITIONS = 20;

const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);

export const conditionSchema = z.discriminatedUnion('type', [
  /** The channel of the event's message, or the conversation's last inbound channel. */
  z.object({ type: z.literal('channel'), in: z.array(z.string().min(1).max(40)).min(1).max(20) }),
  /** The conversation's team; `null` in the list stands for "no team". */
  z.object({ type: z.literal('team'), in: z.array(objectId.nullable()).min(1).max(50) }),
  /** The customer's language (ISO code as stored, e.g. "tr", "en"). */
  z.object({ type: z.literal('language'), in: z.array(z.string().min(2).max(16)).min(1).max(20) }),
  /** Whether the customer is in a segment (its rule, evaluated now). */
  z.object({ type: z.literal('segment'), segmentId: objectId, member: z.boolean().default(true) }),
  z.object({ type: z.literal('labels'), op: z.enum(['any', 'all', 'none']), labels: z.array(z.string().trim().min(1).max(40)).min(1).max(30) }),
  /**
   * A conversation or customer attribute. `equals`/`not_equals`/`contains` compare text (case-insensitive,
   * Turkish-aware); `gt`/`lt` compare numbers, or dates (ISO strings) when both sides are dates.
   */
  z.object({
    type: z.literal('attribute'), scope: z.enum(['conversation', 'customer']), key: attributeKey,
    op: z.enum(['equals', 'not_equals', 'contains', 'gt', 'lt', 'is_set', 'not_set']), value: scalar.optional(),
  }),
  /** The event's message text (message events only), case-insensitive and Turkish-aware (İ/ı, ş/s ...). */
  z.object({ type: z.literal('text'), op: z.enum(['contains', 'not_contains']), value: z.string().trim().min(1).max(200) }),
  /** Inside or outside the conversation team's business hours (the default calendar without a team). */
  z.object({ type: z.literal('business_hours'), inside: z.boolean() }),
  z.object({ type: z.literal('priority'), op: z.enum(['eq', 'gte', 'lte']), value: z.number().int().min(-40).max(40) }),
  z.object({ type: z.literal('status'), in: z.array(z.enum(['open', 'pending', 'snoozed', 'resolved'])).min(1) }),
  /** The survey score of a `csat.received` event. */
  z.object({ type: z.literal('csat_score'), op: z.enum(['eq', 'gte', 'lte']), value: z.number().int().min(1).max(5) }),
]);
export type Condition = z.infer<typeof conditionSchema>;
export type ConditionType = Condition['type'];
export const CONDITION_TYPES = conditionSchema.options.map((o) => o.shape.type.value) as ConditionType[];

/** Posts the event to a registered outgoing webhook (signed, retried and SSRF-guarded like every delivery). */
export const sendWebhookActionSchema = z.object({ type: z.literal('send_webhook'), webhookId: objectId });
export const ruleActionSchema = z.discriminatedUnion('type', [...actionSchema.options, sendWebhookActionSchema]);
export type RuleAction = z.infer<typeof ruleActionSchema>;
export const RULE_ACTION_TYPES = ruleActionSchema.options.map((o) => o.shape.type.value) as RuleAction['type'][];

/** The conversation actions follow the macros' list rules (one per field); webhooks can repeat (other targets). */
export const ruleActionListSchema = z.array(ruleActionSchema).min(1).max(MAX_ACTIONS).superRefine((list, ctx) => {
  const conversationActions = list.filter((a) => a.type !== 'send_webhook');
  if (!conversationActions.length) return;
  const checked = actionListSchema.safeParse(conversationActions);
  if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export const ruleFieldsSchema = z.object({
    name: z.string().trim().min(1).max(80),
    enabled: z.boolean().default(true),
    event: z.enum(RULE_TRIGGERS),
    /** Time triggers only: how long the state must last. */
    afterMinutes: z.number().int().min(1).max(MAX_AFTER_MINUTES).optional(),
    conditions: z.array(conditionSchema).max(MAX_CONDITIONS).default([]),
    /** At least one of these must hold too (empty: no such group). */
    anyOf: z.array(conditionSchema).max(MAX_CONDITIONS).default([]),
    actions: ruleActionListSchema,
  });
export const ruleInputSchema = ruleFieldsSchema
  .strict()
  .superRefine((r, ctx) => {
    if (isTimeTrigger(r.event) && r.afterMinutes === undefined) ctx.addIssue({ code: 'custom', path: ['afterMinutes'], message: 'a time rule needs afterMinutes' });
    if (!isTimeTrigger(r.event) && r.afterMinutes !== undefined) ctx.addIssue({ code: 'custom', path: ['afterMinutes'], message: 'only time rules wait' });
    const all = [...r.conditions, ...r.anyOf];
    if (all.some((c) => c.type === 'text') && r.event !== 'message.received') ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'a text condition needs the message.received event' });
    if (all.some((c) => c.type === 'csat_score') && r.event !== 'csat.received') ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'a csat_score condition needs the csat.received event' });
  });
export type RuleInput = z.output<typeof ruleInputSchema>;

export interface RuleView extends RuleInput {
  id: string;
  position: number;
  updatedAt: string;
  updatedBy: string;
}

/**
 * One event as the automation worker sees it: small (ids and the few facts conditions need), with the chain of
 * rules whose actions caused it (empty for what a person, a customer or the hub did).
 */
export interface AutomationEvent {
  /** Rule-independent and stable across redeliveries: the job id and half of every run's key. */
  id: string;
  type: RuleTrigger;
  at: string;
  conversationId: string;
  customerId?: string;
  /** message.received: the message, its channel and text (cut to 2000 characters). */
  messageId?: string;
  channel?: string;
  text?: string;
  /** status_changed / assigned: what it was. */
  previousStatus?: string | null;
  status?: string;
  previousAssigneeId?: string | null;
  assigneeId?: string | null;
  /** sla.breached: which clock. */
  slaKind?: string;
  /** csat.received: the score. */
  score?: number;
  /** customer.attribute_changed: the keys written. */
  keys?: string[];
  /** Rules whose actions led here, oldest first (the loop guard reads it). */
  chain: string[];
}

export const RUN_STATUSES = ['running', 'done', 'failed', 'partly', 'loop_stopped', 'stale'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunActionResult {
  type: RuleAction['type'];
  ok: boolean;
  error?: string;
}

export interface RunView {
  id: string;
  ruleId: string;
  ruleName: string;
  eventId: string;
  eventType: string;
  conversationId: string;
  /** The conversation's customer, read when the log is listed (so an erased customer shows no name). */
  customer?: CustomerRef;
  at: string;
  status: RunStatus;
  /** The conditions that held (as readable lines, English). */
  matched: string[];
  /** The same conditions as data (the console says them in the reader's language). */
  conditions: Condition[];
  actions: RunActionResult[];
  depth: number;
  note?: string;
}

export interface DryRunMatch {
  event: AutomationEvent;
  /** The event's conversation's customer, read for the answer. */
  customer?: CustomerRef;
  matched: boolean;
  /** Why it matched (conditions that held), or the first condition that did not hold. */
  reasons: string[];
  /** Not matched: the condition that failed (its index in `conditions`), or the "any of" group (index -1). */
  failed: { group: 'all' | 'any'; index: number } | null;
  /** What it would have done (action lines), when matched. */
  wouldDo: string[];
}
