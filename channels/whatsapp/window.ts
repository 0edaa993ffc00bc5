import type { OutboundContext, OutboundPreparation, ReplyAvailability, ReplyContext } from '../../src/domain/channels';
import { parseTemplates } from '../../src/domain/whatsapp-templates';
import { TWILIO_NOT_CONFIGURED, twilioConfigured } from '../sms/config-schema';

/**
 * WhatsApp's customer-service window (official API): free-form messages may go out only within 24 hours of the
 * customer's last message to us on WhatsApp; outside it only approved templates. The whatsapp-web.js route is a
 * normal WhatsApp account and has no window.
 */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

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

export const OUTSIDE_WINDOW = {
  code: 'whatsapp_window_closed',
  en: 'outside the 24-hour WhatsApp window (no message from the customer in the last 24 hours): send an approved template instead',
  tr: '24 saatlik WhatsApp penceresi kapandı (müşteri son 24 saatte yazmadı): onaylı bir şablon gönderin',
};

const officialRoute = (ctx: ReplyContext) => (ctx.settings.WHATSAPP_ROUTE ?? 'twilio') === 'twilio';

/** Only the customer's WhatsApp messages of the last 24 hours are read (a few week buckets). */
async function windowOf(ctx: ReplyContext): Promise<WindowState> {
  return windowAt(await ctx.lastInboundSince(new Date(ctx.now.getTime() - WINDOW_MS)), ctx.now);
}

export async function whatsappAvailability(ctx: ReplyContext): Promise<ReplyAvailability> {
  if (!officialRoute(ctx)) return { available: true, official: false, details: { route: 'wwebjs' } };
  const configured = twilioConfigured(ctx.settings);
  const w = await windowOf(ctx);
  const reason = !configured ? TWILIO_NOT_CONFIGURED : w.open ? undefined : OUTSIDE_WINDOW;
  // Validated at start (src/config), so parsing cannot fail here.
  const templates = Object.keys(parseTemplates(ctx.settings.WHATSAPP_TEMPLATES as string | undefined));
  return {
    available: configured && w.open, official: true, ...(reason ? { reason } : {}),
    details: { route: 'twilio', windowClosesAt: w.closesAt && w.open ? w.closesAt.toISOString() : null, templates },
  };
}

/** Refused at reply time, so the agent sees why at once instead of a failed message later; templates may go. */
export async function whatsappOutbound(ctx: OutboundContext): Promise<OutboundPreparation> {
  if (officialRoute(ctx) && !ctx.hints?.contentSid && !(await windowOf(ctx)).open) return { refused: OUTSIDE_WINDOW };
  return { threadHints: ctx.hints };
}
