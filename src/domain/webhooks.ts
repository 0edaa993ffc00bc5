import type { AutomationEvent } from './automation';
import type { ConversationView, MessageView } from './views';

/**
 * Outgoing webhook events, version 1. Names and payload shapes are a contract with the receivers: add events and
 * optional fields freely, but change or remove one only with a new `version` (docs/webhooks.md).
 */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.status_changed',
  'conversation.assigned',
  'message.created',
  'message.delivery_failed',
  'sla.breached',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** What each event carries in `data`. */
export interface WebhookData {
  'conversation.created': { conversation: ConversationView };
  'conversation.status_changed': { conversation: ConversationView; previousStatus: string | null };
  'conversation.assigned': { conversation: ConversationView; previousAssigneeId: string | null };
  'message.created': { message: MessageView; conversation: ConversationView };
  'message.delivery_failed': { message: MessageView; conversation: ConversationView };
  'sla.breached': { conversationId: string; kind: string; dueAt: string };
  /** Sent by an automation rule's `send_webhook` action to the webhook it names; not subscribable (docs/automation.md). */
  'automation.rule': { ruleId: string; ruleName: string; event: AutomationEvent; conversation: ConversationView | null };
  /** Sent by "send a test" in the console only; not subscribable. */
  ping: { webhookId: string };
}

/** The JSON body of every delivery. `id` is the delivery's id (the same on every retry and redelivery). */
export interface WebhookPayload<E extends keyof WebhookData = keyof WebhookData> {
  id: string;
  event: E;
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  createdAt: string;
  data: WebhookData[E];
}
