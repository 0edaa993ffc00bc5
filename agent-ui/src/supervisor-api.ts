import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';
import { liveSocket } from './live';

// The supervisor APIs, typed exactly as the routing, sla and metrics briefs publish them.
export interface Wallboard {
  teams: { id: string; name: string; policy: string; queueLength: number; longestWaitMs: number }[];
  /** Open conversations with neither a team nor an assignee. */
  noTeam: { queueLength: number; longestWaitMs: number };
  agents: { id: string; name: string; presence: 'online' | 'away' | 'offline'; presenceSince?: string | null; load: number; capacity: number; teamIds: string[] }[];
  viewers: { conversationId: string; customerName: string | null; customerVisitorName?: { tr: string; en: string }; agentIds: string[] }[];
}
export interface AtRisk {
  conversationId: string; customerName?: string; customerVisitorName?: { tr: string; en: string }; teamId?: string | null; assigneeId?: string | null;
  kind: 'first_response' | 'next_response' | 'resolution'; dueAt: string; breached: boolean;
}
export type { ReportSummary as Summary } from '../../src/domain/reports';

/** A result, or 'missing' when the hub has no such endpoint yet (404), or an error message. */
export type Loaded<T> = { data: T; at: number } | { missing: true } | { error: string } | undefined;

/**
 * Fetch `path` now, every `everyMs`, and whenever one of the socket `events` arrives (coalesced to one fetch per
 * 300 ms so a burst of changes costs one request).
 */
export function useLive<T>(path: string, events: string[], everyMs = 10_000): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const load = useCallback(() => {
    api<T>(path).then(
      (data) => setState({ data, at: Date.now() }),
      (err: Error & { status?: number }) => setState(err.status === 404 ? { missing: true } : { error: err.message }),
    );
  }, [path]);
  const key = events.join(',');
  useEffect(() => {
    load();
    const every = setInterval(load, everyMs);
    const socket = liveSocket();
    const soon = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(load, 300);
    };
    const names = key.split(',').filter(Boolean);
    for (const e of names) socket.on(e, soon);
    return () => {
      clearInterval(every);
      clearTimeout(timer.current);
      for (const e of names) socket.off(e, soon);
    };
  }, [load, everyMs, key]);
  return [state, load];
}
