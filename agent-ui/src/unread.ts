import type { ConversationView } from './types';

// Unread markers are per agent and per browser: when the agent last opened each conversation (localStorage).
const key = (agentId: string) => `kanal.seen.${agentId}`;

function load(agentId: string): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(key(agentId)) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

export function markSeen(agentId: string, conversationId: string): void {
  const seen = load(agentId);
  seen[conversationId] = new Date().toISOString();
  localStorage.setItem(key(agentId), JSON.stringify(seen));
}

export function isUnread(agentId: string, c: ConversationView): boolean {
  if (!c.lastInboundAt) return false;
  const seen = load(agentId)[c.id];
  return !seen || seen < c.lastInboundAt;
}

/** A draft kept per conversation, so switching conversations never loses what was typed. */
export const drafts = {
  get: (id: string) => localStorage.getItem(`kanal.draft.${id}`) ?? '',
  set: (id: string, text: string) => (text ? localStorage.setItem(`kanal.draft.${id}`, text) : localStorage.removeItem(`kanal.draft.${id}`)),
};
