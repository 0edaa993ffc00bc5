import { KanalError } from '../../domain/errors';
import { MAX_LABEL_LENGTH, normalizeLabel } from '../../domain/labels';
import { inParallel, type AuditActor, type Models } from '../../store';
import { audit } from '../audit';
import type { EventPublisher } from '../events';
import { toConversationView } from './views';

/** One row of the label catalog: a label some conversation carries or an admin styled. */
export interface LabelView { name: string; colour: string | null; conversations: number }

/** Conversations moved per step of a rename: bounded reads of the label's index view, never the whole history. */
const BATCH = 50;
const IN_FLIGHT = 4;

/** Every label in use (with how many conversations carry it) and every styled one, by name (Turkish order). */
export async function listLabels(m: Models): Promise<LabelView[]> {
  const [inUse, styled] = await Promise.all([m.conversations.labelsInUse(), m.labels.all()]);
  const rows = new Map<string, LabelView>(inUse.map((l) => [l.name, { name: l.name, colour: null, conversations: l.count }]));
  for (const s of styled) rows.set(s._id, { name: s._id, colour: s.colour, conversations: rows.get(s._id)?.conversations ?? 0 });
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name, 'tr'));
}

const subject = (name: string) => ({ type: 'label', id: null, name });

/** Sets (or, with null, clears) a label's colour; audited. */
export async function setLabelColour(m: Models, events: EventPublisher | null, actor: AuditActor, raw: string, colour: string | null): Promise<LabelView> {
  const name = normalizeLabel(raw);
  const before = await m.labels.byName(name);
  if (colour) await m.labels.setColour(name, colour.toLowerCase());
  else await m.labels.remove(name);
  await audit(m, actor, 'label.colour_changed', subject(name), { colour: before?.colour ?? null }, { colour: colour?.toLowerCase() ?? null });
  events?.settingsChanged('labels');
  return (await listLabels(m)).find((l) => l.name === name) ?? { name, colour: null, conversations: 0 };
}

/**
 * Renames a label on every conversation that carries it (`to` null: removes it from them). The conversations are
 * found through the inbox index's view of the label, BATCH at a time, each changed by two atomic single-document
 * updates ($addToSet the new name, then $pullAll the old one), so an agent's concurrent label edit is never lost
 * and a conversation that already has the new name simply keeps one copy (renaming onto an existing label merges
 * them). Each write moves the conversation out of the old view, so the next batch reads the next ones; a rename
 * cut short (a crash, a restart) is finished by asking again. The colour moves with the name unless the new
 * name has its own. Audited with how many conversations changed.
 */
export async function renameLabel(m: Models, events: EventPublisher | null, actor: AuditActor, rawFrom: string, rawTo: string | null): Promise<{ name: string | null; conversations: number }> {
  const from = normalizeLabel(rawFrom);
  const to = rawTo === null ? null : normalizeLabel(rawTo);
  if (to !== null && (!to || to.length > MAX_LABEL_LENGTH)) throw new KanalError('invalid_input', `a label has 1 to ${MAX_LABEL_LENGTH} characters`);
  if (to === from) throw new KanalError('invalid_input', 'the new name is the same as the old one');
  const styled = await m.labels.byName(from);
  const inUse = (await m.conversations.labelsInUse()).some((l) => l.name === from);
  if (!styled && !inUse) throw new KanalError('not_found', 'label not found');

  let moved = 0;
  // Ids the index still lists under the label although the store has no such conversation: skipped, not retried.
  const gone = new Set<string>();
  for (;;) {
    const ids = (await m.conversations.idsWithLabel(from, BATCH + gone.size)).filter((id) => !gone.has(id)).slice(0, BATCH);
    if (!ids.length) break;
    await inParallel(ids, async (id) => {
      if (to !== null) await m.conversations.updateById(id, { $addToSet: { labels: to } });
      const updated = await m.conversations.updateById(id, { $pullAll: { labels: [from] } });
      if (!updated) return void gone.add(id);
      moved += 1;
      events?.conversation(toConversationView(updated, await m.customers.nameOf(updated.customerId)));
    }, IN_FLIGHT);
  }

  if (styled && to !== null && !(await m.labels.byName(to))) await m.labels.setColour(to, styled.colour);
  if (styled) await m.labels.remove(from);
  await audit(m, actor, to === null ? 'label.deleted' : 'label.renamed', subject(to ?? from), { name: from }, { name: to, conversations: moved });
  events?.settingsChanged('labels');
  return { name: to, conversations: moved };
}
