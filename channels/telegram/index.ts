import type { ChannelModule } from '../types';
import { createTelegramAdapter } from './adapter';
import { NOT_CONFIGURED, telegramConfigShape, telegramSettings, WEBHOOK_PATH } from './config';
import { mountTelegramIngress } from './ingress';

/**
 * Telegram: a bot's Bot API webhook in (text, photos, documents, voice, location; edits acknowledged and not stored)
 * and sendMessage / sendPhoto / sendDocument out. A customer is their chat id (identity kind `telegram`).
 */
export const telegram = {
  name: 'telegram',
  identity: { kind: 'telegram' },
  presentation: { label: { tr: 'Telegram', en: 'Telegram' }, colour: '#145a86', background: '#e0f0fa' },
  config: telegramConfigShape,
  replyAvailability: (ctx) => (telegramSettings(ctx.settings) ? { available: true } : { available: false, reason: NOT_CONFIGURED }),
  setup(settings, publicUrl) {
    const s = telegramSettings(settings);
    const url = `${publicUrl}${WEBHOOK_PATH}`;
    return {
      channel: 'telegram',
      configured: Boolean(s?.webhookSecret),
      hint: {
        en: 'Set TELEGRAM_BOT_TOKEN (from @BotFather) and TELEGRAM_WEBHOOK_SECRET, restart, then register the webhook below.',
        tr: 'TELEGRAM_BOT_TOKEN (@BotFather’dan) ve TELEGRAM_WEBHOOK_SECRET ayarlayın, yeniden başlatın, sonra aşağıdaki webhook’u kaydedin.',
      },
      items: [
        { label: { en: 'Webhook URL', tr: 'Webhook adresi' }, value: url, copy: true },
        {
          label: { en: 'Register the webhook (fill in the token and secret)', tr: 'Webhook’u kaydedin (token ve gizli değeri doldurun)' },
          value: `curl -F url=${url} -F secret_token=<TELEGRAM_WEBHOOK_SECRET> -F 'allowed_updates=["message","edited_message"]' https://api.telegram.org/bot<TELEGRAM_BOT_TOKEN>/setWebhook`,
          copy: true,
        },
      ],
    };
  },
  createAdapter: (ctx) => createTelegramAdapter(ctx, telegramSettings(ctx.env)),
  mountIngress: (ctx) => mountTelegramIngress(ctx, telegramSettings(ctx.env)),
} satisfies ChannelModule;
