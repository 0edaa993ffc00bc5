import type { Attachment, EmailMeta } from './messages';
import type { Channel } from './channels';
import type { ConversationSlaView } from './sla';

// The JSON shapes the API and realtime events send to the console and the widget.
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';
export type Role = 'agent' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

export interface MessageView {
  id: string;
  conversationId: string;
  customerId: string;
  direction: 'in' | 'out';
  kind: 'message' | 'note' | 'event';
  channel: Channel;
  author: { type: 'customer' | 'agent' | 'system'; id?: string; name?: string };
  text: string;
  html?: string;
  subject?: string;
  attachments: Attachment[];
  /** Email only: quoted history and signature (shown on demand), auto-reply marker, threading ids. */
  email?: EmailMeta;
  delivery: { status: DeliveryStatus; error?: string; at?: string; attempts?: number };
  createdAt: string;
  /** A realtime summary (agents without the conversation open): no HTML or quoted history, text cut short. */
  summary?: true;
}

export interface ConversationView {
  id: string;
  customerId: string;
  customerName?: string;
  status: ConversationStatus;
  assigneeId?: string | null;
  teamId?: string | null;
  priority: number;
  lastInboundChannel?: Channel;
  lastMessagePreview?: string;
  snoozedUntil?: string | null;
  openedAt: string;
  lastActivityAt: string;
  lastInboundAt?: string | null;
  lastOutboundAt?: string | null;
  firstResponseAt?: string | null;
  waitingSince?: string | null;
  resolvedAt?: string | null;
  labels?: string[];
  /** SLA due times and breaches (null: no SLA policy applied); see docs/business-hours-sla.md. */
  sla?: ConversationSlaView | null;
}

export interface CustomerView {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  language?: string;
  tags: string[];
  attributes: Record<string, unknown>;
  lastSeenAt?: string;
  createdAt?: string;
  identities: { kind: string; address: string; verified: boolean }[];
}
