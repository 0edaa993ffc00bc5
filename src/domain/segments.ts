import { z } from 'zod';
import { directoryFilterSchema } from './directory';
import { slaPolicySchema } from './sla';

/**
 * Customer segments: a saved Customers-directory filter (src/domain/directory.ts) with a name, and what it does.
 * - `showAsView`: its open conversations are an inbox view with a count (the conversation carries the ids of the
 *   view segments its customer was in when it opened or the customer last changed: `segments`).
 * - `rule`: applied when a conversation opens (or reopens) for a member: a priority, a team (only while nobody has
 *   it) and an SLA policy that replaces the team's for that conversation. When several segments with rules match,
 *   the one with the lowest `order` applies (then by name): one rule per opening, like Zendesk's first matching
 *   trigger, so the outcome never depends on which write came last.
 */

/** The filter a segment saves: the directory's, without the text search, the sort and the page. */
export const segmentFilterSchema = directoryFilterSchema.omit({ q: true, sort: true, dir: true }).strict();
export type SegmentFilter = z.output<typeof segmentFilterSchema>;

const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id');

export const segmentRuleSchema = z
  .object({
    /** The conversation's priority (routing order; selects the SLA policy's per-priority targets). */
    priority: z.number().int().min(-100).max(100).optional(),
    /** The team it is routed in (unless an agent already has it). */
    teamId: objectId.optional(),
    /** Replaces the team's SLA policy for conversations this rule applied to. */
    sla: slaPolicySchema.optional(),
  })
  .strict()
  .refine((r) => r.priority !== undefined || r.teamId !== undefined || r.sla !== undefined, 'a rule sets a priority, a team or an SLA policy');
export type SegmentRule = z.output<typeof segmentRuleSchema>;

export const segmentInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(300).default(''),
    filter: segmentFilterSchema,
    showAsView: z.boolean().default(false),
    rule: segmentRuleSchema.nullable().default(null),
    order: z.number().int().min(0).max(10_000).default(100),
  })
  .strict();
export type SegmentInput = z.output<typeof segmentInputSchema>;

/** A segment as the API shows it (`count`: how many customers are in it now, from the directory). */
export type SegmentView = SegmentInput & { id: string; createdAt?: string; updatedAt?: string; count?: number };

/** How many segments there can be: each rule or view segment costs every opening a few Redis reads. */
export const SEGMENTS_MAX = 100;
