import { timingSafeEqual } from 'node:crypto';
import express, { type Request } from 'express';
import { InvalidInboundError } from '../../src/domain/inbound-schema';
import { AttachmentTooLargeError, type Attachment } from '../../src/domain/messages';
import type { IngressContext } from '../types';
import { downloadFile } from './bot-api';
import { WEBHOOK_PATH, type TelegramSettings } from './config';
import { normalizeTelegramUpdate, TelegramUpdateError, type TelegramFile } from './normalize';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function secretMatches(req: Request, secret: string): boolean {
  const given = Buffer.from(req.get(SECRET_HEADER) ?? '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Fetches and stores the message's files; one above the size limit becomes a visible note instead of being lost. */
async function fetchFiles(ctx: IngressContext, settings: TelegramSettings, files: TelegramFile[]): Promise<{ attachments: Attachment[]; notes: string[] }> {
  const out = { attachments: [] as Attachment[], notes: [] as string[] };
  try {
    for (const f of files) {
      const { stream, cancel } = await downloadFile(settings, f.fileId);
      try {
        out.attachments.push(await ctx.storeAttachment({ name: f.name, contentType: f.contentType, data: stream }));
      } catch (err) {
        if (!(err instanceof AttachmentTooLargeError)) throw err;
        await cancel();
        out.notes.push(`⚠️ ${f.name} (${f.contentType}) was not kept: larger than ${err.maxBytes} bytes`);
      }
    }
  } catch (err) {
    // Not queued (Telegram redelivers the update): the files stored so far would belong to nothing.
    await ctx.discardAttachments(out.attachments);
    throw err;
  }
  return out;
}

/**
 * The Bot API webhook (setWebhook with secret_token): every update must carry the secret in
 * X-Telegram-Bot-Api-Secret-Token. Telegram redelivers an update until it gets a 2xx, so the answer comes only once
 * the message is queued; a malformed update gets a 400 (Telegram logs it in getWebhookInfo) and nothing is queued.
 */
export function mountTelegramIngress(ctx: IngressContext, settings: TelegramSettings | null): void {
  if (!settings?.webhookSecret) {
    ctx.logger.info(settings ? 'TELEGRAM_WEBHOOK_SECRET not set: Telegram webhooks answer 503' : 'TELEGRAM_BOT_TOKEN not set: Telegram webhooks answer 503');
    ctx.router.post(WEBHOOK_PATH, (_req, res) => void res.status(503).json({ error: 'Telegram is not configured' }));
    return;
  }
  const secret = settings.webhookSecret;
  ctx.router.post(WEBHOOK_PATH, (req, res, next) => {
    // Checked before the body is read: a stranger's post costs nothing.
    if (!secretMatches(req, secret)) return void res.status(403).json({ error: 'invalid X-Telegram-Bot-Api-Secret-Token' });
    if (!req.is('application/json')) return void res.status(415).json({ error: 'Telegram updates are application/json' });
    next();
  }, express.json({ limit: '1mb' }), async (req, res) => {
    try {
      const update = normalizeTelegramUpdate(req.body);
      if (update.kind === 'ignored') {
        ctx.logger.debug({ reason: update.reason }, 'telegram update acknowledged, not stored');
        return void res.status(200).json({ ok: true });
      }
      const { message, files } = update;
      // A redelivered update must not fetch and store its files again: the message is already ours.
      if (!(await ctx.inboundExists(message.dedupeKey))) {
        const fetched = await fetchFiles(ctx, settings, files);
        const text = [message.text, ...fetched.notes].filter(Boolean).join('\n');
        await ctx.enqueueInbound({ ...message, text, attachments: fetched.attachments });
      }
    } catch (err) {
      if (err instanceof TelegramUpdateError || err instanceof InvalidInboundError) {
        ctx.logger.warn({ err: err.message }, 'telegram update refused');
        return void res.status(400).json({ error: err.message });
      }
      throw err; // a 5xx: Telegram redelivers, nothing was queued
    }
    res.status(200).json({ ok: true });
  });
}
