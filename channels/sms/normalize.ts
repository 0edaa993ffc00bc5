import { dedupeKeyOf, type InboundMessageInput } from '../../src/domain/messages';
import { toE164 } from '../phone';
import { KanalError } from '../../src/domain/errors';

/** A webhook field Twilio always sends is missing or empty: the ingress answers 400 and stores nothing. */
export class TwilioFormError extends KanalError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

export interface TwilioMedia {
  url: string;
  contentType: string;
}

export interface NormalizedTwilioMessage {
  message: Omit<InboundMessageInput, 'attachments'>;
  /** MMS / WhatsApp media still to fetch (with the account's credentials) and store. */
  media: TwilioMedia[];
}

const MAX_MEDIA = 10; // Twilio sends at most 10 MediaUrlN

/**
 * Twilio's inbound message webhook (form fields as Twilio names them) -> our InboundMessage. Pure: no I/O.
 * `whatsapp:+90...` senders become the `whatsapp` channel (the official route), plain numbers `sms`; both resolve to
 * the same `phone` identity, so one person is one customer on both.
 */
export function normalizeTwilioMessage(form: Record<string, unknown>, defaultRegion: string, receivedAt = new Date()): NormalizedTwilioMessage {
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const sid = field('MessageSid') || field('SmsMessageSid');
  const from = field('From');
  if (!/^(SM|MM|MG)[0-9a-f]{32}$/i.test(sid)) throw new TwilioFormError('MessageSid is missing or not a Twilio message id');
  if (!from) throw new TwilioFormError('From is missing');
  const whatsapp = /^whatsapp:/i.test(from);
  const channel = whatsapp ? 'whatsapp' : 'sms';
  const address = toE164(whatsapp && field('WaId') ? `+${field('WaId').replace(/^\+/, '')}` : from, defaultRegion);

  const count = Math.min(Number.parseInt(field('NumMedia') || '0', 10) || 0, MAX_MEDIA);
  const media: TwilioMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = field(`MediaUrl${i}`);
    if (!/^https?:\/\//.test(url)) throw new TwilioFormError(`MediaUrl${i} is missing`);
    if (!URL.canParse(url)) throw new TwilioFormError(`MediaUrl${i} is not a valid URL`);
    media.push({ url, contentType: field(`MediaContentType${i}`) || 'application/octet-stream' });
  }
  const text = field('Body');
  if (!text && media.length === 0 && !field('Latitude')) throw new TwilioFormError('Body is empty and there is no media');

  const location = field('Latitude') && field('Longitude') ? `📍 ${field('Latitude')},${field('Longitude')}${field('Address') ? ` ${field('Address')}` : ''}` : '';
  return {
    message: {
      channel,
      dedupeKey: dedupeKeyOf(channel, sid),
      providerId: sid,
      from: { address, name: field('ProfileName') || undefined },
      text: [text, location].filter(Boolean).join('\n'),
      sentAt: receivedAt.toISOString(), // Twilio's webhook carries no send time; it calls within seconds
      threadHints: { route: 'twilio', to: field('To').replace(/^whatsapp:/i, '') },
    },
    media,
  };
}

/** Twilio's MessageStatus values -> our delivery statuses (queued/accepted/sending are not news: null). */
export function deliveryStatusOf(status: string): 'sent' | 'delivered' | 'read' | 'failed' | null {
  switch (status) {
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
    case 'undelivered':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}
