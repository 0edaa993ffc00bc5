import { Types } from 'mongoose';
import { channelNames } from '../../domain/channels';
import { CONVERSATION_STATUSES, NO_TEAM, type ConversationStatus } from '../../domain/views';
import { narrowed, type Models, type ViewFilter } from '../../store';
import { oid } from './inbox';
import { loadSegments } from '../crm/segments';
import type { SavedView } from '../../domain/saved-views';

// What the agent console needs beyond the inbox API: per-agent settings and the live counts beside each view.

export interface AgentSettings {
  language: 'tr' | 'en';
  sound: boolean;
}
const defaults: AgentSettings = { language: 'tr', sound: true };

export async function getSettings(m: Models, agentId: string): Promise<AgentSettings> {
  const stored = await m.agents.settingsOf(oid(agentId));
  return { language: stored.language ?? defaults.language, sound: stored.sound ?? defaults.sound };
}

export async function updateSettings(m: Models, agentId: string, patch: Partial<AgentSettings>): Promise<AgentSettings> {
  await m.agents.setSettings(oid(agentId), patch);
  return getSettings(m, agentId);
}

/** The agent's personal inbox views, in their order. */
export async function getSavedViews(m: Models, agentId: string): Promise<SavedView[]> {
  return (await m.agents.settingsOf(oid(agentId))).views ?? [];
}

/** Replaces the agent's personal inbox views (the list API checks each filter's values when a view is opened). */
export async function putSavedViews(m: Models, agentId: string, views: SavedView[]): Promise<SavedView[]> {
  await m.agents.setSettings(oid(agentId), { views });
  return getSavedViews(m, agentId);
}

export interface InboxCounts {
  /** Conversations in `status` (the status the agent is looking at) per view. */
  views: { mine: number; unassigned: number; all: number };
  channels: Record<string, number>;
  /** By team id; NO_TEAM: conversations with no team. */
  teams: Record<string, number>;
  /** Every status, for the status chips (within no other filter). */
  statuses: Record<ConversationStatus, number>;
  /** By segment id, for the segments shown as views (every one listed, 0 included: the console lists them from here). */
  segments: Record<string, number>;
}

/** Signed views whose sizes add up to what an agent may see (src/services/access countedViews). */
export type CountedViews = { sign: 1 | -1; view: ViewFilter }[];

/**
 * Counts beside the console's views, from the inbox index (src/store/inbox-index.ts): one sorted-set size per view,
 * in one Redis round trip, whatever the store size; the store is not read. `within`: a team-restricted agent's
 * views; each count is then the signed sum of those views narrowed by it (exact: each is one sorted set).
 */
export async function inboxCounts(m: Models, agentId: string, status: ConversationStatus, within?: CountedViews): Promise<InboxCounts> {
  const me = String(new Types.ObjectId(agentId));
  // The index names "no team" NO_TEAM too: its count is the console's "no team" queue.
  const teamIds = [...new Set([...(await m.conversations.indexedTeamIds()), NO_TEAM])];
  const segmentIds = (await loadSegments(m)).segments.filter((s) => s.showAsView).map((s) => String(s._id));
  const filters: ViewFilter[] = [
    { status, assigneeId: me }, { status, assigneeId: null }, { status },
    ...channelNames().map((channel) => ({ status, channel })),
    ...teamIds.map((teamId) => ({ status, teamId: teamId === NO_TEAM ? null : teamId })),
    ...CONVERSATION_STATUSES.map((s) => ({ status: s })),
    ...segmentIds.map((segment) => ({ status, segment })),
  ];
  const terms: CountedViews = within ?? [{ sign: 1, view: {} }];
  const parts = filters.map((f) => terms.flatMap(({ sign, view }) => {
    const both = narrowed(f, view);
    return both ? [{ sign, both }] : []; // contradicting filters select nothing
  }));
  const sizes = await m.conversations.count(parts.flat().map((p) => p.both));
  let k = 0;
  const n = parts.map((list) => list.reduce((sum, p) => sum + p.sign * sizes[k++]!, 0));
  let i = 0;
  const views = { mine: n[i++]!, unassigned: n[i++]!, all: n[i++]! };
  const nonZero = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, n[i++]!]).filter(([, v]) => v));
  const channels = nonZero(channelNames());
  const teams = nonZero(teamIds);
  const statuses = Object.fromEntries(CONVERSATION_STATUSES.map((s) => [s, n[i++]!])) as Record<ConversationStatus, number>;
  const segments = Object.fromEntries(segmentIds.map((id) => [id, n[i++]!]));
  return { views, channels, teams, statuses, segments };
}
