// The console speaks the hub's JSON shapes; only types come from src/domain (scripts/check-deps.mjs enforces it).
import type { Channel } from '../../src/domain/channels';
import type { ConversationStatus, ConversationView, CustomerView, DeliveryStatus, InboxSort, MessageView } from '../../src/domain/views';

export type { Channel, ConversationStatus, ConversationView, DeliveryStatus };

export const STATUS_LIST: readonly ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];

/** The stored message as the console renders it; email fields arrive once the email channel stores them. */
export type UiMessage = MessageView & {
  email?: { quotedText?: string; quotedHtml?: string; autoSubmitted?: boolean };
};

export interface Me {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  teamIds: string[];
}
export interface Settings {
  language: 'tr' | 'en';
  sound: boolean;
}
export interface Team {
  id: string;
  name: string;
}
export interface Agent extends Me {
  presence: 'online' | 'away' | 'offline';
  disabled: boolean;
}
export type Customer = CustomerView;
export interface Counts {
  views: { mine: number; unassigned: number; all: number };
  channels: Record<string, number>;
  teams: Record<string, number>;
  statuses: Record<ConversationStatus, number>;
  /** Per segment shown as a view (src/domain/segments.ts). */
  segments?: Record<string, number>;
}
/** The inbox view and count key of conversations with no team (src/domain/views.ts NO_TEAM). */
export const NO_TEAM = 'none';
/** One inbox view: the filter the list API takes. */
export interface View {
  /** 'me', 'unassigned' or an agent id (a saved view). */
  assignee?: string;
  channel?: Channel;
  /** A team id, or NO_TEAM. */
  team?: string;
  /** A segment shown as a view. */
  segment?: string;
  /** A label view. */
  label?: string;
  /** An exact priority (a saved view). */
  priority?: number;
  /** The list's order (kept when another view is picked). */
  sort?: InboxSort;
  /** The id of the personal saved view shown, if one is. */
  saved?: string;
  status: ConversationStatus;
}
