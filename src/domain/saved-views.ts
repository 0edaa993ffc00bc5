import { z } from 'zod';
import { CONVERSATION_STATUSES, INBOX_SORTS, NO_TEAM, type ConversationStatus } from './views';

const objectIdText = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id');

/**
 * A personal inbox view: a name and the inbox filter it stands for, kept per agent (the agent's console settings).
 * Every field is one the inbox list API takes, so a saved view is served by the inbox index like any other view.
 */
export const savedViewFilterSchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES as [ConversationStatus, ...ConversationStatus[]]).optional(),
  /** 'me', 'unassigned' or an agent id. */
  assignee: z.union([z.enum(['me', 'unassigned']), objectIdText]).optional(),
  /** A team id or NO_TEAM. */
  team: z.union([z.literal(NO_TEAM), objectIdText]).optional(),
  /** A channel name (checked against the registry by the list API when the view is opened). */
  channel: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a channel name').optional(),
  label: z.string().trim().min(1).max(40).optional(),
  /** An exact priority: low -10, normal 0, high 10, urgent 20. */
  priority: z.number().int().min(-40).max(40).optional(),
  sort: z.enum(INBOX_SORTS).optional(),
});
export const savedViewSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -'),
  name: z.string().trim().min(1, 'required').max(60),
  filter: savedViewFilterSchema,
});
export const MAX_SAVED_VIEWS = 30;
export const savedViewsSchema = z.array(savedViewSchema).max(MAX_SAVED_VIEWS, `at most ${MAX_SAVED_VIEWS} views`)
  .refine((views) => new Set(views.map((v) => v.id)).size === views.length, 'view ids must be unique');
export type SavedViewFilter = z.infer<typeof savedViewFilterSchema>;
export type SavedView = z.infer<typeof savedViewSchema>;
