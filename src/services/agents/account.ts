import argon2 from 'argon2';
import { Rooms } from '../../domain/events';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import type { EventPublisher } from '../events';
import { toAgentView, type AgentView } from './agents';
import { assertPasswordAllowed } from './password-policy';
import type { SessionStore } from './sessions';
import { KanalError } from '../../domain/errors';

/** A refused account change; the message is safe to show the client. */
export class AccountError extends KanalError {
  constructor(message: string, code: 'invalid_input' | 'forbidden' | 'not_found') {
    super(code, message);
  }
}

export interface AccountDeps {
  models: Models;
  sessions: SessionStore;
  /** Closes the ended sessions' live sockets on every hub node. */
  events: Pick<EventPublisher, 'disconnectAgents'>;
}

const hash = (password: string) => argon2.hash(password, { type: argon2.argon2id });

/** Sign-out: ends this session and closes its sockets. */
export async function signOut(d: AccountDeps, agentId: string, sessionId: string): Promise<void> {
  await d.sessions.end(agentId, sessionId);
  d.events.disconnectAgents([Rooms.session(sessionId)]);
}

/** "Sign out everywhere": ends every session of the agent, this one included, and closes all its sockets. */
export async function signOutEverywhere(d: AccountDeps, agentId: string): Promise<void> {
  await d.sessions.endAll(agentId);
  d.events.disconnectAgents([Rooms.agent(agentId)]);
}

/**
 * The agent changes their own password: the current one must be right (403), the new one pass the policy (400)
 * and differ from it. Every other session of the agent ends (a thief's included); this one continues.
 */
export async function changeOwnPassword(
  d: AccountDeps, agentId: string, sessionId: string, input: { currentPassword: string; newPassword: string },
): Promise<void> {
  assertPasswordAllowed(input.newPassword);
  const agent = await d.models.agents.byIdWithPasswordHash(agentId);
  if (!agent) throw new AccountError('agent not found', 'not_found');
  if (!(await argon2.verify(agent.passwordHash, input.currentPassword).catch(() => false))) throw new AccountError('the current password is wrong', 'forbidden');
  if (input.newPassword === input.currentPassword) throw new AccountError('the new password must differ from the current one', 'invalid_input');
  await d.models.agents.setPasswordHash(agentId, await hash(input.newPassword));
  const ended = await d.sessions.endAll(agentId, sessionId);
  d.events.disconnectAgents(ended.map(Rooms.session));
}

/** An admin sets another agent's password: every session of that agent ends. False when there is no such agent. */
export async function resetPassword(d: AccountDeps, actor: AuditActor, agentId: string, password: string): Promise<boolean> {
  assertPasswordAllowed(password);
  const agent = await d.models.agents.byId(agentId);
  // A bot acts through its tokens only: a password would let someone sign in as it.
  if (agent?.bot) throw new AccountError('a bot has no password; manage its tokens instead', 'invalid_input');
  if (!agent || !(await d.models.agents.setPasswordHash(agentId, await hash(password)))) return false;
  await signOutEverywhere(d, agentId);
  // The password itself never reaches the log: only that it changed (masked on both sides).
  await audit(d.models, actor, 'agent.password_reset', { type: 'agent', id: agent._id, name: agent.name }, { password: 'old' }, { password: 'new' });
  return true;
}

/**
 * An admin disables (every session ends, every socket of the agent on every node closes at once, sign-in is
 * refused) or enables an agent. Null when there is no such agent.
 */
export async function setAgentDisabled(d: AccountDeps, actor: AuditActor, agentId: string, disabled: boolean): Promise<AgentView | null> {
  // The flag first, then the sessions. A sign-in that read the agent before the flag and opens its session after
  // this ends its sessions is still refused within seconds: requests also check the (briefly cached) agent.
  const agent = await d.models.agents.setDisabled(agentId, disabled);
  if (!agent) return null;
  if (disabled) await signOutEverywhere(d, agentId);
  const subject = { type: 'agent', id: agent._id, name: agent.name };
  await audit(d.models, actor, disabled ? 'agent.disabled' : 'agent.enabled', subject, { disabled: !disabled }, { disabled });
  return toAgentView(agent);
}

/** An agent renames themselves (their name on replies, in lists and the audit log); audited as their own change. */
export async function renameSelf(m: Models, agent: AuditActor, name: string): Promise<AgentView | null> {
  const before = await m.agents.byId(agent.id);
  if (!before || !(await m.agents.setProfile(before._id, { name }))) return null;
  const after = await m.agents.byId(agent.id);
  if (!after) return null;
  await audit(m, { id: agent.id, name }, 'agent.updated', { type: 'agent', id: after._id, name }, { name: before.name }, { name });
  return toAgentView(after);
}
