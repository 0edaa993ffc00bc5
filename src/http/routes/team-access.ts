import { z } from 'zod';
import { DEFAULT_TEAM_ACCESS, setTeamAccessMode, TEAM_ACCESS_MODES, teamAccessMode, type TeamAccessMode } from '../../services/access';
import { route } from '../route';

const modeSchema = z.enum(TEAM_ACCESS_MODES as [TeamAccessMode, ...TeamAccessMode[]]);
const teamAccessView = z.object({ mode: modeSchema, default: modeSchema });

/** The team access mode (src/services/access/team-access.ts; docs/operations.md, "Team access"): admins only. */
export const teamAccessRoutes = [
  route({
    method: 'get', path: '/admin/team-access', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Who sees which conversations: `team` (agents: their teams\', their own and the no-team queue; supervisors and admins: all) or `open` (everyone all)',
    responses: { 200: { description: 'the mode in effect', schema: teamAccessView } },
    async handler({ deps }) {
      return { status: 200, body: { mode: await teamAccessMode(deps.models, { fresh: true }), default: DEFAULT_TEAM_ACCESS } };
    },
  }),
  route({
    method: 'put', path: '/admin/team-access', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Change the team access mode; applies at once, without a restart or reconnect (other hub nodes: within seconds)',
    body: z.object({ mode: modeSchema }),
    responses: { 200: { description: 'the mode in effect', schema: teamAccessView } },
    async handler({ agent, body, deps }) {
      return { status: 200, body: { mode: await setTeamAccessMode(deps.models, deps.events, body.mode, agent), default: DEFAULT_TEAM_ACCESS } };
    },
  }),
];
