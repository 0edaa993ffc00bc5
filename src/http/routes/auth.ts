import { z } from 'zod';
import { AccountError, changeOwnPassword, renameSelf, signOut, signOutEverywhere, type AccountDeps } from '../../services/agents/account';
import { verifyPassword } from '../../services/agents/agents';
import { LoginThrottle } from '../../services/agents/login-throttle';
import { PASSWORD_MAX_LENGTH, passwordProblem } from '../../services/agents/password-policy';
import type { HubDeps } from '../../deps';
import { requireSession } from '../auth';
import { KanalError } from '../../domain/errors';
import { route } from '../route';
import { agentViewSchema, err } from '../schemas';
import { cookieOptions, forgetAgent, SESSION_COOKIE, sessionStore, signSession } from '../session';

export const loginBody = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });
const publicAgent = agentViewSchema.pick({ id: true, email: true, name: true, role: true, teamIds: true });
export const loginResponse = z.object({ token: z.string(), agent: publicAgent });
/** A password being set (create, reset, change): the policy's message names what is wrong (400). */
export const newPassword = z.string().max(PASSWORD_MAX_LENGTH).superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export const changePasswordBody = z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH), newPassword });

const pickPublic = (a: z.infer<typeof agentViewSchema>) => ({ id: a.id, email: a.email, name: a.name, role: a.role, teamIds: a.teamIds });

/** What the account services need of the hub. */
export const accountDeps = (deps: HubDeps): AccountDeps => ({ models: deps.models, sessions: sessionStore(deps), events: deps.events });

function clearSessionCookie(deps: HubDeps, res: { clearCookie(name: string, opts: object): unknown }) {
  const { maxAge: _drop, ...opts } = cookieOptions(deps.config.NODE_ENV === 'production');
  res.clearCookie(SESSION_COOKIE, opts);
}

export const authRoutes = [
  route({
    method: 'post', path: '/auth/login', tag: 'auth', access: 'public', resource: 'none',
    summary: 'Sign in; sets the kanal_session cookie and also returns the token for Bearer use',
    body: loginBody,
    responses: {
      200: { description: 'signed in', schema: loginResponse },
      401: err('invalid email or password'),
      429: err('too many failed sign-ins; Retry-After says when to try again'),
    },
    async handler({ body, deps, req, res }) {
      const { throttle, ip } = await throttled(deps, body.email, req, res, 'too many failed sign-ins; try again later');
      // Unknown email, wrong password and disabled agent all answer the same, after one argon2 verify each.
      const agent = await verifyPassword(deps.models, body.email, body.password);
      if (!agent) {
        await throttle.failed(body.email, ip);
        throw new KanalError('unauthenticated', 'invalid email or password');
      }
      await throttle.succeeded(body.email, ip);
      // The token names a server-side session, so signing out (or an admin) can end it before it expires.
      const token = signSession(deps.config.JWT_SECRET, agent, await sessionStore(deps).open(agent.id));
      res.cookie(SESSION_COOKIE, token, cookieOptions(deps.config.NODE_ENV === 'production'));
      return { status: 200, body: { token, agent: pickPublic(agent) } };
    },
  }),
  route({
    method: 'post', path: '/auth/logout', tag: 'auth', access: 'agent', resource: 'none',
    summary: 'Sign out: ends this session (its token stops working, its sockets close) and clears the cookie',
    responses: { 204: { description: 'signed out' } },
    async handler({ agent, deps, res }) {
      await signOut(accountDeps(deps), agent.id, requireSession(res));
      clearSessionCookie(deps, res);
      return { status: 204 };
    },
  }),
  route({
    method: 'post', path: '/auth/logout-all', tag: 'auth', access: 'agent', resource: 'none',
    summary: 'Sign out everywhere: ends every session of the signed-in agent, this one included',
    responses: { 204: { description: 'every session ended' } },
    async handler({ agent, deps, res }) {
      requireSession(res);
      await signOutEverywhere(accountDeps(deps), agent.id);
      clearSessionCookie(deps, res);
      return { status: 204 };
    },
  }),
  route({
    method: 'get', path: '/me', tag: 'auth', access: 'agent', resource: 'none',
    summary: 'The signed-in agent',
    responses: { 200: { description: 'the agent', schema: agentViewSchema } },
    async handler({ agent }) {
      return { status: 200, body: agent };
    },
  }),
  route({
    method: 'patch', path: '/me', tag: 'auth', access: 'agent', resource: 'none',
    summary: "Change one's own name (audited)", body: z.object({ name: z.string().trim().min(1).max(200) }),
    responses: { 200: { description: 'the agent', schema: agentViewSchema }, 400: err('empty or too long name') },
    async handler({ agent, body, deps }) {
      const changed = await renameSelf(deps.models, agent, body.name);
      if (!changed) throw new KanalError('not_found', 'agent not found');
      forgetAgent(deps, agent.id);
      return { status: 200, body: changed };
    },
  }),
  route({
    method: 'post', path: '/me/password', tag: 'auth', access: 'agent', resource: 'none',
    summary: "Change one's own password (the current one is required); every other session of the agent ends, this one continues",
    body: changePasswordBody,
    responses: {
      204: { description: 'changed' },
      400: err('the new password is refused by the policy or equals the current one'),
      403: err('the current password is wrong'),
      429: err('too many wrong current passwords; Retry-After says when to try again'),
    },
    async handler({ agent, body, deps, req, res }) {
      const sessionId = requireSession(res);
      // Wrong current passwords count like failed sign-ins: a stolen session cannot guess the password here.
      const { throttle, ip } = await throttled(deps, agent.email, req, res, 'too many wrong passwords; try again later');
      try {
        await changeOwnPassword(accountDeps(deps), agent.id, sessionId, body);
      } catch (error) {
        if (error instanceof AccountError && error.code === 'forbidden') await throttle.failed(agent.email, ip);
        throw error;
      }
      await throttle.succeeded(agent.email, ip);
      return { status: 204 };
    },
  }),
];

/** The sign-in throttle of this account and address (login-throttle.ts); while it holds: 429 with Retry-After. */
async function throttled(deps: Pick<HubDeps, 'redis' | 'config'>, email: string, req: { ip?: string }, res: { setHeader(name: string, value: string): unknown }, message: string) {
  const throttle = new LoginThrottle(deps.redis, deps.config.QUEUE_PREFIX);
  const ip = req.ip ?? 'unknown';
  const wait = await throttle.retryAfter(email, ip);
  if (wait > 0) {
    res.setHeader('Retry-After', String(wait));
    throw new KanalError('rate_limited', message);
  }
  return { throttle, ip };
}
