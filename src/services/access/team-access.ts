import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import type { EventPublisher } from '../events';

/**
 * Who sees which conversations (docs/operations.md, "Team access"):
 * - `team`: an agent sees and acts on the conversations of their teams, those assigned to them and the "no team"
 *   queue (no team, nobody assigned); supervisors and admins see all. The default: teams usually exist to keep
 *   work (and customers' personal data) apart, and an unset setting must not show everyone everything.
 * - `open`: every agent sees every conversation (one team sharing one inbox).
 */
export type TeamAccessMode = 'open' | 'team';
export const TEAM_ACCESS_MODES: readonly TeamAccessMode[] = ['open', 'team'];
export const DEFAULT_TEAM_ACCESS: TeamAccessMode = 'team';

const SETTING = 'teamAccess';
// Read on every request that touches a conversation: a short cache per process; a change made through this process
// applies at once, on other hubs within CACHE_MS (their sockets' rooms follow at once: accessChanged).
const CACHE_MS = 2000;
const cache = new WeakMap<object, { mode: TeamAccessMode; until: number }>();

const valid = (v: unknown): v is TeamAccessMode => TEAM_ACCESS_MODES.includes(v as TeamAccessMode);

/** The mode in effect (the stored setting, else the default). `fresh` skips the cache (socket room decisions). */
export async function teamAccessMode(m: Models, opts: { fresh?: boolean } = {}): Promise<TeamAccessMode> {
  const hit = cache.get(m);
  if (!opts.fresh && hit && hit.until > Date.now()) return hit.mode;
  const stored = await m.settings.get(SETTING);
  const mode = valid(stored) ? stored : DEFAULT_TEAM_ACCESS;
  cache.set(m, { mode, until: Date.now() + CACHE_MS });
  return mode;
}

/** An admin changes the mode: stored, then every hub node re-decides its agents' rooms (no restart, no reconnect). */
export async function setTeamAccessMode(m: Models, events: EventPublisher | null, mode: TeamAccessMode, actor: AuditActor | null): Promise<TeamAccessMode> {
  const before = actor ? await teamAccessMode(m, { fresh: true }) : null;
  await m.settings.set(SETTING, mode);
  // An admin's change is recorded (a test or benchmark setting the mode passes no actor).
  if (actor) await audit(m, actor, 'settings.team_access_changed', { type: 'settings', id: null, name: 'team access' }, { mode: before }, { mode });
  cache.set(m, { mode, until: Date.now() + CACHE_MS });
  events?.accessChanged();
  return mode;
}
