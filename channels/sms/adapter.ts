import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../src/domain/messages';
import { InvalidPhoneNumberError, toE164 } from '../phone';
import type { AdapterContext } from '../types';
import { twilioClient } from './client';
import type { TwilioSettings } from './config';
import { twilioError } from './errors';
import { STATUS_PATH } from './ingress';
import { signedMediaUrl } from './media-link';

/** What Twilio's Messages.create takes for one of our outbound messages (SMS or WhatsApp, text or template). */
export function twilioMessageParams(msg: OutboundMessage, settings: TwilioSettings) {
  const whatsapp = msg.channel === 'whatsapp';
  let to: string;
  try {
    to = toE164(msg.to, settings.defaultRegion);
  } catch (err) {
    if (err instanceof InvalidPhoneNumberError) throw new PermanentSendError(err.message, 'invalid-number');
    throw err;
  }
  const params: Record<string, unknown> = { to: whatsapp ? `whatsapp:${to}` : to };
  if (whatsapp) {
    if (!settings.whatsappFrom) throw new PermanentSendError('TWILIO_WHATSAPP_FROM is not configured');
    params.from = `whatsapp:${settings.whatsappFrom.replace(/^whatsapp:/, '')}`;
  } else if (settings.messagingServiceSid) params.messagingServiceSid = settings.messagingServiceSid;
  else if (settings.fromNumber) params.from = settings.fromNumber;
  else throw new PermanentSendError('neither TWILIO_FROM_NUMBER nor TWILIO_MESSAGING_SERVICE_SID is configured');

  // An approved WhatsApp template (see src/services/delivery/wa-window.ts) goes by its content SID, not as free text.
  const contentSid = msg.threadHints?.contentSid;
  if (contentSid) {
    params.contentSid = contentSid;
    if (msg.threadHints?.contentVariables) params.contentVariables = msg.threadHints.contentVariables;
  } else params.body = msg.text;

  const media = msg.attachments.filter((a) => a.storageKey);
  if (media.length > 0) {
    if (!settings.publicUrl) throw new PermanentSendError('PUBLIC_URL is required to send media through Twilio');
    params.mediaUrl = media.map((a) => signedMediaUrl(settings.publicUrl!, settings.authToken, a.storageKey!));
  }
  if (settings.publicUrl) params.statusCallback = settings.publicUrl + STATUS_PATH;
  return params;
}

/** Sends SMS and official WhatsApp messages with the twilio SDK; Twilio error codes become readable reasons. */
export function createTwilioAdapter(ctx: AdapterContext, settings: TwilioSettings | null, channel: 'sms' | 'whatsapp'): ChannelAdapter {
  const client = settings ? twilioClient(settings) : null;
  return {
    channel,
    async send(msg) {
      if (!client || !settings) throw new PermanentSendError('Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)');
      const params = twilioMessageParams(msg, settings);
      try {
        const sent = await client.messages.create(params as never);
        return { providerId: sent.sid };
      } catch (err) {
        const e = err as { code?: number; status?: number; message?: string };
        if (e.status === undefined) throw err; // network trouble: let the queue retry
        const info = twilioError(e.code, e.message);
        ctx.logger.warn({ code: e.code, status: e.status, messageId: msg.messageId }, 'twilio refused a message');
        // An unknown 4xx (other than rate limiting) is about the request itself: retrying would repeat it.
        const permanent = info.permanent || (!info.known && e.status >= 400 && e.status < 500 && e.status !== 429);
        if (permanent) throw new PermanentSendError(info.reason, String(e.code ?? e.status));
        throw new Error(info.reason);
      }
    },
  };
}
