import { z } from 'zod';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../domain/views';
import { getSavedViews, getSettings, inboxCounts, putSavedViews, updateSettings } from '../../services/conversations/console';
import { savedViewsSchema } from '../../domain/saved-views';
import { inboxScope } from '../../services/access';
import { route } from '../route';

const settingsSchema = z.object({ language: z.enum(['tr', 'en']), sound: z.boolean() });
const countsSchema = z.object({
  views: z.object({ mine: z.number(), unassigned: z.number(), all: z.number() }),
  channels: z.record(z.string(), z.number()),
  teams: z.record(z.string(), z.number()),
  statuses: z.record(z.string(), z.number()),
  segments: z.record(z.string(), z.number()).describe('open (or the asked status) conversations per segment shown as a view'),
});

export const consoleRoutes = [
  route({
    method: 'get', path: '/me/settings', tag: 'console', access: 'agent', resource: 'none',
    summary: 'The signed-in agent\'s console settings (language, notification sound)',
    responses: { 200: { description: 'settings', schema: settingsSchema } },
    async handler({ agent, deps }) {
      return { status: 200, body: await getSettings(deps.models, agent.id) };
    },
  }),
  route({
    method: 'post', path: '/me/settings', tag: 'console', access: 'agent', resource: 'none',
    summary: 'Change the signed-in agent\'s console settings (only the fields sent)',
    body: settingsSchema.partial().strict(),
    responses: { 200: { description: 'settings', schema: settingsSchema } },
    async handler({ agent, body, deps }) {
      return { status: 200, body: await updateSettings(deps.models, agent.id, body) };
    },
  }),
  route({
    method: 'get', path: '/me/views', tag: 'console', access: 'agent', resource: 'none',
    summary: 'The signed-in agent\'s personal inbox views (name + filter), in their order',
    responses: { 200: { description: 'views', schema: savedViewsSchema } },
    async handler({ agent, deps }) {
      return { status: 200, body: await getSavedViews(deps.models, agent.id) };
    },
  }),
  route({
    method: 'put', path: '/me/views', tag: 'console', access: 'agent', resource: 'none',
    summary: 'Replace the signed-in agent\'s personal inbox views (at most 30; each a name and an inbox filter)',
    body: savedViewsSchema,
    responses: { 200: { description: 'views', schema: savedViewsSchema } },
    async handler({ agent, body, deps }) {
      return { status: 200, body: await putSavedViews(deps.models, agent.id, body) };
    },
  }),
  route({
    method: 'get', path: '/inbox/counts', tag: 'console', access: 'agent', resource: 'none',
    summary: 'Conversation counts per view, channel and team in one status, and per status',
    query: z.object({ status: z.enum(CONVERSATION_STATUSES as [ConversationStatus, ...ConversationStatus[]]).default('open') }),
    responses: { 200: { description: 'counts', schema: countsSchema } },
    async handler({ agent, query, deps }) {
      const scope = await inboxScope(deps.models, agent);
      return { status: 200, body: await inboxCounts(deps.models, agent.id, query.status, scope?.counted) };
    },
  }),
];
