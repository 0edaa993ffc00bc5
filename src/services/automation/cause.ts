import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which rules' actions are running right now (oldest first). The worker runs a rule's actions inside `asRule`; the
 * publisher calls its observers synchronously from those actions' writes, so the automation observer reads the
 * chain here and stamps it on the events they cause (the loop guard: docs/automation.md, "Loops"). Work that
 * leaves this async context (another queue's job, a timer) starts a new chain.
 */
const running = new AsyncLocalStorage<readonly string[]>();

export const currentChain = (): string[] => [...(running.getStore() ?? [])];

export function asRule<T>(chain: readonly string[], ruleId: string, work: () => Promise<T>): Promise<T> {
  return running.run([...chain, ruleId], work);
}
