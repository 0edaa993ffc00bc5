import { Types } from 'mongoose';
import type { ConversationStatus } from '../domain/views';
import type { Models } from '../store';
import { oid } from './inbox';

// What the agent console needs beyond the inbox API: per-agent settings and the live counts beside each view.

export interface AgentSettings {
  language: 'tr' | 'en';
  sound: boolean;
}
const defaults: AgentSettings = { language: 'tr', sound: true };

export async function getSettings(m: Models, agentId: string): Promise<AgentSettings> {
  const a = await m.Agent.findById(oid(agentId), { settings: 1 }).lean();
  return { ...defaults, ...(a?.settings ?? {}) } as AgentSettings;
}

export async function updateSettings(m: Models, agentId: string, patch: Partial<AgentSettings>): Promise<AgentSettings> {
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[`settings.${k}`] = v;
  if (Object.keys(set).length) await m.Agent.updateOne({ _id: oid(agentId) }, { $set: set });
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
 * Counts beside the console's views. Four small $group aggregations (FerretDB supports $match/$group/$sum);
 * each groups on one field, so the answer is a handful of rows whatever the store size.
 */
export async function inboxCounts(m: Models, agentId: string, status: ConversationStatus): Promise<InboxCounts> {
  const group = (field: string, match: Record<string, unknown>) =>
    m.Conversation.aggregate<{ _id: unknown; n: number }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]);
  const [byAssignee, byChannel, byTeam, byStatus] = await Promise.all([
    group('assigneeId', { status }),
    group('lastInboundChannel', { status }),
    group('teamId', { status }),
    group('status', {}),
  ]);
  const me = String(new Types.ObjectId(agentId));
  const views = { mine: 0, unassigned: 0, all: 0 };
  for (const row of byAssignee) {
    views.all += row.n;
    if (row._id == null) views.unassigned += row.n;
    else if (String(row._id) === me) views.mine += row.n;
  }
  const toRecord = (rows: { _id: unknown; n: number }[]) =>
    Object.fromEntries(rows.filter((r) => r._id != null).map((r) => [String(r._id), r.n]));
  const statuses = { open: 0, pending: 0, snoozed: 0, resolved: 0, ...toRecord(byStatus) } as Record<ConversationStatus, number>;
  return { views, channels: toRecord(byChannel), teams: toRecord(byTeam), statuses };
}
