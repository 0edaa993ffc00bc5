import { z } from 'zod';
import { WEBHOOK_EVENTS, WEBHOOK_PAYLOAD_VERSION, type WebhookData } from '../domain/webhooks';
import { conversationViewSchema, messageViewSchema } from './schemas';

/** The `data` of each outgoing webhook event (src/domain/webhooks.ts), for the OpenAPI document's `webhooks`. */
const dataOf: { [E in keyof WebhookData]: z.ZodType } = {
  'conversation.created': z.object({ conversation: conversationViewSchema }),
  'conversation.status_changed': z.object({ conversation: conversationViewSchema, previousStatus: z.string().nullable() }),
  'conversation.assigned': z.object({ conversation: conversationViewSchema, previousAssigneeId: z.string().nullable() }),
  'message.created': z.object({ message: messageViewSchema, conversation: conversationViewSchema }),
  'message.delivery_failed': z.object({ message: messageViewSchema, conversation: conversationViewSchema }),
  'sla.breached': z.object({ conversationId: z.string(), kind: z.string(), dueAt: z.string() }),
  'automation.rule': z.object({
    ruleId: z.string(), ruleName: z.string(),
    event: z.object({ id: z.string(), type: z.string(), at: z.string(), conversationId: z.string(), chain: z.array(z.string()) }).loose(),
    conversation: conversationViewSchema.nullable(),
  }),
  ping: z.object({ webhookId: z.string() }),
};

const HEADERS = {
  'Kanal-Signature': { description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret>; refuse ones older than 5 minutes', schema: { type: 'string' } },
  'Kanal-Event': { description: 'the event name', schema: { type: 'string' } },
  'Kanal-Delivery': { description: 'the delivery id, the same on retries and redeliveries (dedupe on it)', schema: { type: 'string' } },
};

/** OpenAPI 3.1 `webhooks`: one POST per event with its versioned payload and the signature headers. */
export function webhookDocs(toSchema: (s: z.ZodType) => Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const event of [...WEBHOOK_EVENTS, 'automation.rule', 'ping'] as const) {
    const payload = z.object({ id: z.string(), event: z.literal(event), version: z.literal(WEBHOOK_PAYLOAD_VERSION), createdAt: z.string(), data: dataOf[event] });
    out[event] = {
      post: {
        summary: `Kanal sends "${event}" (payload version ${WEBHOOK_PAYLOAD_VERSION})`,
        parameters: Object.entries(HEADERS).map(([name, h]) => ({ name, in: 'header', required: true, ...h })),
        requestBody: { required: true, content: { 'application/json': { schema: toSchema(payload) } } },
        responses: { '2XX': { description: 'received; anything else (or no answer within 10 s) is retried with backoff' } },
      },
    };
  }
  return out;
}
