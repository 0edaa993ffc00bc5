import { z } from 'zod';
import type { RouteDef } from './route';
import { SESSION_COOKIE } from './session';
import { webhookDocs } from './webhook-docs';

type Json = Record<string, unknown>;

// Schemas come from the same zod objects the routes validate with (zod 4's built-in converter).
const toSchema = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

function parameters(s: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!(s instanceof z.ZodObject)) return [];
  return Object.entries(s.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    schema: toSchema(field, 'input'),
  }));
}

/** The OpenAPI 3.1 document of the agent API, generated from the route definitions. */
export function openApiDocument(defs: RouteDef[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const def of defs) {
    const path = '/api' + def.path.replace(/:(\w+)/g, '{$1}');
    const responses: Json = {};
    for (const [status, r] of Object.entries(def.responses)) {
      responses[status] = r.schema ? { description: r.description, content: { 'application/json': { schema: toSchema(r.schema, 'output') } } } : { description: r.description };
    }
    if (def.access !== 'public') {
      responses['401'] ??= { description: 'not signed in' };
      if (def.access !== 'agent') responses['403'] ??= { description: `requires the ${def.access} role or higher` };
    }
    if (def.params || def.query || def.body) responses['400'] ??= { description: 'invalid input' };
    (paths[path] ??= {})[def.method] = {
      operationId: `${def.method}${def.path.replace(/[/:](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
      summary: def.summary,
      tags: [def.tag],
      ...(def.access === 'public' ? { security: [] } : {}),
      parameters: [...parameters(def.params, 'path'), ...parameters(def.query, 'query')],
      ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(def.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kanal agent API', version: '1.0.0', description: 'REST API for the agent console and integrations. Sign in with POST /api/auth/login, or send an API token as a Bearer token.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiToken: {
          type: 'http', scheme: 'bearer', bearerFormat: 'kanal_pat_… / kanal_bot_…',
          description: 'An API token (POST /api/me/tokens, POST /api/admin/bots): acts as its owner within its scopes: read (GET), write (other methods), admin (supervisor and admin routes); rate-limited per token (429 + Retry-After).',
        },
      },
    },
    security: [{ cookieAuth: [] }, { bearerAuth: [] }, { apiToken: [] }],
    paths,
    webhooks: webhookDocs((schema) => toSchema(schema, 'output')),
  };
}
