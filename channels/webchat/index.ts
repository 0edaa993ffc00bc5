import type { ChannelModule, IngressHandle } from '../types';
import { createAdapter } from './adapter';
import { webchatConfigShape } from './config-schema';
import { DEMO_HTML, demoCsp } from './demo';
import { mountFiles } from './files';
import { attachWidgetNamespace } from './ingress';
import { earlySessionRefusal, mountSession, tokenTtlSeconds } from './session';

export const SESSION_PATH = '/api/widget/session';

/** Web chat: the widget's session endpoint and socket namespace, the demo page, and the adapter for replies. */
export const webchat = {
  name: 'webchat',
  identity: { kind: 'webchat' }, // the widget's visitor id
  presentation: { label: { tr: 'Canlı sohbet', en: 'Web chat' }, colour: '#1d5b3b', background: '#e3f1ea' },
  config: webchatConfigShape,
  liveTyping: true,
  createAdapter,
  mountIngress(ctx) {
    let refuseEarly: IngressHandle['refuseEarly'];
    const tokenSecret = ctx.env.WIDGET_TOKEN_SECRET;
    const identitySecret = ctx.env.WIDGET_IDENTITY_SECRET || undefined;
    if (!tokenSecret || tokenSecret.length < 32) {
      // Config validation normally guarantees it; without it no session can be trusted, so the widget stays off.
      ctx.logger.error('WIDGET_TOKEN_SECRET is not set: web chat is disabled');
      ctx.router.post(SESSION_PATH, (_req, res) => void res.status(503).json({ error: 'web chat is not configured' }));
      ctx.widgetNamespace.use((_socket, next) => next(new Error('unauthorized')));
    } else {
      const secrets = { tokenSecret, identitySecret, tokenTtlS: tokenTtlSeconds(ctx.env.WIDGET_TOKEN_TTL_DAYS) };
      mountSession(ctx.router, SESSION_PATH, secrets, ctx, ctx.env.WIDGET_CITY_HEADER || undefined);
      attachWidgetNamespace(ctx, secrets);
      mountFiles(ctx.router, ctx, secrets);
      refuseEarly = earlySessionRefusal(SESSION_PATH, ctx);
    }
    // Host sites load the bundle cross-origin; helmet's default Cross-Origin-Resource-Policy (same-origin) would block it.
    ctx.router.get(['/widget.js', '/widget.js.map'], (_req, res, next) => {
      res.set('cross-origin-resource-policy', 'cross-origin');
      next(); // the hub's static handler serves the file
    });
    ctx.router.get('/demo', (req, res) => {
      const host = (req.get('host') ?? 'localhost').replace(/[^A-Za-z0-9.:[\]-]/g, '');
      res.set({ 'content-security-policy': demoCsp(host), 'cache-control': 'no-cache' }).type('html').send(DEMO_HTML);
    });
    return { close: async () => {}, refuseEarly };
  },
} satisfies ChannelModule;
