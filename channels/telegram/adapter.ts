import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../src/domain/messages';
import type { AdapterContext } from '../types';
import { callBotApi, type SentMessage } from './bot-api';
import type { TelegramSettings } from './config';

// Bot API limits: a text message holds 4096 characters, a caption 1024.
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;

/** Splits a long reply into messages Telegram accepts, at line ends where possible. */
export function textChunks(text: string, max = TEXT_MAX): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    const at = cut > max / 2 ? cut : max;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** The chat id a reply goes to: our identity address for the customer (a Telegram chat id). */
function chatIdOf(msg: OutboundMessage): string {
  if (!/^-?\d{1,20}$/.test(msg.to)) throw new PermanentSendError(`not a Telegram chat id: ${JSON.stringify(msg.to.slice(0, 40))}`, 'invalid-chat');
  return msg.to;
}

/**
 * Sends through the Bot API: text with sendMessage, images with sendPhoto and other files with sendDocument (the
 * text as the first file's caption when it fits). The provider id is `<chat id>:<message id>` of the first message.
 */
export function createTelegramAdapter(ctx: AdapterContext, settings: TelegramSettings | null): ChannelAdapter {
  return {
    channel: 'telegram',
    async send(msg) {
      if (!settings) throw new PermanentSendError('Telegram is not configured (TELEGRAM_BOT_TOKEN)');
      const chatId = chatIdOf(msg);
      const sent: SentMessage[] = [];
      const files = msg.attachments.filter((a) => a.storageKey);
      const captioned = files.length > 0 && msg.text.length > 0 && msg.text.length <= CAPTION_MAX;
      if (!captioned) for (const chunk of textChunks(msg.text)) sent.push(await callBotApi<SentMessage>(settings, 'sendMessage', { chat_id: chatId, text: chunk }));
      for (const [i, file] of files.entries()) {
        const stored = await ctx.openAttachment(file.storageKey!);
        if (!stored) throw new PermanentSendError(`attachment ${file.name} no longer exists`, 'attachment-missing');
        const photo = /^image\/(jpeg|png|webp|gif)$/.test(stored.contentType);
        const form = new FormData();
        form.set('chat_id', chatId);
        if (captioned && i === 0) form.set('caption', msg.text);
        const bytes = await new Response(stored.stream as unknown as ReadableStream).arrayBuffer();
        form.set(photo ? 'photo' : 'document', new Blob([bytes], { type: stored.contentType }), stored.name);
        sent.push(await callBotApi<SentMessage>(settings, photo ? 'sendPhoto' : 'sendDocument', form));
      }
      const first = sent[0];
      if (!first) throw new PermanentSendError('nothing to send: no text and no files', 'empty');
      return { providerId: `${first.chat.id}:${first.message_id}` };
    },
  };
}
