import { dedupeKeyOf, type InboundMessageInput } from '../../src/domain/messages';

/** A Telegram update we cannot read as one (no update_id, a message without chat or date): refused with 400. */
export class TelegramUpdateError extends Error {
  constructor(message: string) {
    super(`invalid Telegram update: ${message}`);
    this.name = 'TelegramUpdateError';
  }
}

/** A file the message carries, fetched through getFile before the message is queued. */
export interface TelegramFile {
  fileId: string;
  name: string;
  contentType: string;
  /** As Telegram states it; files above the hub's limit are noted in the text instead of kept. */
  size?: number;
}

export type NormalizedUpdate =
  | { kind: 'message'; message: InboundMessageInput & { providerId: string }; files: TelegramFile[] }
  /** Acknowledged and not stored: an edit of a message we already have, or an update that is not a customer message. */
  | { kind: 'ignored'; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Bot API updates that are edits: Telegram resends the whole message with the same message_id. */
const EDITS = ['edited_message', 'edited_channel_post', 'edited_business_message'];

/** Non-text content Telegram may send that we keep as a short note rather than drop. */
const NOTED: Record<string, string> = {
  sticker: 'sticker', animation: 'GIF', video: 'video', video_note: 'video message', audio: 'audio', contact: 'contact',
  poll: 'poll', dice: 'dice', game: 'game', venue: 'venue',
};

/**
 * Pure: one Bot API Update (https://core.telegram.org/bots/api#update) as the hub's one InboundMessage shape. The
 * sender's identity is the chat id (kind `telegram`): replies go to that chat. The dedupe key is the chat and
 * message id, so a redelivered update (same update_id, same message) is stored once.
 */
export function normalizeTelegramUpdate(update: unknown): NormalizedUpdate {
  if (!isObj(update) || num(update.update_id) === undefined) throw new TelegramUpdateError('update_id is required');
  for (const key of EDITS) if (key in update) return { kind: 'ignored', reason: `${key}: edits are not new messages` };
  const msg = update.message ?? update.business_message;
  if (msg === undefined) return { kind: 'ignored', reason: `not a customer message (${Object.keys(update).filter((k) => k !== 'update_id').join(', ') || 'empty'})` };
  if (!isObj(msg)) throw new TelegramUpdateError('message must be an object');
  const chat = msg.chat;
  const messageId = num(msg.message_id);
  const date = num(msg.date);
  if (!isObj(chat) || num(chat.id) === undefined) throw new TelegramUpdateError('message.chat.id is required');
  if (messageId === undefined || date === undefined) throw new TelegramUpdateError('message.message_id and message.date are required');
  const chatId = String(chat.id);
  const from = isObj(msg.from) ? msg.from : {};
  const name = [str(from.first_name), str(from.last_name)].filter(Boolean).join(' ') || str(from.username) || str(chat.title) || undefined;

  const files: TelegramFile[] = [];
  const lines: string[] = [];
  const text = str(msg.text) ?? str(msg.caption);
  if (text) lines.push(text);
  if (Array.isArray(msg.photo) && msg.photo.length > 0) {
    // Telegram sends every size it made; the last is the largest.
    const largest = msg.photo.filter(isObj).at(-1);
    const fileId = largest && str(largest.file_id);
    if (!fileId) throw new TelegramUpdateError('message.photo without file_id');
    files.push({ fileId, name: `photo-${messageId}.jpg`, contentType: 'image/jpeg', size: num(largest.file_size) });
  }
  for (const [field, fallbackName, fallbackType] of [['document', `document-${messageId}`, 'application/octet-stream'], ['voice', `voice-${messageId}.ogg`, 'audio/ogg']] as const) {
    const f = msg[field];
    if (f === undefined) continue;
    if (!isObj(f) || !str(f.file_id)) throw new TelegramUpdateError(`message.${field} without file_id`);
    files.push({ fileId: str(f.file_id)!, name: str(f.file_name) ?? fallbackName, contentType: str(f.mime_type) ?? fallbackType, size: num(f.file_size) });
  }
  if (isObj(msg.location) && !isObj(msg.venue)) {
    const lat = num(msg.location.latitude);
    const lon = num(msg.location.longitude);
    if (lat === undefined || lon === undefined) throw new TelegramUpdateError('message.location needs latitude and longitude');
    lines.push(`📍 ${lat},${lon}\nhttps://maps.google.com/?q=${lat},${lon}`);
  }
  if (isObj(msg.venue) && isObj(msg.venue.location)) {
    const { latitude, longitude } = msg.venue.location;
    lines.push(`📍 ${[str(msg.venue.title), str(msg.venue.address)].filter(Boolean).join(', ')}\nhttps://maps.google.com/?q=${num(latitude)},${num(longitude)}`);
  }
  for (const [field, label] of Object.entries(NOTED)) {
    if (field === 'venue' || msg[field] === undefined) continue;
    const emoji = field === 'sticker' && isObj(msg.sticker) ? str(msg.sticker.emoji) : undefined;
    lines.push(`[${label}${emoji ? ` ${emoji}` : ''}]`);
  }
  if (lines.length === 0 && files.length === 0) return { kind: 'ignored', reason: 'a service message (no content a customer wrote)' };

  const providerId = `${chatId}:${messageId}`;
  return {
    kind: 'message',
    files,
    message: {
      channel: 'telegram',
      dedupeKey: dedupeKeyOf('telegram', providerId),
      providerId,
      from: { address: chatId, ...(name ? { name } : {}) },
      text: lines.join('\n'),
      attachments: [],
      sentAt: new Date(date * 1000).toISOString(),
      ...(str(from.language_code) ? { language: str(from.language_code) } : {}),
    },
  };
}
