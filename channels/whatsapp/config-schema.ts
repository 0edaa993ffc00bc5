import { z } from 'zod';
import { templatesProblem } from '../../src/domain/whatsapp-templates';

/** The whatsapp channel's settings (docs/phone.md), composed into the root config. */
export const whatsappConfigShape = {
  // Which route the one `whatsapp` channel uses: the official Twilio API or a whatsapp-web.js session (unofficial).
  WHATSAPP_ROUTE: z.enum(['twilio', 'wwebjs']).default('twilio'),
  // Approved WhatsApp templates, JSON: {"name": {"contentSid": "HX...", "variables": ["customer", ...], "preview": "..."}}.
  WHATSAPP_TEMPLATES: z.string().optional().superRefine((v, ctx) => {
    const problem = v === undefined ? undefined : templatesProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  // whatsapp-web.js: deliver group chats too (ignored by default).
  WWEBJS_GROUPS: z.enum(['true', 'false']).default('false'),
  // The WhatsApp account this deployment's session process holds, and where workers reach it (a local HTTP control).
  WWEBJS_ACCOUNT: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default('default'),
  WWEBJS_CONTROL_URL: z.url().default('http://127.0.0.1:3011'),
  WWEBJS_CONTROL_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  WWEBJS_DATA_DIR: z.string().default('.data/wwebjs'),
};
