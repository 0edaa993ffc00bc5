import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { HubDeps } from '../deps';
import { errorHandler } from './errors';
import { openApiDocument } from './openapi';
import type { RouteDef } from './route';
import { route, routerFor } from './route';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { conversationRoutes } from './routes/conversations';
import { customerRoutes } from './routes/customers';
import { messageRoutes } from './routes/messages';

/** Every route of the agent API (the OpenAPI document is built from this list). */
export function apiRoutes(): RouteDef[] {
  const routes = [...authRoutes, ...conversationRoutes, ...customerRoutes, ...messageRoutes, ...adminRoutes];
  let doc: unknown;
  routes.push(
    route({
      method: 'get', path: '/openapi.json', tag: 'meta', access: 'agent',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
      async handler() {
        doc ??= openApiDocument(routes);
        return { status: 200, body: doc };
      },
    }),
  );
  return routes;
}

/** The agent REST API under /api: JSON bodies, session cookies, the routes, and JSON errors. */
export function mountApi(app: Express, deps: HubDeps): void {
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(cookieParser());
  api.use(routerFor(apiRoutes(), deps));
  api.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  api.use(errorHandler(deps.logger));
  app.use('/api', api);
}
