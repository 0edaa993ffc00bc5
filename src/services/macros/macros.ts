import type { Types } from 'mongoose';
import { actionListSchema, type Action } from '../../domain/actions';
import { KanalError } from '../../domain/errors';
import { isDuplicateKey, type MacroVisibility, type Models, type StoredMacro } from '../../store';
import { audit } from '../audit';
import { checkedValues } from '../crm/attributes';
import { oid, type Actor } from '../conversations/inbox';

/** Caps that keep an agent's list one small read: a team's shared library, and each agent's own. */
export const MAX_SHARED_MACROS = 300;
export const MAX_PERSONAL_MACROS = 100;

export interface MacroView {
  id: string;
  name: string;
  actions: Action[];
  visibility: MacroVisibility;
  ownerId: string;
  ownerName: string;
  /** Whether the asking agent may change or delete it (their own personal one; a shared one for supervisors and admins). */
  editable: boolean;
  updatedAt: string;
}
export interface MacroInput { name: string; actions: Action[]; visibility: MacroVisibility }

const staff = (a: Actor) => a.role !== 'agent';
const foldName = (name: string) => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr-TR');
const nameKeyOf = (visibility: MacroVisibility, ownerId: string, name: string) => `${visibility === 'shared' ? 'shared' : ownerId}|${foldName(name)}`;
const canEdit = (a: Actor, m: StoredMacro) => (m.visibility === 'shared' ? staff(a) : m.ownerId === a.id);
/** A personal macro is its owner's alone: for anyone else it does not exist. */
const canSee = (a: Actor, m: StoredMacro) => m.visibility === 'shared' || m.ownerId === a.id;

const toView = (a: Actor, m: StoredMacro): MacroView => ({
  id: String(m._id), name: m.name, actions: m.actions, visibility: m.visibility, ownerId: m.ownerId, ownerName: m.ownerName ?? '',
  editable: canEdit(a, m), updatedAt: m.updatedAt.toISOString(),
});
const subjectOf = (m: StoredMacro) => ({ type: 'macro', id: m._id, name: m.name });
const audited = (m: StoredMacro) => ({ name: m.name, visibility: m.visibility, actions: m.actions });

/** The shared macros and the agent's own, by name. */
export async function listMacros(m: Models, actor: Actor): Promise<MacroView[]> {
  return (await m.macros.visibleTo(actor.id)).map((x) => toView(actor, x));
}

/** A macro the agent may see (shared, or their own), else not found. */
export async function visibleMacro(m: Models, actor: Actor, id: string): Promise<StoredMacro> {
  const macro = await m.macros.byId(oid(id, 'macroId'));
  if (!macro || !canSee(actor, macro)) throw new KanalError('not_found', 'macro not found');
  return macro;
}

/**
 * Saving checks what a list names: it still exists (canned response, agent, team, attribute and its value), and
 * an agent's own macro holds only what the agent may do by hand (it would be refused each time it is applied).
 */
async function checkActions(m: Models, actor: Actor, visibility: MacroVisibility, actions: Action[]): Promise<Action[]> {
  const list = actionListSchema.parse(actions);
  for (const [i, a] of list.entries()) {
    const at = `action ${i + 1}`;
    if (a.type === 'send_canned' && !(await m.canned.byId(oid(a.cannedId, 'cannedId')))) throw new KanalError('unprocessable', `${at}: no such canned response`);
    if (a.type === 'assign_agent' && a.agentId) {
      const agent = await m.agents.byId(oid(a.agentId, 'agentId'));
      if (!agent || agent.disabled) throw new KanalError('unprocessable', `${at}: no such agent, or disabled`);
    }
    if (a.type === 'assign_team' && a.teamId && !(await m.teams.exists(oid(a.teamId, 'teamId')))) throw new KanalError('unprocessable', `${at}: no such team`);
    if (a.type === 'set_attribute') await checkedValues(m, 'conversation', { [a.key]: a.value });
    if (visibility === 'personal' && !staff(actor)) {
      if (a.type === 'set_priority') throw new KanalError('forbidden', `${at}: only supervisors and admins change the priority`);
      if (a.type === 'assign_agent' && a.agentId && a.agentId !== actor.id) throw new KanalError('forbidden', `${at}: agents may only assign conversations to themselves`);
      if (a.type === 'assign_team' && a.teamId && !actor.teamIds.includes(a.teamId)) throw new KanalError('forbidden', `${at}: agents may only move conversations to their own teams`);
    }
  }
  return list;
}

async function unique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isDuplicateKey(err)) throw new KanalError('conflict', 'a macro with this name exists');
    throw err;
  }
}

/** Every agent makes personal macros; shared ones are for supervisors and admins (and audited). */
export async function createMacro(m: Models, actor: Actor, input: MacroInput): Promise<MacroView> {
  if (input.visibility === 'shared' && !staff(actor)) throw new KanalError('forbidden', 'only supervisors and admins create shared macros');
  const actions = await checkActions(m, actor, input.visibility, input.actions);
  const count = input.visibility === 'shared' ? await m.macros.countShared() : await m.macros.countPersonal(actor.id);
  const cap = input.visibility === 'shared' ? MAX_SHARED_MACROS : MAX_PERSONAL_MACROS;
  if (count >= cap) throw new KanalError('conflict', `at most ${cap} ${input.visibility} macros`);
  const doc = await unique(() => m.macros.create({
    name: input.name.trim(), nameKey: nameKeyOf(input.visibility, actor.id, input.name), actions, visibility: input.visibility, ownerId: actor.id, ownerName: actor.name,
  }));
  if (doc.visibility === 'shared') await audit(m, actor, 'macro.created', subjectOf(doc), {}, audited(doc));
  return toView(actor, doc);
}

/** Changes the fields sent. Making a shared macro personal makes it the caller's own. */
export async function updateMacro(m: Models, actor: Actor, id: string, input: Partial<MacroInput>): Promise<MacroView> {
  const before = await visibleMacro(m, actor, id);
  if (!canEdit(actor, before)) throw new KanalError('forbidden', 'only supervisors and admins change shared macros');
  const visibility = input.visibility ?? before.visibility;
  if (visibility === 'shared' && !staff(actor)) throw new KanalError('forbidden', 'only supervisors and admins share macros');
  const ownerId = visibility === before.visibility ? before.ownerId : actor.id;
  const name = input.name?.trim() ?? before.name;
  const set = {
    name, visibility, nameKey: nameKeyOf(visibility, ownerId, name),
    ...(input.actions || visibility !== before.visibility ? { actions: await checkActions(m, actor, visibility, input.actions ?? before.actions) } : {}),
    ...(ownerId !== before.ownerId ? { ownerId, ownerName: actor.name } : {}),
  };
  const doc = await unique(() => m.macros.update(before._id, set));
  if (!doc) throw new KanalError('not_found', 'macro not found');
  if (before.visibility === 'shared' || doc.visibility === 'shared') await audit(m, actor, 'macro.updated', subjectOf(doc), audited(before), audited(doc));
  return toView(actor, doc);
}

export async function deleteMacro(m: Models, actor: Actor, id: string): Promise<void> {
  const before = await visibleMacro(m, actor, id);
  if (!canEdit(actor, before)) throw new KanalError('forbidden', 'only supervisors and admins delete shared macros');
  if (!(await m.macros.remove(before._id as Types.ObjectId))) throw new KanalError('not_found', 'macro not found');
  if (before.visibility === 'shared') await audit(m, actor, 'macro.deleted', subjectOf(before), audited(before), {});
}
