import type { Types } from 'mongoose';
import type { Models } from '../../store';
import type { AssignmentPolicy } from './routing-policy';

/** What `npm start` and the seed name the team new conversations are routed to (ROUTING_DEFAULT_TEAM). */
export const DEFAULT_TEAM_NAME = 'Destek';

/**
 * The policy a default team is created with: least-busy hands each new conversation to the online agent with the
 * most room (capacity and presence respected), so routing works before anyone opens the team settings. "manual"
 * would leave every customer waiting in the queue until an agent picks them up.
 */
export const DEFAULT_TEAM_POLICY: AssignmentPolicy = 'least-busy';

/**
 * Makes sure the default routing team exists (process start and seed), with a working policy when it is created
 * here; an existing team keeps the policy an admin chose. Race-safe: hub and worker may both call it at once.
 */
export function ensureDefaultTeam(m: Models, name: string): Promise<Types.ObjectId> {
  return m.teams.ensure(name, DEFAULT_TEAM_POLICY);
}
