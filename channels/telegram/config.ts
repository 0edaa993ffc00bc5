import { CHANNEL_NOT_CONFIGURED } from '../../src/domain/channels';
import { z } from 'zod';

/** Telegram's settings (docs/channels.md), composed into the root config. The channel is off until the token is set. */
export const telegramConfigShape = {
  // The bot's token from @BotFather (`123456:ABC...`).
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must be a bot token from @BotFather (digits:letters)').optional(),
  // The secret_token given to setWebhook: Telegram sends it back in X-Telegram-Bot-Api-Secret-Token on every update.
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 letters, digits, _ or -').optional(),
  // The Bot API's origin; only tests and self-hosted Bot API servers change it.
  TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
};

export interface TelegramSettings {
  token: string;
  /** Unset: webhooks are refused (503), as nobody could tell Telegram's updates from anyone else's. */
  webhookSecret?: string;
  apiUrl: string;
}

/** The settings as the channel reads them from its context env (validated at start), or null when the bot is off. */
export function telegramSettings(env: Readonly<Record<string, unknown>>): TelegramSettings | null {
  const token = env.TELEGRAM_BOT_TOKEN;
  if (typeof token !== 'string' || !token) return null;
  const secret = env.TELEGRAM_WEBHOOK_SECRET;
  return {
    token,
    webhookSecret: typeof secret === 'string' && secret ? secret : undefined,
    apiUrl: String(env.TELEGRAM_API_URL || 'https://api.telegram.org').replace(/\/+$/, ''),
  };
}

export const WEBHOOK_PATH = '/webhooks/telegram';

export const NOT_CONFIGURED = { code: CHANNEL_NOT_CONFIGURED, en: 'the Telegram bot is not configured', tr: 'Telegram botu ayarlı değil' };
