import argon2 from 'argon2';
import { Types } from 'mongoose';
import type { Role } from '../../domain/views';
import { isDuplicateKey, type Models, type StoredAgent, type StoredTeam } from '../../store';

export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamIds: string[];
  languages: string[];
  capacity: number;
  presence: 'online' | 'away' | 'offline';
  disabled: boolean;
  skills?: string[];
}

export function toAgentView(a: StoredAgent): AgentView {
  return {
    id: String(a._id),
    email: a.email,
    name: a.name,
    role: a.role,
    teamIds: (a.teamIds ?? []).map(String),
    languages: a.languages ?? [],
    capacity: a.capacity ?? 0,
    presence: a.presence ?? 'offline',
    disabled: Boolean(a.disabled),
    skills: a.skills ?? [],
  };
}

export class DuplicateError extends Error {}

export async function createAgent(
  m: Models,
  input: { email: string; name: string; password: string; role: Role; teamIds?: string[]; languages?: string[]; capacity?: number },
): Promise<AgentView> {
  const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
  try {
    const doc = await m.agents.create({
      email: input.email.trim().toLowerCase(),
      name: input.name,
      passwordHash,
      role: input.role,
      teamIds: (input.teamIds ?? []).map((t) => new Types.ObjectId(t)),
      languages: input.languages ?? [],
      ...(input.capacity === undefined ? {} : { capacity: input.capacity }),
    });
    return toAgentView(doc);
  } catch (err) {
    if (isDuplicateKey(err)) throw new DuplicateError('an agent with this email already exists');
    throw err;
  }
}

// A hash of a random password, verified against when the email is unknown so both paths cost one argon2 verify.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= argon2.hash(new Types.ObjectId().toHexString(), { type: argon2.argon2id }));

/** The agent for these credentials, or null (unknown email, wrong password, disabled: indistinguishable). */
export async function verifyPassword(m: Models, email: string, password: string): Promise<AgentView | null> {
  const agent = await m.agents.byEmailWithPasswordHash(email.trim().toLowerCase());
  const hash = agent?.passwordHash ?? (await getDummyHash());
  let ok = false;
  try {
    ok = await argon2.verify(hash, password);
  } catch {
    ok = false; // a corrupt stored hash is a failed sign-in, not a 500
  }
  if (!agent || !ok || agent.disabled) return null;
  return toAgentView(agent);
}

export async function findActiveAgent(m: Models, id: string): Promise<AgentView | null> {
  const agent = await m.agents.byId(id);
  return agent && !agent.disabled ? toAgentView(agent) : null;
}

export async function listAgents(m: Models): Promise<AgentView[]> {
  return (await m.agents.all()).map(toAgentView);
}

export interface TeamView {
  id: string;
  name: string;
  assignmentPolicy: string;
}
export const toTeamView = (t: StoredTeam): TeamView => ({ id: String(t._id), name: t.name, assignmentPolicy: t.assignmentPolicy });

export async function createTeam(m: Models, name: string): Promise<TeamView> {
  try {
    return toTeamView(await m.teams.create(name));
  } catch (err) {
    if (isDuplicateKey(err)) throw new DuplicateError('a team with this name already exists');
    throw err;
  }
}

export async function listTeams(m: Models): Promise<TeamView[]> {
  return (await m.teams.all()).map(toTeamView);
}

/** Whether every id names a team (agents' `teamIds` may only name existing teams). */
export const teamsExist = (m: Models, ids: string[]): Promise<boolean> => m.teams.allExist(ids);
