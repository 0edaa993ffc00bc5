import { z } from 'zod';
import { isChannel, type Channel } from './channels';
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './business-hours';

/**
 * SLA policies and the clock rules, pure: given a conversation's state, which SLA clocks run and when they are due.
 * The services store the result and schedule one delayed job per running clock (src/services/sla/sla.ts).
 */

export const SLA_KINDS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

const minutes = z.number().int().min(1).max(525_600); // up to a year
export const slaTargetsSchema = z
  .object({ firstResponseMinutes: minutes.optional(), nextResponseMinutes: minutes.optional(), resolutionMinutes: minutes.optional() })
  .strict();
export type SlaTargets = z.infer<typeof slaTargetsSchema>;

export const PAUSABLE_STATUSES = ['pending', 'snoozed'] as const;
export type PausableStatus = (typeof PAUSABLE_STATUSES)[number];

/** Targets per team; `priorities` (keyed by conversation priority, e.g. "2") override `default` field by field. */
export const slaPolicySchema = z
  .object({
    default: slaTargetsSchema.default({}),
    priorities: z.record(z.string(), slaTargetsSchema)
      .refine((p) => Object.keys(p).every((k) => /^-?\d{1,3}$/.test(k)), 'priority keys are integers such as "0" or "2"')
      .default({}),
    pauseWhen: z.array(z.enum(PAUSABLE_STATUSES)).max(2).default([]),
  })
  .strict();
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

export function targetsFor(policy: SlaPolicy, priority: number): SlaTargets {
  return { ...policy.default, ...policy.priorities[String(priority)] };
}

/** Out-of-hours reply texts: `{ [language]: text }`, optionally overridden per channel. */
const LANG = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;
// Keys checked by a refinement: a record's key schema reports only "Invalid key in record".
const texts = z.record(z.string(), z.string().trim().min(1).max(2000))
  .refine((t) => Object.keys(t).every((k) => LANG.test(k)), 'languages are codes such as "tr" or "en"');
export const autoReplySchema = z
  .object({
    enabled: z.boolean().default(true),
    texts: texts.refine((t) => Object.keys(t).length > 0, 'give at least one text, e.g. { "tr": "...", "en": "..." }'),
    channels: z.record(z.string().refine(isChannel, { message: 'not a registered channel' }), texts).default({}),
  })
  .strict();
export type AutoReplyConfig = z.infer<typeof autoReplySchema>;

/** The customer's language, else Turkish, else English, else any text; per language, the channel's own text first. */
export function autoReplyText(config: AutoReplyConfig, channel: Channel, language?: string | null): string | null {
  const langs = [language?.toLowerCase(), language?.toLowerCase().split('-')[0], 'tr', 'en'].filter((l): l is string => Boolean(l));
  for (const l of langs) {
    for (const table of [config.channels[channel], config.texts]) if (table?.[l]) return table[l];
  }
  return Object.values(config.texts)[0] ?? null;
}

/** One row of GET /api/supervisor/at-risk: a running SLA clock due soon or already breached. */
export const atRiskItemSchema = z.object({
  conversationId: z.string(),
  customerName: z.string().optional(),
  /** An anonymous web chat visitor's readable name (src/domain/visitor.ts), when the customer has no name. */
  customerVisitorName: z.object({ tr: z.string(), en: z.string() }).optional(),
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  kind: z.enum(SLA_KINDS),
  dueAt: z.iso.datetime(),
  breached: z.boolean(),
});
export type AtRiskItem = z.infer<typeof atRiskItemSchema>;

/** The `sla` of a conversation as the console receives it (a badge: due times, paused, breaches so far). */
export const conversationSlaViewSchema = z.object({
  firstResponseDueAt: z.iso.datetime().nullable(),
  nextResponseDueAt: z.iso.datetime().nullable(),
  resolutionDueAt: z.iso.datetime().nullable(),
  paused: z.boolean(),
  breaches: z.array(z.object({ kind: z.enum(SLA_KINDS), dueAt: z.iso.datetime(), at: z.iso.datetime() })),
});
export type ConversationSlaView = z.infer<typeof conversationSlaViewSchema>;

export interface SlaBreach { kind: SlaKind; dueAt: Date; at: Date }

