import type { ConversationView, MessageView } from '../../domain/views';
import type { StoredConversation, StoredMessage } from '../../store';
import { toSlaView } from '../sla/sla-view';

// Maps stored documents to the JSON views of src/domain/views.ts (one place, so API and events agree).
const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);
const idOrNull = (v: unknown): string | null => (v == null ? null : String(v));

export function toConversationView(c: StoredConversation, customerName?: string): ConversationView {
  return {
    id: String(c._id),
    customerId: String(c.customerId),
    customerName,
    status: c.status,
    assigneeId: idOrNull(c.assigneeId),
    teamId: idOrNull(c.teamId),
    priority: c.priority ?? 0,
    lastInboundChannel: c.lastInboundChannel,
    lastMessagePreview: c.lastMessagePreview,
    snoozedUntil: iso(c.snoozedUntil),
    openedAt: iso(c.openedAt)!,
    lastActivityAt: iso(c.lastActivityAt)!,
    lastInboundAt: iso(c.lastInboundAt),
    lastOutboundAt: iso(c.lastOutboundAt),
    firstResponseAt: iso(c.firstResponseAt),
    waitingSince: iso(c.waitingSince),
    resolvedAt: iso(c.resolvedAt),
    labels: c.labels ?? [],
    ...(c.segments?.length ? { segments: c.segments } : {}),
    ...(c.attributes && Object.keys(c.attributes).length ? { attributes: c.attributes } : {}),
    sla: toSlaView(c.sla) ?? undefined,
  };
}

export function toMessageView(m: StoredMessage): MessageView {
  return {
    id: String(m._id),
    conversationId: String(m.conversationId),
    customerId: String(m.customerId),
    direction: m.direction,
    kind: m.kind,
    channel: m.channel,
    author: { type: m.author?.type, id: m.author?.id ?? undefined, name: m.author?.name ?? undefined },
    text: m.text ?? '',
    ...(m.event ? { event: m.event } : {}),
    ...(m.mentions?.length ? { mentions: [...m.mentions] } : {}),
    html: m.html ?? undefined,
    subject: m.subject ?? undefined,
    attachments: (m.attachments ?? []).map((a) => ({
      name: a.name, contentType: a.contentType, size: a.size, url: a.url ?? undefined, storageKey: a.storageKey ?? undefined,
    })),
    email: m.email ?? undefined,
    delivery: {
      status: m.delivery?.status,
      error: m.delivery?.error ?? undefined,
      at: iso(m.delivery?.at) ?? undefined,
      attempts: m.delivery?.attempts ?? 0,
    },
    createdAt: iso(m.createdAt)!,
    ...(m.erasedAt ? { erased: true as const } : {}),
  };
}

export const preview = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);
