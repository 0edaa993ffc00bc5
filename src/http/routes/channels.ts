import { z } from 'zod';
import { createReply } from '../../services/conversations/replies';
import { syncSla } from '../../services/sla/sla';
import { toMessageView } from '../../services/conversations/views';
import { customerChannels, parseTemplates, renderTemplate, TemplateError, type WhatsAppTemplates } from '../../services/delivery/wa-window';
import type { HubDeps } from '../../deps';
import { HttpError } from '../errors';
import { idParams, route } from '../route';
import { err, messageViewSchema } from '../schemas';

export const channelOptionSchema = z.object({
  channel: z.enum(['email', 'sms', 'whatsapp', 'webchat']),
  address: z.string(),
  available: z.boolean(),
  reason: z.string().optional(),
  official: z.boolean(),
  route: z.enum(['twilio', 'wwebjs']).optional(),
  windowClosesAt: z.iso.datetime().nullable().optional(),
  templates: z.array(z.string()).optional(),
});

export const templateBody = z.object({
  template: z.string().min(1).max(64),
  variables: z.record(z.string().max(64), z.string().max(1024)).default({}),
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, _ or -').optional(),
});

// Parsed once per config object: the JSON was validated at start (see templatesOf in docs/phone.md).
const parsed = new WeakMap<object, WhatsAppTemplates>();
function templatesOf(deps: HubDeps): WhatsAppTemplates {
  let t = parsed.get(deps.config);
  if (!t) {
    try {
      t = parseTemplates(deps.config.WHATSAPP_TEMPLATES);
    } catch (e) {
      deps.logger.error({ err: (e as Error).message }, 'WHATSAPP_TEMPLATES is invalid: no templates available');
      t = {};
    }
    parsed.set(deps.config, t);
  }
  return t;
}

export const channelRoutes = [
  route({
    method: 'get', path: '/customers/:id/channels', tag: 'customers', access: 'agent',
    summary: 'The channels a reply can go out on, each with whether it is available now and why not (WhatsApp 24-hour window)',
    params: idParams,
    responses: { 200: { description: 'channel options', schema: z.array(channelOptionSchema) }, 404: err('customer not found') },
    async handler({ params, deps }) {
      const options = await customerChannels(deps.models, params.id, {
        twilioConfigured: Boolean(deps.config.TWILIO_ACCOUNT_SID && deps.config.TWILIO_AUTH_TOKEN),
        whatsappRoute: deps.config.WHATSAPP_ROUTE,
        templates: templatesOf(deps),
      });
      if (!options) throw new HttpError(404, 'customer not found');
      return { status: 200, body: options };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/template', tag: 'conversations', access: 'agent',
    summary: 'Send an approved WhatsApp template (possible outside the 24-hour window)', params: idParams, body: templateBody,
    responses: {
      202: { description: 'accepted; delivery follows', schema: messageViewSchema },
      404: err('conversation not found'), 409: err('client id used elsewhere'),
      422: err('unknown template, missing variables, no WhatsApp number, or templates need the official route'),
    },
    async handler({ params, body, agent, deps }) {
      if (deps.config.WHATSAPP_ROUTE !== 'twilio') throw new HttpError(422, 'templates are for the official WhatsApp route (WHATSAPP_ROUTE=twilio)');
      let rendered;
      try {
        rendered = renderTemplate(templatesOf(deps), body.template, body.variables);
      } catch (e) {
        if (e instanceof TemplateError) throw new HttpError(422, e.message);
        throw e;
      }
      const { message, duplicate } = await createReply(deps.models, deps.events, {
        conversationId: params.id, agent: { id: agent.id, name: agent.name }, text: rendered.text, channel: 'whatsapp',
        clientId: body.clientId, threadHints: rendered.threadHints, whatsappRoute: 'twilio',
      });
      const messageId = String(message!._id);
      if (!duplicate) await deps.queues.outbound.add('send', { messageId }, { jobId: `out_${messageId}` });
      await syncSla(deps, params.id); // a template is an agent reply too
      return { status: 202, body: toMessageView(message) };
    },
  }),
];
