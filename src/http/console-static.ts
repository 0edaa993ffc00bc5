import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';

/**
 * Serves the built agent console (agent-ui/dist) at `/`, with index.html for client routes (/c/<id>, /settings).
 * Mounted after the API and channel routes, so it never shadows them. The CSP allows only this origin and its
 * socket; remote images inside an email are loaded only after the agent clicks "load images" (hence https: images).
 */
export function consoleStatic(dist: string): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  const csp = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"], // React style attributes and email HTML inside the sandboxed frame
      imgSrc: ["'self'", 'data:', 'https:'],
      connectSrc: ["'self'", (req) => `ws://${req.headers.host ?? ''}`, (req) => `wss://${req.headers.host ?? ''}`],
      frameSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  router.use(csp);
  router.use(express.static(dist, { index: false, maxAge: '1h', fallthrough: true }));
  router.get(/^\/(?!api\/|socket\.io\/|webhooks\/)[^.]*$/, (req, res, next) => {
    // Only a browser navigation (asking for HTML) gets the app; API clients and probes get the JSON 404.
    if (req.accepts(['json', 'html']) !== 'html') return next();
    if (!existsSync(index)) return next(); // not built: the hub still runs (npm run build:ui builds it)
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}
