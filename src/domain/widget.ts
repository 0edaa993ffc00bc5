import type { ConversationStatus } from './views';

/** What the widget shows around the thread (docs/widget-protocol.md, `widget:state`). */
export interface VisitorState {
  /** The admin's greeting per language (absent languages: the widget's own). */
  greeting: { tr?: string; en?: string };
  /** Inside the business hours in effect (always true without a calendar). */
  open: boolean;
  /** Some agent who could answer is online now. */
  online: boolean;
  /** When closed: the next opening (ISO), for "we are back at ...". */
  nextOpening: string | null;
  /** The first-response target of the SLA policy in effect (minutes of business time), for "we typically reply in X". */
  replyMinutes: number | null;
  /** The visitor's latest conversation, if any. */
  conversation: { status: ConversationStatus } | null;
  /** The visitor already left an email to be answered at. */
  emailKnown: boolean;
}

/** A receipt the widget sends for agent replies it received or showed. */
export type VisitorReceiptStatus = 'delivered' | 'read';
