import { AgentEvents, Rooms } from '../../domain/events';
import type { EventPublisher } from '../events';

/** At most one signal per second per process (per publisher): the wallboard refetches, it needs no payload. */
const INTERVAL_MS = 1000;
const state = new WeakMap<EventPublisher, { last: number; timer: NodeJS.Timeout | null }>();

/**
 * Tells supervisors' consoles that queue, presence or load changed. Leading edge at once, then at most one
 * trailing signal per interval, so a burst of 100 routing decisions costs one or two events.
 */
export function supervisorsChanged(events: EventPublisher | null): void {
  if (!events) return;
  let s = state.get(events);
  if (!s) state.set(events, (s = { last: 0, timer: null }));
  if (s.timer) return;
  const wait = s.last + INTERVAL_MS - Date.now();
  const fire = () => {
    s!.timer = null;
    s!.last = Date.now();
    // A trailing signal may come due after the process closed its Redis connection (shutdown): skip it then.
    if (events.open) events.toRoom(Rooms.supervisors, AgentEvents.supervisorChanged);
  };
  if (wait <= 0) fire();
  else {
    s.timer = setTimeout(fire, wait);
    s.timer.unref(); // never keeps a stopping process alive
  }
}
