import { Types } from 'mongoose';
import type { WhatsAppTemplates } from '../../domain/whatsapp-templates';
import type { Models } from '../../store';

/**
 * WhatsApp's customer-service window (official API): free-form messages may go out only within 24 hours of the
 * customer's last message to us on WhatsApp; outside it only approved templates. The whatsapp-web.js route is a
 * normal WhatsApp account and has no window.
 */
export const WINDOW_MS = 24 * 60 * 60 * 1000;
export type WhatsAppRoute = 'twilio' | 'wwebjs';

export interface WindowState {
  open: boolean;
  /** The customer's last WhatsApp message to us within the window (null: none, the window is closed). */
  lastInboundAt: Date | null;
  closesAt: Date | null;
}

/** Pure: the window as of `now` given the customer's last inbound WhatsApp message. */
export function windowAt(lastInboundAt: Date | null, now: Date): WindowState {
  if (!lastInboundAt) return { open: false, lastInboundAt: null, closesAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + WINDOW_MS);
  return { open: now.getTime() < closesAt.getTime(), lastInboundAt, closesAt };
}

/** The window as of `now`: only the customer's WhatsApp messages of the last 24 hours are read (a few week buckets). */
export async function whatsappWindow(m: Models, customerId: Types.ObjectId | string, now = new Date()): Promise<WindowState> {
  const last = await m.messages.lastInboundAfter(new Types.ObjectId(customerId), 'whatsapp', new Date(now.getTime() - WINDOW_MS));
  return windowAt(last?.createdAt ?? null, now);
}

export const OUTSIDE_WINDOW =
  'outside the 24-hour WhatsApp window (no message from the customer in the last 24 hours): send an approved template instead';

export { parseTemplates, type WhatsAppTemplates } from '../../domain/whatsapp-templates';

export class TemplateError extends Error {}

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

export interface ChannelOption {
  channel: 'email' | 'sms' | 'whatsapp' | 'webchat';
  address: string;
  available: boolean;
  /** Why a channel cannot take free text now (shown by the console's channel picker). */
  reason?: string;
  /** False for the whatsapp-web.js route: an unofficial client the console labels as such. */
  official: boolean;
  route?: WhatsAppRoute;
  /** Official WhatsApp: when the 24-hour window closes (null when it is closed). */
  windowClosesAt?: string | null;
  /** Official WhatsApp outside the window: templates are still possible. */
  templates?: string[];
}

/** The channels an agent can reply on for this customer, and why any of them is unavailable right now. */
export async function customerChannels(
  m: Models,
  customerId: Types.ObjectId | string,
  opts: { twilioConfigured: boolean; whatsappRoute: WhatsAppRoute; templates: WhatsAppTemplates; now?: Date },
): Promise<ChannelOption[] | null> {
  if (!(await m.customers.exists(customerId))) return null;
  const identities = await m.identities.preferredOf(customerId);
  const out: ChannelOption[] = [];
  const first = (kind: string) => identities.find((i) => i.kind === kind)?.address;
  const email = first('email');
  if (email) out.push({ channel: 'email', address: email, available: true, official: true });
  const webchat = first('webchat');
  if (webchat) out.push({ channel: 'webchat', address: webchat, available: true, official: true });
  const phone = first('phone');
  if (phone) {
    const noTwilio = 'Twilio is not configured';
    out.push({ channel: 'sms', address: phone, available: opts.twilioConfigured, official: true, ...(opts.twilioConfigured ? {} : { reason: noTwilio }) });
    if (opts.whatsappRoute === 'wwebjs') {
      out.push({ channel: 'whatsapp', address: phone, available: true, official: false, route: 'wwebjs' });
    } else {
      const w = await whatsappWindow(m, customerId, opts.now);
      const reason = !opts.twilioConfigured ? noTwilio : w.open ? undefined : OUTSIDE_WINDOW;
      out.push({
        channel: 'whatsapp', address: phone, available: opts.twilioConfigured && w.open, official: true, route: 'twilio',
        windowClosesAt: w.closesAt && w.open ? w.closesAt.toISOString() : null, templates: Object.keys(opts.templates),
        ...(reason ? { reason } : {}),
      });
    }
  }
  return out;
}
