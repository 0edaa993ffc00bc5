import { z } from 'zod';
import { verifyPassword } from '../../services/agents/agents';
import { LoginThrottle } from '../../services/agents/login-throttle';
import { HttpError } from '../errors';
import { route } from '../route';
import { agentViewSchema, err } from '../schemas';
import { cookieOptions, SESSION_COOKIE, signSession } from '../session';

export const loginBody = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });
const publicAgent = agentViewSchema.pick({ id: true, email: true, name: true, role: true, teamIds: true });
export const loginResponse = z.object({ token: z.string(), agent: publicAgent });

const pickPublic = (a: z.infer<typeof agentViewSchema>) => ({ id: a.id, email: a.email, name: a.name, role: a.role, teamIds: a.teamIds });

export const authRoutes = [
  route({
    method: 'post', path: '/auth/login', tag: 'auth', access: 'public',
    summary: 'Sign in; sets the kanal_session cookie and also returns the token for Bearer use',
    body: loginBody,
    responses: {
      200: { description: 'signed in', schema: loginResponse },
      401: err('invalid email or password'),
      429: err('too many failed sign-ins; Retry-After says when to try again'),
    },
    async handler({ body, deps, req, res }) {
      const throttle = new LoginThrottle(deps.redis, deps.config.QUEUE_PREFIX);
      const ip = req.ip ?? 'unknown';
      const wait = await throttle.retryAfter(body.email, ip);
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        throw new HttpError(429, 'too many failed sign-ins; try again later');
      }
      // Unknown email, wrong password and disabled agent all answer the same, after one argon2 verify each.
      const agent = await verifyPassword(deps.models, body.email, body.password);
      if (!agent) {
        await throttle.failed(body.email, ip);
        throw new HttpError(401, 'invalid email or password');
      }
      await throttle.succeeded(body.email, ip);
      const token = signSession(deps.config.JWT_SECRET, agent);
      res.cookie(SESSION_COOKIE, token, cookieOptions(deps.config.NODE_ENV === 'production'));
      return { status: 200, body: { token, agent: pickPublic(agent) } };
    },
  }),
  route({
    method: 'post', path: '/auth/logout', tag: 'auth', access: 'agent',
    summary: 'Sign out (clears the session cookie)',
    responses: { 204: { description: 'signed out' } },
    async handler({ deps, res }) {
      const { maxAge: _drop, ...opts } = cookieOptions(deps.config.NODE_ENV === 'production');
      res.clearCookie(SESSION_COOKIE, opts);
      return { status: 204 };
    },
  }),
  route({
    method: 'get', path: '/me', tag: 'auth', access: 'agent',
    summary: 'The signed-in agent',
    responses: { 200: { description: 'the agent', schema: agentViewSchema } },
    async handler({ agent }) {
      return { status: 200, body: agent };
    },
  }),
];
