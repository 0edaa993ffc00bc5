import type { WebhookEvent } from '../../domain/webhooks';
import type { ConversationView, MessageView } from '../../domain/views';
import type { EventObserver } from '../events';
import { anyWants, publishWebhookEvent, type WebhookDeps } from './webhooks';

const CONVERSATION_CHANGES: readonly WebhookEvent[] = ['conversation.status_changed', 'conversation.assigned'];
// How long a conversation's last published status and assignee are remembered to tell what an update changed.
const STATE_TTL_S = 90 * 24 * 3600;

/**
 * Outgoing webhooks from what the realtime publisher sends, so every write path (an agent, routing, a merge, a snooze
 * ending, a customer reopening) produces them without each service knowing about webhooks. A conversation update
 * becomes `status_changed` and/or `assigned` by comparing it with the state last published for that conversation
 * (kept in Redis while any webhook wants those events). Costs nothing while no webhook subscribes.
 */
export function webhookObserver(d: WebhookDeps): EventObserver {
  const fire = (work: Promise<unknown>) => {
    work.catch((err: unknown) => d.logger.warn({ err }, 'webhook event not queued'));
  };
  return {
    conversation: (view, created) => fire(onConversation(d, view, created)),
    message: (view, conversation, updated) => fire(onMessage(d, view, conversation, updated)),
    slaBreached: (payload) => fire(publishWebhookEvent(d, 'sla.breached', payload)),
  };
}

async function onConversation(d: WebhookDeps, view: ConversationView, created: boolean): Promise<void> {
  if (created) await publishWebhookEvent(d, 'conversation.created', { conversation: view });
  if (!(await anyWants(d.models, CONVERSATION_CHANGES))) return;
  const state = JSON.stringify([view.status, view.assigneeId ?? null]);
  const previous = await d.redis.set(`${d.prefix}:webhook-state:${view.id}`, state, 'EX', STATE_TTL_S, 'GET');
  if (created || previous === null || previous === state) return;
  const [status, assigneeId] = JSON.parse(previous) as [string, string | null];
  if (status !== view.status) await publishWebhookEvent(d, 'conversation.status_changed', { conversation: view, previousStatus: status });
  if (assigneeId !== (view.assigneeId ?? null)) await publishWebhookEvent(d, 'conversation.assigned', { conversation: view, previousAssigneeId: assigneeId });
}

async function onMessage(d: WebhookDeps, view: MessageView, conversation: ConversationView, updated: boolean): Promise<void> {
  if (view.kind !== 'message') return; // private notes and thread events stay inside
  if (!updated) await publishWebhookEvent(d, 'message.created', { message: view, conversation });
  else if (view.delivery.status === 'failed') await publishWebhookEvent(d, 'message.delivery_failed', { message: view, conversation });
}
