import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Checkbox selection over the conversation list: a click toggles one, a shift-click sets the whole range from the
 * last clicked row to this one (to that row's new state, as in mail clients). Ids that leave the list drop out.
 */
export function useSelection(ids: readonly string[]) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);
  useEffect(() => {
    setSelected((prev) => {
      const visible = new Set(ids);
      const kept = [...prev].filter((id) => visible.has(id));
      return kept.length === prev.size ? prev : new Set(kept);
    });
  }, [ids]);
  const toggle = useCallback((id: string, shift: boolean) => {
    // Read the anchor now: React may run the updater below only after this click has moved it.
    const from = shift && anchor.current ? ids.indexOf(anchor.current) : -1;
    setSelected((prev) => {
      const next = new Set(prev);
      const on = !prev.has(id);
      const to = ids.indexOf(id);
      const range = from >= 0 && to >= 0 ? ids.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
      for (const r of range) if (on) next.add(r); else next.delete(r);
      return next;
    });
    anchor.current = id;
  }, [ids]);
  const clear = useCallback(() => setSelected(new Set()), []);
  return { selected, toggle, clear };
}

/**
 * Runs one request per conversation (the same API, its rules and its checks as a single change), a few at a time,
 * and tells which failed and why.
 */
export async function forEachConversation(ids: readonly string[], run: (id: string) => Promise<unknown>, parallel = 4): Promise<{ id: string; error: string }[]> {
  const failures: { id: string; error: string }[] = [];
  const queue = [...ids];
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await run(id).catch((err: Error) => failures.push({ id, error: err.message }));
    }
  }));
  return failures;
}
