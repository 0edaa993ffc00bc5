import { z } from 'zod';
import { resetPassword, setAgentDisabled } from '../../services/agents/account';
import { KanalError } from '../../domain/errors';
import { idParams, route } from '../route';
import { agentViewSchema, err } from '../schemas';
import { forgetAgent } from '../session';
import { accountDeps, newPassword } from './auth';

export const resetPasswordBody = z.object({ password: newPassword });

/** An admin's hold on other agents' access: disable, enable, reset the password (each ends the agent's sessions). */
export const authAdminRoutes = [
  ...(['disable', 'enable'] as const).map((action) =>
    route({
      method: 'post', path: `/agents/:id/${action}`, tag: 'admin', access: 'admin', resource: 'none',
      summary: action === 'disable'
        ? 'Disable an agent: every session ends and its live sockets close at once (on every hub node); sign-in is refused'
        : 'Enable a disabled agent again (it signs in anew)',
      params: idParams,
      responses: { 200: { description: 'the agent', schema: agentViewSchema }, 400: err('an admin cannot disable themselves'), 404: err('agent not found') },
      async handler({ agent, params, deps }) {
        if (action === 'disable' && params.id === agent.id) throw new KanalError('invalid_input', 'you cannot disable your own account');
        const changed = await setAgentDisabled(accountDeps(deps), agent, params.id, action === 'disable');
        if (!changed) throw new KanalError('not_found', 'agent not found');
        forgetAgent(deps, params.id);
        return { status: 200, body: changed };
      },
    }),
  ),
  route({
    method: 'post', path: '/agents/:id/password', tag: 'admin', access: 'admin', resource: 'none',
    summary: "Set another agent's password (e.g. a forgotten one); every session of that agent ends",
    params: idParams, body: resetPasswordBody,
    responses: { 204: { description: 'set' }, 400: err('the password is refused by the policy, or it is your own (use /me/password)'), 404: err('agent not found') },
    async handler({ agent, params, body, deps }) {
      // One's own password is changed with the current one (POST /me/password), never reset around it.
      if (params.id === agent.id) throw new KanalError('invalid_input', 'change your own password with POST /api/me/password');
      if (!(await resetPassword(accountDeps(deps), agent, params.id, body.password))) throw new KanalError('not_found', 'agent not found');
      return { status: 204 };
    },
  }),
];
