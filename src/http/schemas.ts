import { visitorProfileSchema } from '../domain/visitor';
import { z } from 'zod';
import { channelModules } from '../../channels';

/** A registered channel's name (channels/index.ts): the API's channel parameters and fields. */
export const channelName = z.enum(channelModules.map((m) => m.name) as [string, ...string[]]);
import { emailMetaSchema } from '../domain/messages';
import { conversationSlaViewSchema } from '../domain/sla';
import { CONVERSATION_STATUSES, ROLES } from '../domain/views';
import { ERROR_CODES } from '../domain/errors';

// Response shapes, used only to document the API (the handlers build them with src/services/conversations/views.ts).
const isoOrNull = z.iso.datetime().nullable().optional();

/** Every error answer (src/http/errors.ts): a message safe to show, its stable code, zod's issues for bad input. */
export const errorSchema = z.object({ error: z.string(), code: z.enum(ERROR_CODES), issues: z.array(z.unknown()).optional() });

export const conversationViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string().optional(),
  customerVisitorName: z.object({ tr: z.string(), en: z.string() }).optional().describe('an anonymous web chat visitor\'s readable name ("Visitor · Istanbul · Chrome"), when the customer has no name'),
  status: z.enum(CONVERSATION_STATUSES as [string, ...string[]]),
  assigneeId: z.string().nullable().optional(),
  teamId: z.string().nullable().optional(),
  priority: z.number(),
  lastInboundChannel: channelName.optional(),
  lastMessagePreview: z.string().optional(),
  snoozedUntil: isoOrNull,
  openedAt: z.iso.datetime(),
  lastActivityAt: z.iso.datetime(),
  lastInboundAt: isoOrNull,
  lastOutboundAt: isoOrNull,
  firstResponseAt: isoOrNull,
  waitingSince: isoOrNull,
  resolvedAt: isoOrNull,
  labels: z.array(z.string()).optional(),
  segments: z.array(z.string()).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  sla: conversationSlaViewSchema.nullable().optional(),
});

export const messageViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  customerId: z.string(),
  direction: z.enum(['in', 'out']),
  kind: z.enum(['message', 'note', 'event']),
  channel: channelName,
  author: z.object({ type: z.enum(['customer', 'agent', 'system']), id: z.string().optional(), name: z.string().optional() }),
  text: z.string(),
  /** Events: what happened as facts (src/domain/thread-events.ts ThreadEvent); `text` says it in English. */
  event: z.object({ type: z.string() }).catchall(z.union([z.string(), z.number(), z.boolean()])).optional(),
  mentions: z.array(z.string()).optional(),
  html: z.string().optional(),
  subject: z.string().optional(),
  attachments: z.array(z.object({ name: z.string(), contentType: z.string(), size: z.number(), url: z.string().optional() })),
  email: emailMetaSchema.optional(),
  delivery: z.object({
    status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'received']),
    error: z.string().optional(),
    at: z.iso.datetime().optional(),
    attempts: z.number().optional(),
  }),
  createdAt: z.iso.datetime(),
  erased: z.literal(true).optional(),
});

export const roleSchema = z.enum(ROLES as [string, ...string[]]);

export const agentViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  teamIds: z.array(z.string()),
  languages: z.array(z.string()),
  capacity: z.number(),
  presence: z.enum(['online', 'away', 'offline']),
  disabled: z.boolean(),
  skills: z.array(z.string()).optional(),
  bot: z.boolean().optional(),
});

export const teamViewSchema = z.object({ id: z.string(), name: z.string(), assignmentPolicy: z.string() });

export const customerViewSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  language: z.string().optional(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  lastSeenAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime().optional(),
  identities: z.array(z.object({ kind: z.string(), address: z.string(), verified: z.boolean() })),
  unverifiedEmail: z.string().optional(),
  mergeSuggestions: z.array(z.object({ reason: z.literal('unverified_email'), address: z.string(), customerId: z.string(), name: z.string().optional() })),
  erasedAt: z.iso.datetime().optional(),
  visitor: visitorProfileSchema.optional().describe('what the web chat knew of the visitor at their first message: browser, OS, city, time zone, language, page and referrer'),
});

export const err = (description: string) => ({ description, schema: errorSchema });
