import { z } from 'zod';

// Approved WhatsApp templates, configured as WHATSAPP_TEMPLATES JSON: name -> Twilio content SID + named variables
// (in the order of the template's {{1}}, {{2}} ... placeholders) + a preview for the thread. In src/domain so the
// config can validate the JSON at start (docs/phone.md).
export const templatesSchema = z.record(
  z.string().regex(/^[a-z0-9_]{1,64}$/, 'template names are lowercase letters, digits and _'),
  z.object({
    contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Twilio content SID (HX + 32 hex)'),
    variables: z.array(z.string().min(1).max(64)).max(20).default([]),
    preview: z.string().max(1024).optional(),
  }),
);
export type WhatsAppTemplates = z.infer<typeof templatesSchema>;

export function parseTemplates(json: string | undefined): WhatsAppTemplates {
  if (!json) return {};
  return templatesSchema.parse(JSON.parse(json));
}

/** Why a WHATSAPP_TEMPLATES value is unusable (one line), or undefined when it is fine. */
export function templatesProblem(json: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return `must be JSON (${(err as Error).message})`;
  }
  const parsed = templatesSchema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  // A bad template name is reported by zod as "Invalid key in record" with the reason nested.
  const nested = (issue as { issues?: Array<{ message: string }> }).issues?.[0]?.message;
  return `${issue.path.map(String).join('.') || 'value'}: ${nested ?? issue.message}`;
}
