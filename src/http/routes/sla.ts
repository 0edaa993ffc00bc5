import { z } from 'zod';
import { ALWAYS_OPEN, calendarSchema } from '../../domain/business-hours';
import { atRiskItemSchema, autoReplySchema, slaPolicySchema } from '../../domain/sla';
import { listAtRisk } from '../../services/sla';
import { DEFAULT_KEY, SettingsError, effectiveSettings, getSetting, putSetting, type SettingName } from '../../services/sla-settings';
import { HttpError } from '../errors';
import { objectId, route } from '../route';
import { err } from '../schemas';

// `:id` is a team id, or `default` for the settings every team without its own uses.
const teamParams = z.object({ id: z.union([objectId, z.literal(DEFAULT_KEY)], { error: 'must be a team id or "default"' }) });

async function settingView<N extends SettingName>(models: Parameters<typeof getSetting>[0], id: string, name: N) {
  try {
    const own = await getSetting(models, id, name);
    const effective = await effectiveSettings(models, id === DEFAULT_KEY ? null : id);
    const fallback = name === 'calendar' ? ALWAYS_OPEN : null;
    const source = own ? (id === DEFAULT_KEY ? 'default' : 'team') : effective[name] && !(name === 'calendar' && !effective.hasCalendar) ? 'default' : 'none';
    return { own, effective: source === 'none' ? fallback : effective[name], source };
  } catch (e) {
    if (e instanceof SettingsError) throw new HttpError(e.status, e.message);
    throw e;
  }
}

async function save<N extends SettingName>(models: Parameters<typeof putSetting>[0], id: string, name: N, value: Parameters<typeof putSetting<N>>[3]) {
  try {
    await putSetting(models, id, name, value);
  } catch (e) {
    if (e instanceof SettingsError) throw new HttpError(e.status, e.message);
    throw e;
  }
  return settingView(models, id, name);
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
        return { status: 200, body: await settingView(deps.models, params.id, name) };
      },
    }),
    route({
      method: 'put', path: `/teams/:id/${path}`, tag: 'sla', access: 'admin', params: teamParams, body: schema,
      summary: `Replace ${what.charAt(0).toLowerCase()}${what.slice(1)}`,
      responses: { 200: { description: 'own and effective setting', schema: settingResponse(schema) }, 400: err('invalid setting, with the reason'), 404: err('team not found') },
      async handler({ params, body, deps }) {
        return { status: 200, body: await save(deps.models, params.id, name, body as never) };
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
