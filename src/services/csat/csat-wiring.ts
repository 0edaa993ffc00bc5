import type { Config } from '../../config';
import { parseTemplates, type WhatsAppTemplates } from '../../domain/whatsapp-templates';
import type { Models } from '../../store';
import { surveySecret } from './survey-link';

/** What survey sending needs from the process' configuration: the link key and base, and the WhatsApp route. */
export interface CsatWiring {
  secret: string;
  /** Where survey links point: PUBLIC_URL, else this hub's own address. */
  baseUrl: string;
  whatsapp: { route: 'twilio' | 'wwebjs'; templates: WhatsAppTemplates };
}

// One wiring per store connection's models (like metrics): the survey jobs run in the SLA worker, whose context
// carries only models, events and queues.
const wirings = new WeakMap<Models, CsatWiring>();

export function csatWiringFrom(config: Config, hubUrl?: string): CsatWiring {
  return {
    secret: surveySecret(config),
    baseUrl: config.PUBLIC_URL ?? hubUrl ?? `http://${config.HOST}:${config.PORT}`,
    whatsapp: { route: config.WHATSAPP_ROUTE, templates: parseTemplates(config.WHATSAPP_TEMPLATES) },
  };
}

/** Called by src/hub.ts once the hub's address is known (and again when it is, for a hub on port 0). */
export function wireCsat(m: Models, wiring: CsatWiring): void {
  wirings.set(m, wiring);
}

export function csatWiring(m: Models): CsatWiring {
  const w = wirings.get(m);
  if (!w) throw new Error('surveys are not wired: call wireCsat (src/hub.ts) first');
  return w;
}
