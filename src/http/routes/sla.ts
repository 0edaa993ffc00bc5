import { z } from 'zod';
import { calendarSchema } from '../../domain/business-hours';
import { csatSettingsSchema } from '../../domain/csat';
import { handoffSettingsSchema } from '../../domain/handoff';
import { atRiskItemSchema, autoReplySchema, slaPolicySchema } from '../../domain/sla';
import { listAtRisk } from '../../services/sla/sla';
import { DEFAULT_KEY, effectiveSettings, getSetting, openState, putSetting, type SettingName } from '../../services/sla/sla-settings';
import type { Models } from '../../store';
import { objectId, route } from '../route';
import { err } from '../schemas';

// `:id` is a team id, or `default` for the settings every team without its own uses.
const teamParams = z.object({ id: z.union([objectId, z.literal(DEFAULT_KEY)], { error: 'must be a team id or "default"' }) });

/** A team's own setting (null when it has none) and the one in effect for its conversations, with its source. */
async function settingView(models: Models, id: string, name: SettingName) {
  const own = await getSetting(models, id, name);
  const effective = await effectiveSettings(models, id);
  return { own, effective: effective[name], source: effective.sources[name] };
}

const settingResponse = (schema: z.ZodType) => z.object({ own: schema.nullable(), effective: schema.nullable(), source: z.enum(['team', 'default', 'none']) });

/** A team's business-hours calendar, out-of-hours reply and SLA policy (admins), and the supervisors' at-risk list. */
export const slaRoutes = [
  ...([
    ['calendar', 'calendar', calendarSchema, 'Business hours: IANA timezone, shifts per ISO weekday (HH:mm), holidays (YYYY-MM-DD)'],
    ['auto-reply', 'autoReply', autoReplySchema, 'Out-of-hours reply texts per language, optionally per channel'],
    ['sla-policy', 'sla', slaPolicySchema, 'SLA targets (minutes of business time) by priority, and statuses that pause the clocks'],
    ['csat', 'csat', csatSettingsSchema, 'Satisfaction survey after resolve: on/off (on by default), delay, one per customer per N days, reminder, second question'],
    ['handoff', 'handoff', handoffSettingsSchema, 'Hand-offs: an agent replying to an unassigned conversation takes it (on by default)'],
  ] as const).flatMap(([path, name, schema, what]) => [
    route({
      method: 'get', path: `/teams/:id/${path}`, tag: 'sla', access: 'admin', resource: 'none', params: teamParams,
      summary: `${what}: the team's own (null when it uses the default) and the one in effect`,
      responses: { 200: { description: 'own and effective setting', schema: settingResponse(schema) }, 400: err('bad team id'), 404: err('team not found') },
      async handler({ params, deps }) {
        return { status: 200, body: await settingView(deps.models, params.id, name) }; // an unknown team: SettingsError, a 404
      },
    }),
    route({
      method: 'put', path: `/teams/:id/${path}`, tag: 'sla', access: 'admin', resource: 'none', params: teamParams, body: schema,
      summary: `Replace ${what.charAt(0).toLowerCase()}${what.slice(1)}`,
      responses: { 200: { description: 'own and effective setting', schema: settingResponse(schema) }, 400: err('invalid setting, with the reason'), 404: err('team not found') },
      async handler({ agent, params, body, deps }) {
        await putSetting(deps.models, params.id, name, body as never, agent);
        return { status: 200, body: await settingView(deps.models, params.id, name) };
      },
    }),
  ]),
  route({
    method: 'get', path: '/teams/:id/open-state', tag: 'sla', access: 'agent', resource: 'none', params: teamParams,
    summary: 'Whether the team (or the default) is within business hours now, and when it opens next (null while open or without a calendar)',
    responses: {
      200: { description: 'open or closed now', schema: z.object({ hasCalendar: z.boolean(), timezone: z.string().nullable(), open: z.boolean(), nextOpening: z.iso.datetime().nullable() }) },
      400: err('bad team id'), 404: err('team not found'),
    },
    async handler({ params, deps }) {
      return { status: 200, body: await openState(deps.models, params.id) };
    },
  }),
  route({
    method: 'get', path: '/supervisor/at-risk', tag: 'sla', access: 'supervisor', resource: 'none',
    summary: 'Running SLA clocks due within `withinMinutes` (default 30), breached ones included, soonest first',
    query: z.object({ withinMinutes: z.coerce.number().int().min(0).max(7 * 24 * 60).default(30) }),
    responses: { 200: { description: 'clocks at risk', schema: z.array(atRiskItemSchema) }, 400: err('bad withinMinutes') },
    async handler({ query, deps }) {
      return { status: 200, body: await listAtRisk(deps.models, query.withinMinutes) };
    },
  }),
];
