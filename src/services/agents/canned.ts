import { isDuplicateKey, type Models, type StoredCanned } from '../../store';
import { InboxError, oid } from '../conversations/inbox';
import { audit } from '../audit';
import type { EventPublisher } from '../events';
import type { AgentView } from './agents';

export interface CannedView {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  language?: string;
}
export interface CannedInput {
  shortcut: string;
  title: string;
  text: string;
  language?: string;
}

const toView = (c: StoredCanned): CannedView => ({ id: String(c._id), shortcut: c.shortcut, title: c.title, text: c.text, language: c.language ?? undefined });

/** Shortcuts are compared lowercased the Turkish way, so /İade and /iade are the same shortcut. */
export const normalizeShortcut = (s: string) => s.trim().replace(/^\//, '').toLocaleLowerCase('tr-TR');

export async function listCanned(m: Models): Promise<CannedView[]> {
  return (await m.canned.list(500)).map(toView);
}

async function unique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isDuplicateKey(err)) throw new InboxError('a canned response with this shortcut exists', 'conflict');
    throw err;
  }
}

const subjectOf = (c: StoredCanned) => ({ type: 'canned', id: c._id, name: `/${c.shortcut}` });

/** An admin's new canned response (recorded in the audit log); seeding passes no `actor` and records nothing. */
/** Every change tells the consoles to refetch their "/" list (`events`: the hub's publisher; seeding has none). */
export async function createCanned(m: Models, input: CannedInput, actor: Pick<AgentView, 'id' | 'name'> | null, events: EventPublisher | null = null): Promise<CannedView> {
  const doc = await unique(() => m.canned.create({ ...input, shortcut: normalizeShortcut(input.shortcut), createdBy: actor?.id ?? 'seed' }));
  if (actor) await audit(m, actor, 'canned.created', subjectOf(doc), {}, toView(doc));
  events?.settingsChanged('canned');
  return toView(doc);
}

export async function updateCanned(m: Models, actor: Pick<AgentView, 'id' | 'name'>, id: string, input: Partial<CannedInput>, events: EventPublisher | null = null): Promise<CannedView> {
  const set = { ...input, ...(input.shortcut ? { shortcut: normalizeShortcut(input.shortcut) } : {}) };
  const before = await m.canned.byId(oid(id));
  const doc = before && await unique(() => m.canned.update(before._id, set));
  if (!before || !doc) throw new InboxError('canned response not found', 'not_found');
  await audit(m, actor, 'canned.updated', subjectOf(doc), toView(before), toView(doc));
  events?.settingsChanged('canned');
  return toView(doc);
}

export async function deleteCanned(m: Models, actor: Pick<AgentView, 'id' | 'name'>, id: string, events: EventPublisher | null = null): Promise<void> {
  const before = await m.canned.byId(oid(id));
  if (!before || !(await m.canned.remove(before._id))) throw new InboxError('canned response not found', 'not_found');
  await audit(m, actor, 'canned.deleted', subjectOf(before), toView(before), {});
  events?.settingsChanged('canned');
}
