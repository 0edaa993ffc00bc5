import { useEffect, useState } from 'react';
import { loadAssignees, type Assignee } from './assignees';

/** The "@name" being typed at the end of a note, if any (letters of any language, digits, dot, dash). */
export const atToken = (text: string) => /(?:^|\s)@([\p{L}\p{N}._-]*)$/u.exec(text)?.[1];

/**
 * @mentions in a note: the active agents to offer (GET /api/assignees, which every agent may call), the matches of
 * the "@name" being typed, and which picked agents the text still names (sent as the note's `mentions`).
 */
export function useMentionPicker(active: boolean, text: string, meId: string) {
  const [agents, setAgents] = useState<Assignee[] | null>(null);
  const [picked, setPicked] = useState<Assignee[]>([]);
  useEffect(() => {
    if (active && !agents) loadAssignees().then((a) => setAgents(a.agents), () => setAgents([]));
  }, [active, agents]);

  const token = active ? atToken(text) : undefined;
  const needle = token?.toLocaleLowerCase('tr-TR') ?? '';
  const matches = token === undefined || !agents ? [] : agents
    .filter((a) => a.id !== meId && a.name.toLocaleLowerCase('tr-TR').split(/\s+/).some((w) => w.startsWith(needle)))
    .slice(0, 6);

  /** The text with the "@name" replaced by the agent's full name; remembers the agent. */
  const pick = (a: Assignee): string => {
    setPicked((prev) => (prev.some((p) => p.id === a.id) ? prev : [...prev, a]));
    return text.replace(/@[\p{L}\p{N}._-]*$/u, `@${a.name} `);
  };
  /** The ids of picked agents whose "@Full Name" is still in the text (deleting it un-mentions them). */
  const mentionsIn = (value: string) => picked.filter((a) => value.includes(`@${a.name}`)).map((a) => a.id);
  const reset = () => setPicked([]);
  return { matches, pick, mentionsIn, reset };
}
