import argon2 from 'argon2';
import { Types } from 'mongoose';
import type { Role } from '../../domain/views';
import { isDuplicateKey, type AuditActor, type Models, type StoredAgent, type StoredTeam } from '../../store';
import { assertPasswordAllowed } from './password-policy';
import { KanalError } from '../../domain/errors';
import { audit } from '../audit';

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
  /** Acts through API tokens only (src/services/agents/api-tokens.ts). */
  bot?: boolean;
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
    ...(a.bot ? { bot: true } : {}),
  };
}

/** An agent or team with this email or name already exists. */
export class DuplicateError extends KanalError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export async function createAgent(
  m: Models,
  input: { email: string; name: string; password: string; role: Role; teamIds?: string[]; languages?: string[]; capacity?: number },
  /** The admin creating it (recorded in the audit log); seeding and bootstrap pass none. */
  actor?: AuditActor,
): Promise<AgentView> {
  assertPasswordAllowed(input.password);
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
    const view = toAgentView(doc);
    if (actor) await audit(m, actor, 'agent.created', { type: 'agent', id: doc._id, name: view.name }, {}, view);
    return view;
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

/** A new team; recorded in the audit log when an admin (`actor`) creates it, not when a test or seed does. */
export async function createTeam(m: Models, name: string, actor?: AuditActor): Promise<TeamView> {
  try {
    const team = toTeamView(await m.teams.create(name));
    if (actor) await audit(m, actor, 'team.created', { type: 'team', id: team.id, name }, {}, team);
    return team;
  } catch (err) {
    if (isDuplicateKey(err)) throw new DuplicateError('a team with this name already exists');
    throw err;
  }
}

/**
 * Renames a team (audited); null when it does not exist. The team that routing creates by name
 * (ROUTING_DEFAULT_TEAM, `protectedName`) keeps its name: renamed, a new team of that name would appear at the next start.
 */
export async function renameTeam(m: Models, actor: AuditActor, id: string, name: string, protectedName?: string): Promise<TeamView | null> {
  const before = await m.teams.byId(id);
  if (!before) return null;
  if (protectedName && before.name === protectedName && name !== before.name) throw new KanalError('invalid_input', 'the default routing team (ROUTING_DEFAULT_TEAM) keeps its name');
  try {
    const after = await m.teams.rename(id, name);
    if (!after) return null;
    await audit(m, actor, 'team.renamed', { type: 'team', id: after._id, name }, { name: before.name }, { name });
    return toTeamView(after);
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
