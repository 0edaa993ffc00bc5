import { isDuplicateKey, type Models, type StoredCanned } from '../../store';
import { InboxError, oid } from '../conversations/inbox';

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
    if (isDuplicateKey(err)) throw new InboxError('a canned response with this shortcut exists', 409);
    throw err;
  }
}

export async function createCanned(m: Models, input: CannedInput, by: string): Promise<CannedView> {
  return toView(await unique(() => m.canned.create({ ...input, shortcut: normalizeShortcut(input.shortcut), createdBy: by })));
}

export async function updateCanned(m: Models, id: string, input: Partial<CannedInput>): Promise<CannedView> {
  const set = { ...input, ...(input.shortcut ? { shortcut: normalizeShortcut(input.shortcut) } : {}) };
  const doc = await unique(() => m.canned.update(oid(id), set));
  if (!doc) throw new InboxError('canned response not found', 404);
  return toView(doc);
}

export async function deleteCanned(m: Models, id: string): Promise<void> {
  if (!(await m.canned.remove(oid(id)))) throw new InboxError('canned response not found', 404);
}
