import type { Express } from 'express';
import type { HubDeps } from '../deps';

// Placeholder replaced by the agent API work (auth, REST routes, OpenAPI).
export function mountApi(_app: Express, _deps: HubDeps): void {}
