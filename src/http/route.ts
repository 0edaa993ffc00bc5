import cookieParser from 'cookie-parser';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { HubDeps } from '../deps';
import type { Role } from '../domain/views';
import type { AgentView } from '../services/agents/agents';
import { checkResource, type Resource } from './access';
import { currentAgent, requireAgent } from './auth';

/** Who may call a route: everyone, any signed-in agent, supervisors and admins, or admins. */
export type Access = 'public' | 'agent' | 'supervisor' | 'admin';
const rolesFor: Record<Access, readonly Role[] | undefined> = {
  public: undefined,
  agent: undefined,
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
};

export interface Ctx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The signed-in agent (never read it on a public route). */
  agent: AgentView;
  deps: HubDeps;
  req: Request;
  res: Response;
}

/**
 * One API route: its validators, its documentation and its handler in one object, so the OpenAPI document and
 * the router cannot drift apart.
 */
export interface RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch';
  /** Express path under /api, e.g. '/conversations/:id'. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /** What `:id` / `:key` names, checked against the agent's team access before the handler (src/http/access.ts). */
  resource: Resource;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** The handler reads the request body itself as a stream (uploads): no JSON parsing, whatever the Content-Type. */
  rawBody?: true;
  /** `streamed`: the handler wrote the response itself (file downloads). */
  handler(ctx: Ctx<z.output<P>, z.output<Q>, z.output<B>>): Promise<{ status: number; body?: unknown; streamed?: boolean }>;
}

export const route = <P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(
  def: RouteDef<P, Q, B>,
) => def as unknown as RouteDef;

export const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id');
export const idParams = z.object({ id: objectId });

/**
 * Body and cookie parsing run per route, not for all of /api: channel routes mounted later under /api (the widget
 * session) keep their own parsers and limits, and an unauthenticated request is refused before its body is read.
 */
export function routerFor(defs: RouteDef[], deps: HubDeps): Router {
  const router = Router();
  const cookies = cookieParser();
  const json = express.json({ limit: '1mb' });
  for (const def of defs) {
    // One schema for all inputs, so issue paths read "body.text", "query.limit".
    const input = z.object({
      params: def.params ?? z.any(),
      query: def.query ?? z.any(),
      body: def.body ?? z.any(),
    });
    const guards = def.access === 'public' ? [] : [requireAgent(deps, rolesFor[def.access])];
    router[def.method](def.path, cookies, ...guards, ...(def.rawBody ? [] : [json]), async (req, res) => {
      const parsed = input.parse({ params: req.params, query: req.query, body: req.body });
      if (def.access !== 'public') await checkResource(deps, currentAgent(res), def.resource, parsed.params as Record<string, string>);
      const out = await def.handler({ ...parsed, agent: currentAgent(res), deps, req, res });
      if (out.streamed) return;
      if (out.body === undefined) res.status(out.status).end();
      else res.status(out.status).json(out.body);
    });
  }
  return router;
}
