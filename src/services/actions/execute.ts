import { KanalError } from '../../domain/errors';
import type { StoredConversation } from '../../store';
import { setConversationAttributes } from '../crm/attributes';
import { changeLabels } from '../conversations/labels';
import { assignConversation, changeStatus, sendReply, type ConversationEffects } from '../conversations/lifecycle';
import { createNote } from '../conversations/replies';
import type { Actor } from '../conversations/inbox';
import { changeRouting } from '../routing/routing';
import type { Plan } from './plan';
import { same, snapshotOf, type Snapshot } from './snapshot';

/** What applying a plan did: the fields before and after, the labels it actually moved, the messages it added. */
export interface Applied {
  before: Snapshot;
  after: Snapshot;
  labelsAdded: string[];
  labelsRemoved: string[];
  replies: string[];
  notes: string[];
}

/**
 * Applies a checked plan (./plan.ts) through the services an agent's own clicks use, so every effect is the same:
 * thread events, realtime, metric facts, routing, SLA clocks, CSAT, audit. The order is fixed, not the list's:
 * replies, then notes (a channel's rules, like the WhatsApp window, can still refuse a reply, and then nothing has
 * changed yet), then assignment, labels, priority, attributes, and the status last (a resolve after the
 * reply that closes the case). `settings`: the hub's config, for the channels' reply rules; `automated`: an automation
 * rule applies it (its replies assign nobody). A step refused after
 * others took effect throws PartlyApplied with what was done; a refusal before anything changed throws as it is.
 */
export async function executePlan(
  fx: ConversationEffects, actor: Actor, conversation: StoredConversation, plan: Plan, settings?: Readonly<Record<string, unknown>>,
  opts: { automated?: boolean } = {},
): Promise<Applied> {
  const id = String(conversation._id);
  const agent = { id: actor.id, name: actor.name };
  const replies: string[] = [];
  const notes: string[] = [];
  let failure: unknown;
  try {
    // Replies before notes: a reply the channel refuses then leaves nothing done.
    for (const msg of [...plan.messages].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'reply' ? -1 : 1))) {
      if (msg.kind === 'reply') {
        // An automation rule is not an agent: its reply must not make it the assignee (the hand-off setting).
        const { message } = await sendReply(fx, { conversationId: id, agent, text: msg.text, settings }, { assignOnReply: !opts.automated });
        replies.push(String(message._id));
      } else {
        notes.push(String((await createNote(fx.models, fx.events, { conversationId: id, agent, text: msg.text }))._id));
      }
    }
    if (plan.assignment) await assignConversation(fx, actor, id, plan.assignment);
    if (plan.labels) await changeLabels(fx.models, fx.events, id, plan.labels);
    if (plan.priority !== undefined) {
      if (!fx.routing) throw new KanalError('unavailable', 'routing is not running in this process');
      await changeRouting(fx.routing, actor, id, { priority: plan.priority });
    }
    if (plan.attributes) await setConversationAttributes(fx.models, id, plan.attributes);
    if (plan.status) await changeStatus(fx, agent, id, plan.status);
  } catch (err) {
    // A step refused after earlier ones took effect (someone changed the conversation meanwhile): what was done is
    // still reported, so it can be undone.
    failure = err;
  }

  const now = await fx.models.conversations.byId(conversation._id);
  if (!now) throw new KanalError('not_found', 'conversation not found');
  const keys = Object.keys(plan.attributes ?? {});
  const applied: Applied = {
    before: snapshotOf(conversation, plan, keys),
    after: snapshotOf(now, plan, keys),
    labelsAdded: (plan.labels?.add ?? []).filter((l) => (now.labels ?? []).includes(l)),
    labelsRemoved: (plan.labels?.remove ?? []).filter((l) => !(now.labels ?? []).includes(l)),
    replies,
    notes,
  };
  if (failure !== undefined) {
    const nothingDone = !replies.length && !notes.length && !applied.labelsAdded.length && !applied.labelsRemoved.length && same(applied.before, applied.after);
    throw nothingDone ? failure : new PartlyApplied(applied, failure);
  }
  return applied;
}

/** Some steps of a list took effect before one failed: what was done (for the undo), and the failure. */
export class PartlyApplied extends Error {
  constructor(readonly applied: Applied, readonly failure: unknown) {
    super('the action list was applied in part');
  }
}
