import { Types } from 'mongoose';
import { CHANNELS } from '../../domain/channels';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../domain/views';
import type { Models, ViewFilter } from '../../store';
import { oid } from './inbox';

// What the agent console needs beyond the inbox API: per-agent settings and the live counts beside each view.

export interface AgentSettings {
  language: 'tr' | 'en';
  sound: boolean;
}
const defaults: AgentSettings = { language: 'tr', sound: true };

export async function getSettings(m: Models, agentId: string): Promise<AgentSettings> {
  return { ...defaults, ...((await m.agents.settingsOf(oid(agentId))) ?? {}) } as AgentSettings;
}

export async function updateSettings(m: Models, agentId: string, patch: Partial<AgentSettings>): Promise<AgentSettings> {
  await m.agents.setSettings(oid(agentId), patch);
  return getSettings(m, agentId);
}

export interface InboxCounts {
  /** Conversations in `status` (the status the agent is looking at) per view. */
  views: { mine: number; unassigned: number; all: number };
  channels: Record<string, number>;
  teams: Record<string, number>;
  /** Every status, for the status chips (within no other filter). */
  statuses: Record<ConversationStatus, number>;
}

/**
 * Counts beside the console's views, from the inbox index (src/store/inbox-index.ts): one sorted-set size per view,
 * in one Redis round trip, whatever the store size; the store is not read.
 */
export async function inboxCounts(m: Models, agentId: string, status: ConversationStatus): Promise<InboxCounts> {
  const me = String(new Types.ObjectId(agentId));
  const teamIds = (await m.conversations.indexedTeamIds()).filter((t) => t !== 'none');
  const filters: ViewFilter[] = [
    { status, assigneeId: me }, { status, assigneeId: null }, { status },
    ...CHANNELS.map((channel) => ({ status, channel })),
    ...teamIds.map((teamId) => ({ status, teamId })),
    ...CONVERSATION_STATUSES.map((s) => ({ status: s })),
  ];
  const n = await m.conversations.count(filters);
  let i = 0;
  const views = { mine: n[i++]!, unassigned: n[i++]!, all: n[i++]! };
  const nonZero = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, n[i++]!]).filter(([, v]) => v));
  const channels = nonZero(CHANNELS);
  const teams = nonZero(teamIds);
  const statuses = Object.fromEntries(CONVERSATION_STATUSES.map((s) => [s, n[i++]!])) as Record<ConversationStatus, number>;
  return { views, channels, teams, statuses };
}
