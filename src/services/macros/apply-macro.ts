import type { UndoResult } from '../../domain/actions';
import { KanalError } from '../../domain/errors';
import type { ConversationView } from '../../domain/views';
import { executePlan, isEmptyPlan, PartlyApplied, planActions, undoApplied, type Applied } from '../actions';
import type { Snapshot } from '../actions/snapshot';
import { announce, getConversationView, oid, type Actor } from '../conversations/inbox';
import type { ConversationEffects } from '../conversations/lifecycle';
import { visibleMacro } from './macros';

/** The agent's last macro on a conversation, while it can be undone. */
export interface MacroRunView {
  macroId: string;
  macroName: string;
  appliedAt: string;
  /** Replies it sent: an undo cannot take them back. */
  replies: number;
}

// The thread events; the console recognizes these shapes and says them in the agent's language (agent-ui/src/events.ts).

async function conversationOf(fx: ConversationEffects, id: string) {
  const c = await fx.models.conversations.byId(oid(id));
  if (!c) throw new KanalError('not_found', 'conversation not found');
  return c;
}

/**
 * Applies a macro the agent may see to a conversation: the list is checked first (./actions plan: nothing changes
 * when it is refused), applied through the lifecycle services, remembered for the undo, and recorded in the thread.
 * A list that would change nothing records nothing and keeps the previous undo.
 */
export async function applyMacro(
  fx: ConversationEffects, actor: Actor, conversationId: string, macroId: string, settings?: Readonly<Record<string, unknown>>,
): Promise<{ conversation: ConversationView; run: MacroRunView | null }> {
  const macro = await visibleMacro(fx.models, actor, macroId);
  const c = await conversationOf(fx, conversationId);
  const plan = await planActions(fx.models, actor, c, macro.actions);
  if (isEmptyPlan(plan)) return { conversation: await getConversationView(fx.models, conversationId), run: null };
  const appliedAt = new Date();
  const remember = async (applied: Applied) => {
    await fx.models.macroRuns.record({
      agentId: actor.id, conversationId: c._id, macroId: macro._id, macroName: macro.name, appliedAt, ...applied,
      before: { ...applied.before }, after: { ...applied.after },
    });
    return announce(fx.models, fx.events, await conversationOf(fx, conversationId), { type: 'macro', actor: actor.name, name: macro.name, undone: false }, actor);
  };
  let applied: Applied;
  try {
    applied = await executePlan(fx, actor, c, plan, settings);
  } catch (err) {
    if (!(err instanceof PartlyApplied)) throw err;
    // What took effect stays undoable and is in the thread; the answer is the failure (the console says it).
    await remember(err.applied);
    throw err.failure;
  }
  const conversation = await remember(applied);
  return { conversation, run: { macroId: String(macro._id), macroName: macro.name, appliedAt: appliedAt.toISOString(), replies: applied.replies.length } };
}

/** The agent's last macro on the conversation that an undo would take back, or null. */
export async function lastMacroRun(fx: ConversationEffects, actor: Actor, conversationId: string): Promise<MacroRunView | null> {
  const run = await fx.models.macroRuns.last(actor.id, String(oid(conversationId)));
  return run && { macroId: String(run.macroId), macroName: run.macroName, appliedAt: run.appliedAt.toISOString(), replies: run.replies.length };
}

/**
 * Undoes the last macro this agent applied to the conversation (once: the run is claimed first). What it restored
 * and what it kept, and why, are in the answer; the thread records the undo.
 */
export async function undoLastMacro(fx: ConversationEffects, actor: Actor, conversationId: string): Promise<{ conversation: ConversationView; macroName: string } & UndoResult> {
  const c = await conversationOf(fx, conversationId);
  const run = await fx.models.macroRuns.claim(actor.id, String(c._id));
  if (!run) throw new KanalError('not_found', 'no macro of yours to undo on this conversation');
  const result = await undoApplied(fx, actor, c, { ...run, before: (run.before ?? {}) as Snapshot, after: (run.after ?? {}) as Snapshot });
  const conversation = await announce(fx.models, fx.events, await conversationOf(fx, conversationId), { type: 'macro', actor: actor.name, name: run.macroName, undone: true }, actor);
  return { conversation, macroName: run.macroName, ...result };
}
