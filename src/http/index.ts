import express, { type Express } from 'express';
import type { HubDeps } from '../deps';
import { errorHandler } from './errors';
import { openApiDocument } from './openapi';
import type { RouteDef } from './route';
import { route, routerFor } from './route';
import { adminRoutes } from './routes/admin';
import { apiTokenRoutes } from './routes/api-tokens';
import { attachmentRoutes } from './routes/attachments';
import { authRoutes } from './routes/auth';
import { authAdminRoutes } from './routes/auth-admin';
import { cannedRoutes } from './routes/canned';
import { channelRoutes } from './routes/channels';
import { channelSetupRoutes } from './routes/channel-setup';
import { consoleRoutes } from './routes/console';
import { notificationRoutes } from './routes/notifications';
import { conversationRoutes } from './routes/conversations';
import { crmRoutes } from './routes/crm';
import { customerHealthRoutes } from './routes/customer-health';
import { customerAdminRoutes } from './routes/customer-admin';
import { privacyRoutes } from './routes/privacy';
import { customerRoutes } from './routes/customers';
import { csatRoutes } from './routes/csat';
import { labelRoutes } from './routes/labels';
import { macroRoutes } from './routes/macros';
import { segmentRoutes } from './routes/segments';
import { messageRoutes } from './routes/messages';
import { quarantineRoutes } from './routes/quarantine';
import { reportRoutes } from './routes/reports';
import { routingRoutes } from './routes/routing';
import { searchRoutes } from './routes/search';
import { slaRoutes } from './routes/sla';
import { teamAccessRoutes } from './routes/team-access';
import { widgetSettingsRoutes } from './routes/widget-settings';
import { auditRoutes } from './routes/audit';
import { automationRoutes } from './routes/automation';
import { webhookRoutes } from './routes/webhooks';
import { whatsappRoutes } from './routes/whatsapp';

/** Every route of the agent API (the OpenAPI document is built from this list). One group per line. */
export function apiRoutes(): RouteDef[] {
  const routes = [
    ...authRoutes,
    ...authAdminRoutes,
    ...conversationRoutes,
    ...customerRoutes,
    ...csatRoutes,
    ...messageRoutes,
    ...adminRoutes,
    ...consoleRoutes,
    ...notificationRoutes,
    ...labelRoutes,
    ...customerAdminRoutes,
    ...privacyRoutes,
    ...searchRoutes,
    ...cannedRoutes,
    ...macroRoutes,
    ...attachmentRoutes,
    ...quarantineRoutes,
    ...channelRoutes,
    ...whatsappRoutes,
    ...channelSetupRoutes,
    ...reportRoutes,
    ...routingRoutes,
    ...slaRoutes,
    ...teamAccessRoutes,
    ...widgetSettingsRoutes,
    ...apiTokenRoutes,
    ...webhookRoutes,
    ...crmRoutes,
    ...customerHealthRoutes,
    ...segmentRoutes,
    ...auditRoutes,
    ...automationRoutes,
  ];
  let doc: unknown;
  routes.push(
    route({
      method: 'get', path: '/openapi.json', tag: 'meta', access: 'public', resource: 'none', // describes the API, holds no data
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

/** The agent REST API under /api: the routes (with JSON bodies up to 1 MB and session cookies) and JSON errors. */
export function mountApi(app: Express, deps: HubDeps): void {
  const api = express.Router();
  api.use(routerFor(apiRoutes(), deps));
  // Unmatched /api paths fall through: channel routes (the widget session) live there too, and the hub answers
  // anything left with its JSON 404.
  api.use(errorHandler(deps.logger));
  app.use('/api', api);
}
