import { z } from 'zod';
import { TOKEN_SCOPES } from '../../store';
import { createBot, createPersonalToken, listAllTokens, listOwnTokens, revokeToken } from '../../services/agents/api-tokens';
import { idParams, route } from '../route';
import { agentViewSchema, err } from '../schemas';

const tokenView = z.object({
  id: z.string(), name: z.string(), kind: z.enum(['personal', 'bot']), ownerId: z.string(), prefix: z.string(),
  scopes: z.array(z.enum(TOKEN_SCOPES)), createdAt: z.string(), createdBy: z.string().optional(),
  expiresAt: z.string().nullable(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(),
});
export const newTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
const created = z.object({ token: z.string().describe('the secret: shown this once, never again'), tokenInfo: tokenView });
const tokenList = z.object({ tokens: z.array(tokenView) });

/** Personal API tokens (every agent) and bot tokens (admins): the REST API with `Authorization: Bearer kanal_...`. */
export const apiTokenRoutes = [
  route({
    method: 'get', path: '/me/tokens', tag: 'tokens', access: 'agent', resource: 'none',
    summary: "The signed-in agent's API tokens (never their secrets)",
    responses: { 200: { description: 'the tokens, newest first', schema: tokenList } },
    async handler({ agent, deps }) {
      return { status: 200, body: { tokens: await listOwnTokens(deps.models, agent.id) } };
    },
  }),
  route({
    method: 'post', path: '/me/tokens', tag: 'tokens', access: 'agent', resource: 'none',
    summary: 'Create a personal API token acting as the signed-in agent, narrowed to its scopes; the secret is in this answer only',
    body: newTokenBody,
    responses: { 201: { description: 'created', schema: created }, 403: err('the admin scope needs a supervisor or admin') },
    async handler({ agent, body, deps }) {
      const { token, view } = await createPersonalToken(deps.models, agent, body);
      return { status: 201, body: { token, tokenInfo: view } };
    },
  }),
  route({
    method: 'get', path: '/admin/tokens', tag: 'tokens', access: 'admin', resource: 'none',
    summary: "Every API token of the install (personal and bot), with owner, scopes and last use",
    responses: { 200: { description: 'the tokens, newest first', schema: tokenList } },
    async handler({ deps }) {
      return { status: 200, body: { tokens: await listAllTokens(deps.models) } };
    },
  }),
  route({
    method: 'post', path: '/admin/bots', tag: 'tokens', access: 'admin', resource: 'none',
    summary: 'Create a bot (an agent that cannot sign in and acts through its tokens only) and its token',
    body: newTokenBody.extend({ botName: z.string().trim().min(1).max(100), role: z.enum(['agent', 'supervisor', 'admin']).default('agent') }),
    responses: { 201: { description: 'the bot and its token (shown this once)', schema: created.extend({ bot: agentViewSchema }) } },
    async handler({ agent, body, deps }) {
      const { token, view, bot } = await createBot(deps.models, agent, body);
      return { status: 201, body: { token, tokenInfo: view, bot } };
    },
  }),
  // The owner revokes their own token; an admin any (a leaked one, a departed person's). The next request is refused.
  ...([['/me/tokens/:id/revoke', 'agent', 'Revoke one of your own tokens'], ['/admin/tokens/:id/revoke', 'admin', 'Revoke any token']] as const).map(([path, access, summary]) =>
    route({
      method: 'post', path, tag: 'tokens', access, resource: 'none', summary: `${summary}; the next request with it is refused`,
      params: idParams,
      responses: { 200: { description: 'revoked', schema: tokenView }, 404: err('token not found') },
      async handler({ agent, params, deps }) {
        return { status: 200, body: await revokeToken(deps.models, agent, params.id, access === 'admin') };
      },
    }),
  ),
];
