import { dedupeKeyOf, type InboundMessageInput } from '../../src/domain/messages';
import { tryE164 } from '../phone';

/** The fields of a whatsapp-web.js Message we read (names as the library has them). */
export interface WwebjsMessage {
  id: { _serialized: string; fromMe?: boolean };
  from: string;
  to: string;
  author?: string;
  body: string;
  type: string;
  timestamp: number;
  hasMedia: boolean;
  fromMe?: boolean;
  isStatus?: boolean;
  ack?: number;
  location?: { latitude: number | string; longitude: number | string; description?: string; name?: string; address?: string };
  _data?: { notifyName?: string; filename?: string };
  downloadMedia(): Promise<{ mimetype: string; data: string; filename?: string | null; filesize?: number | null } | undefined>;
}

export type Skip = { skip: string };
export interface NormalizedWwebjs {
  message: Omit<InboundMessageInput, 'attachments'>;
  /** True when the attachment must still be downloaded (image, document, voice note ...). */
  media: boolean;
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);
const LABEL: Record<string, string> = { ptt: '🎤 voice note', audio: '🎵 audio', sticker: 'sticker' };

/**
 * whatsapp-web.js Message -> InboundMessage (pure). Ignored, with the reason: our own messages, status updates,
 * group chats (unless enabled), message kinds we do not carry (calls, revokes, e2e notices) and senders without a
 * phone number (WhatsApp's anonymous @lid ids).
 */
export function normalizeWwebjsMessage(msg: WwebjsMessage, opts: { defaultRegion: string; groups: boolean }): NormalizedWwebjs | Skip {
  if (msg.fromMe || msg.id.fromMe) return { skip: 'own message' };
  if (msg.isStatus || msg.from === 'status@broadcast') return { skip: 'status update' };
  const group = msg.from.endsWith('@g.us');
  if (group && !opts.groups) return { skip: 'group chat (WWEBJS_GROUPS=false)' };
  const sender = group ? msg.author ?? '' : msg.from;
  if (!/@c\.us$/.test(sender)) return { skip: `sender ${sender.replace(/\d(?=\d{4})/g, '•')} has no phone number` };
  const address = tryE164(`+${sender.split('@')[0]}`, opts.defaultRegion);
  if (!address) return { skip: 'sender is not a valid phone number' };

  let text = msg.body ?? '';
  if (msg.type === 'location' && msg.location) {
    const { latitude, longitude } = msg.location;
    const label = msg.location.description ?? msg.location.name ?? msg.location.address;
    text = `📍 ${latitude},${longitude}${label ? ` ${label}` : ''}\nhttps://maps.google.com/?q=${latitude},${longitude}`;
  } else if (MEDIA_TYPES.has(msg.type)) {
    text = msg.body || LABEL[msg.type] || '';
  } else if (msg.type !== 'chat') {
    return { skip: `message type ${msg.type}` };
  }
  return {
    message: {
      channel: 'whatsapp',
      dedupeKey: dedupeKeyOf('whatsapp', msg.id._serialized),
      providerId: msg.id._serialized,
      from: { address, name: msg._data?.notifyName || undefined },
      text,
      sentAt: new Date(msg.timestamp * 1000).toISOString(),
      threadHints: { route: 'wwebjs', chat: msg.from, ...(group ? { group: msg.from } : {}) },
    },
    media: MEDIA_TYPES.has(msg.type) && msg.hasMedia,
  };
}

/** whatsapp-web.js MessageAck -> our delivery status (pending is not news). */
export function ackStatus(ack: number): 'sent' | 'delivered' | 'read' | 'failed' | null {
  if (ack === -1) return 'failed';
  if (ack === 1) return 'sent';
  if (ack === 2) return 'delivered';
  if (ack >= 3) return 'read'; // 3 read, 4 played (voice notes)
  return null;
}

/** E.164 -> the chat id whatsapp-web.js sends to. */
export const chatIdOf = (e164: string) => `${e164.replace(/^\+/, '')}@c.us`;
