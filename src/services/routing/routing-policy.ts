/** Pure routing choices (no I/O), so the rules read in one place and are unit-testable. */

export type AssignmentPolicy = 'manual' | 'round-robin' | 'least-busy';

export interface Candidate {
  id: string;
  name: string;
  presence: string;
  languages: string[];
  skills: string[];
  capacity: number;
  load: number;
}

export interface Need {
  language?: string | null;
  requiredSkills: string[];
}

export interface Choice {
  agent: Candidate;
  /** Human-readable why, recorded on the conversation. */
  why: string;
}

const hasAll = (have: string[], want: string[]) => want.every((w) => have.includes(w));

/**
 * Agents to try, best first: online, all required skills, below capacity; those speaking the customer's language
 * before the others (falling back to anyone eligible). Least-busy orders by load (then load/capacity, then id);
 * round-robin starts after the agent who got the previous conversation (in id order). Capacity is re-checked
 * atomically at claim time (RoutingState.claim), so the caller walks this list until one claim succeeds.
 */
export function rankCandidates(policy: AssignmentPolicy, agents: Candidate[], need: Need, lastAssigned: string | null): Choice[] {
  if (policy === 'manual') return [];
  const eligible = agents.filter((a) => a.presence === 'online' && a.load < a.capacity && hasAll(a.skills, need.requiredSkills));
  const speaks = (a: Candidate) => Boolean(need.language) && a.languages.includes(need.language!);
  const byId = [...eligible].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let ordered: Candidate[];
  if (policy === 'least-busy') {
    ordered = byId.sort((a, b) => a.load - b.load || a.load / a.capacity - b.load / b.capacity);
  } else {
    const start = lastAssigned ? byId.findIndex((a) => a.id > lastAssigned) : 0;
    const from = start < 0 ? 0 : start;
    ordered = [...byId.slice(from), ...byId.slice(0, from)];
  }
  // Stable partition: language speakers first, each group in policy order.
  const preferred = [...ordered.filter(speaks), ...ordered.filter((a) => !speaks(a))];
  return preferred.map((agent) => ({ agent, why: explain(policy, agent, need, speaks(agent)) }));
}

function explain(policy: AssignmentPolicy, a: Candidate, need: Need, speaks: boolean): string {
  const parts = [policy === 'least-busy' ? `least busy (load ${a.load}/${a.capacity})` : `next in rotation (load ${a.load}/${a.capacity})`];
  if (need.language) parts.push(speaks ? `speaks ${need.language}` : `no available agent speaks ${need.language}`);
  if (need.requiredSkills.length) parts.push(`has ${need.requiredSkills.join(', ')}`);
  return parts.join('; ');
}

/** Why nobody could take it (for the "queued" event). */
export function whyQueued(policy: AssignmentPolicy, agents: Candidate[], need: Need): string {
  if (policy === 'manual') return 'the team assigns manually';
  const online = agents.filter((a) => a.presence === 'online');
  if (!online.length) return 'no agent of the team is online';
  const skilled = online.filter((a) => hasAll(a.skills, need.requiredSkills));
  if (!skilled.length) return `no online agent has ${need.requiredSkills.join(', ')}`;
  return 'every eligible agent is at capacity';
}