/** The clock part of a conversation's `sla` (breaches are appended separately, by the breach job). */
export interface SlaClocks {
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  /** The `waitingSince` the next-response clock was started for (a new customer wait starts a new clock). */
  nextResponseFor: Date | null;
  resolutionDueAt: Date | null;
  /** Set once the resolution clock started, so a breached clock is not restarted; cleared on resolve. */
  resolutionStarted: boolean;
  /** While pending/snoozed (per policy): business time each clock had left; due times are null meanwhile. */
  paused: { since: Date; remainingMs: Partial<Record<SlaKind, number>> } | null;
}

export const DUE_FIELD = {
  first_response: 'firstResponseDueAt',
  next_response: 'nextResponseDueAt',
  resolution: 'resolutionDueAt',
} as const satisfies Record<SlaKind, keyof SlaClocks>;

export const NO_CLOCKS: SlaClocks = {
  firstResponseDueAt: null, nextResponseDueAt: null, nextResponseFor: null, resolutionDueAt: null, resolutionStarted: false, paused: null,
};

export interface SlaConversationState {
  status: 'open' | 'pending' | 'snoozed' | 'resolved';
  priority: number;
  openedAt: Date;
  firstResponseAt: Date | null;
  /** Since when the customer waits for an answer; null while the last word is ours. */
  waitingSince: Date | null;
}

const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * The clocks that should run now. First response runs from the conversation's opening until the first agent
 * reply; next response from each new customer wait (after the first response) until the next agent reply;
 * resolution from when it started until resolved. Entering a paused status stores the business time left (clocks
 * already overdue stay breached, not paused); leaving it restarts the clocks with that time left.
 */
export function planClocks(
  prev: SlaClocks, c: SlaConversationState, policy: SlaPolicy | null, cal: BusinessCalendar, now: Date,
): SlaClocks {
  if (!policy || c.status === 'resolved') return { ...NO_CLOCKS };
  const t = targetsFor(policy, c.priority);
  const want: Record<SlaKind, boolean> = {
    first_response: Boolean(t.firstResponseMinutes) && !c.firstResponseAt,
    next_response: Boolean(t.nextResponseMinutes) && Boolean(c.firstResponseAt) && Boolean(c.waitingSince),
    resolution: Boolean(t.resolutionMinutes),
  };
  const s: SlaClocks = { ...prev, paused: prev.paused ? { since: prev.paused.since, remainingMs: { ...prev.paused.remainingMs } } : null };
  for (const k of SLA_KINDS) {
    if (want[k]) continue;
    s[DUE_FIELD[k]] = null;
    if (s.paused) delete s.paused.remainingMs[k];
  }
  if (!want.next_response) s.nextResponseFor = null;

  if ((policy.pauseWhen as string[]).includes(c.status)) {
    if (!s.paused) {
      const remainingMs: Partial<Record<SlaKind, number>> = {};
      for (const k of SLA_KINDS) {
        const due = s[DUE_FIELD[k]];
        if (!due || due.getTime() <= now.getTime()) continue;
        remainingMs[k] = businessMsBetween(cal, now, due);
        s[DUE_FIELD[k]] = null;
      }
      s.paused = { since: now, remainingMs };
    }
    return s;
  }

  if (s.paused) {
    for (const k of SLA_KINDS) {
      const left = s.paused.remainingMs[k];
      if (left !== undefined) s[DUE_FIELD[k]] = addBusinessMs(cal, now, left);
    }
    s.paused = null;
  }
  const minutesMs = (m: number | undefined) => (m ?? 0) * 60_000;
  if (want.first_response && !s.firstResponseDueAt) s.firstResponseDueAt = addBusinessMs(cal, c.openedAt, minutesMs(t.firstResponseMinutes));
  if (want.next_response && !same(s.nextResponseFor, c.waitingSince)) {
    s.nextResponseFor = c.waitingSince;
    s.nextResponseDueAt = addBusinessMs(cal, c.waitingSince!, minutesMs(t.nextResponseMinutes));
  }
  if (want.resolution && !s.resolutionDueAt && !s.resolutionStarted) {
    s.resolutionDueAt = addBusinessMs(cal, now, minutesMs(t.resolutionMinutes));
    s.resolutionStarted = true;
  }
  return s;
}

export function sameClocks(a: SlaClocks, b: SlaClocks): boolean {
  return same(a.firstResponseDueAt, b.firstResponseDueAt) && same(a.nextResponseDueAt, b.nextResponseDueAt)
    && same(a.nextResponseFor, b.nextResponseFor) && same(a.resolutionDueAt, b.resolutionDueAt)
    && a.resolutionStarted === b.resolutionStarted
    && JSON.stringify(a.paused) === JSON.stringify(b.paused);
}
