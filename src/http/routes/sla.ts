import { z } from 'zod';
import { calendarSchema } from '../../domain/business-hours';
import { atRiskItemSchema, autoReplySchema, slaPolicySchema } from '../../domain/sla';
import { listAtRisk } from '../../services/sla/sla';
import { DEFAULT_KEY, SettingsError, effectiveSettings, getSetting, putSetting, type SettingName } from '../../services/sla/sla-settings';
import type { Models } from '../../store';
import { HttpError } from '../errors';
import { objectId, route } from '../route';
import { err } from '../schemas';

// `:id` is a team id, or `default` for the settings every team without its own uses.
const teamParams = z.object({ id: z.union([objectId, z.literal(DEFAULT_KEY)], { error: 'must be a team id or "default"' }) });

/** SettingsError (unknown team) becomes its HTTP answer. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof SettingsError) throw new HttpError(e.status, e.message);
    throw e;
  }
}

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
  ] as const).flatMap(([path, name, schema, what]) => [
    route({
      method: 'get', path: `/teams/:id/${path}`, tag: 'sla', access: 'admin', params: teamParams,
      summary: `${what}: the team's own (null when it uses the default) and the one in effect`,
      responses: { 200: { description: 'own and effective setting', schema: settingResponse(schema) }, 400: err('bad team id'), 404: err('team not found') },
      async handler({ params, deps }) {
        return { status: 200, body: await answering(() => settingView(deps.models, params.id, name)) };
      },
    }),
    route({
      method: 'put', path: `/teams/:id/${path}`, tag: 'sla', access: 'admin', params: teamParams, body: schema,
      summary: `Replace ${what.charAt(0).toLowerCase()}${what.slice(1)}`,
      responses: { 200: { description: 'own and effective setting', schema: settingResponse(schema) }, 400: err('invalid setting, with the reason'), 404: err('team not found') },
      async handler({ params, body, deps }) {
        const view = await answering(async () => {
          await putSetting(deps.models, params.id, name, body as never);
          return settingView(deps.models, params.id, name);
        });
        return { status: 200, body: view };
      },
    }),
  ]),
  route({
    method: 'get', path: '/supervisor/at-risk', tag: 'sla', access: 'supervisor',
    summary: 'Running SLA clocks due within `withinMinutes` (default 30), breached ones included, soonest first',
    query: z.object({ withinMinutes: z.coerce.number().int().min(0).max(7 * 24 * 60).default(30) }),
    responses: { 200: { description: 'clocks at risk', schema: z.array(atRiskItemSchema) }, 400: err('bad withinMinutes') },
    async handler({ query, deps }) {
      return { status: 200, body: await listAtRisk(deps.models, query.withinMinutes) };
    },
  }),
];
