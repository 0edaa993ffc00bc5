import type { Attachment, EmailMeta } from './messages';
import type { Channel } from './channels';
import type { ConversationSlaView } from './sla';
import type { ThreadEvent } from './thread-events';
import type { VisitorProfile } from './visitor';

// The JSON shapes the API and realtime events send to the console and the widget.
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';
export type Role = 'agent' | 'supervisor' | 'admin';
/** The inbox view and count key of conversations that belong to no team (never an ObjectId, so never a team's id). */
export const NO_TEAM = 'none';
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
  /** Events only (absent on events stored before facts were kept): what happened, for the agent's language. */
  event?: ThreadEvent;
  /** Notes: the ids of the agents it @mentions. */
  mentions?: string[];
  html?: string;
  subject?: string;
  attachments: Attachment[];
  /** Email only: quoted history and signature (shown on demand), auto-reply marker, threading ids. */
  email?: EmailMeta;
  delivery: { status: DeliveryStatus; error?: string; at?: string; attempts?: number };
  createdAt: string;
  /** A realtime summary (agents without the conversation open): no HTML or quoted history, text cut short. */
  summary?: true;
  /** Its content was removed (customer erasure or retention, docs/privacy.md). */
  erased?: true;
}

/**
 * The orders an inbox page can have. `newest`: last activity, newest first (the view's own score). `waiting`: the
 * longest unanswered wait first (waitingSince ascending), then the answered ones by newest activity. `priority`: the
 * highest priority first, newest activity within one priority.
 */
export const INBOX_SORTS = ['newest', 'waiting', 'priority'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/** Who a row of another list (an automation run) is about: the conversation's customer and how to call them. */
export type CustomerRef = Pick<ConversationView, 'customerId' | 'customerName' | 'customerVisitorName'>;

export interface ConversationView {
  id: string;
  customerId: string;
  customerName?: string;
  /** An anonymous web chat visitor's readable name ("Visitor · Istanbul · Chrome"), when the customer has no name. */
  customerVisitorName?: VisitorProfile['label'];
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
  /** Segments shown as views that its customer is in (ids; src/domain/segments.ts). */
  segments?: string[];
  /** Admin-defined typed attributes of the conversation (src/domain/attributes.ts). */
  attributes?: Record<string, unknown>;
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
  /** An email the customer typed (web chat pre-chat) but never proved: not an identity, never a reply address. */
  unverifiedEmail?: string;
  /** Another customer owns the claimed email: maybe the same person, for an agent to confirm by merging. */
  mergeSuggestions: { reason: 'unverified_email'; address: string; customerId: string; name?: string }[];
  /** When an admin erased the customer's data (GDPR): the profile holds no personal field any more. */
  erasedAt?: string;
  /** What the web chat knew of an anonymous visitor at their first message (src/domain/visitor.ts). */
  visitor?: VisitorProfile;
}
