// WhatsApp templates (official route): rendering what the console asks for. The 24-hour window itself is the
// whatsapp channel's rule (channels/whatsapp/window.ts).
import type { WhatsAppTemplates } from '../../domain/whatsapp-templates';
import { KanalError } from '../../domain/errors';

export { parseTemplates, type WhatsAppTemplates } from '../../domain/whatsapp-templates';

/** An unknown template or missing variables: the request cannot be done as asked (HTTP 422). */
export class TemplateError extends KanalError {
  constructor(message: string) {
    super('unprocessable', message);
  }
}

/** A template with its variables filled: what Twilio gets (contentSid + contentVariables) and what the thread shows. */
export function renderTemplate(templates: WhatsAppTemplates, name: string, values: Record<string, string>) {
  const t = templates[name];
  if (!t) throw new TemplateError(`unknown template ${JSON.stringify(name)}; configured: ${Object.keys(templates).join(', ') || 'none'}`);
  const missing = t.variables.filter((v) => !values[v]?.trim());
  if (missing.length > 0) throw new TemplateError(`template ${name} needs: ${missing.join(', ')}`);
  const numbered: Record<string, string> = {};
  t.variables.forEach((v, i) => (numbered[String(i + 1)] = values[v]!.trim()));
  const text = (t.preview ?? `[template ${name}]`).replace(/\{\{(\d+)\}\}/g, (_m, n: string) => numbered[n] ?? `{{${n}}}`);
  return { text, threadHints: { template: name, contentSid: t.contentSid, contentVariables: JSON.stringify(numbered) } };
}
