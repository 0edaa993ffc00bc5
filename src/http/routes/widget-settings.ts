import { z } from 'zod';
import { setWidgetSettings, widgetSettings, widgetSettingsSchema } from '../../services/visitor/widget-settings';
import { route } from '../route';

const view = z.object({ greeting: z.object({ tr: z.string().optional(), en: z.string().optional() }) });

/** The web chat widget's settings (src/services/visitor/widget-settings.ts; docs/widget-protocol.md): admins only. */
export const widgetSettingsRoutes = [
  route({
    method: 'get', path: '/admin/widget', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'The web chat widget settings: the greeting shown to visitors, per language (tr, en)',
    responses: { 200: { description: 'the settings', schema: view } },
    async handler({ deps }) {
      return { status: 200, body: await widgetSettings(deps.models) };
    },
  }),
  route({
    method: 'put', path: '/admin/widget', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Change the web chat widget settings; visitors see the new greeting the next time their widget connects (other hub nodes: within 5 s)',
    body: widgetSettingsSchema,
    responses: { 200: { description: 'the settings', schema: view } },
    async handler({ agent, body, deps }) {
      return { status: 200, body: await setWidgetSettings(deps.models, body, agent) };
    },
  }),
];
