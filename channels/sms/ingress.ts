import express, { type Request, type Response } from 'express';
import twilio from 'twilio';
import { InvalidPhoneNumberError } from '../phone';
import type { IngressContext } from '../types';
import type { TwilioSettings } from './config';
import { twilioError } from './errors';
import { fetchMedia } from './media';
import { MEDIA_PATH, validMediaSignature } from './media-link';
import { deliveryStatusOf, normalizeTwilioMessage, TwilioFormError } from './normalize';

export const MESSAGES_PATH = '/webhooks/twilio/messages';
export const STATUS_PATH = '/webhooks/twilio/status';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * The URL Twilio signed: the configured public base URL (what Twilio was told to call, even behind a proxy that
 * rewrites host and scheme) plus the path and query as received.
 */
function signedUrl(req: Request, settings: TwilioSettings): string {
  const base = settings.publicUrl ?? `${req.protocol}://${req.get('host')}`;
  return base + req.originalUrl;
}

function verified(req: Request, res: Response, settings: TwilioSettings, ctx: IngressContext): boolean {
  const signature = req.get('x-twilio-signature') ?? '';
  const params = (req.body ?? {}) as Record<string, string>;
  if (signature && twilio.validateRequest(settings.authToken, signature, signedUrl(req, settings), params)) return true;
  ctx.logger.warn({ path: req.path, hasSignature: Boolean(signature) }, 'twilio webhook refused: bad signature');
  res.status(403).json({ error: 'invalid Twilio signature' });
  return false;
}

/** Twilio posts its webhooks as forms; anything else (a JSON body, no body) is refused before it is read. */
function formBody(req: Request, res: Response): boolean {
  if (req.is('application/x-www-form-urlencoded')) return true;
  res.status(415).json({ error: 'Twilio webhooks are application/x-www-form-urlencoded' });
  return false;
}

/** Twilio webhooks: inbound SMS/MMS/WhatsApp messages and status callbacks of ours, both signature-checked. */
export function mountTwilioIngress(ctx: IngressContext, settings: TwilioSettings): void {
  const form = express.urlencoded({ extended: false, limit: '256kb' });

  ctx.router.post(MESSAGES_PATH, form, async (req, res) => {
    if (!formBody(req, res)) return;
    if (!verified(req, res, settings, ctx)) return;
    try {
      const { message, media } = normalizeTwilioMessage(req.body as Record<string, unknown>, settings.defaultRegion);
      // A redelivery (same MessageSid) must not fetch and store its media again: the message is already ours.
      if (!(await ctx.inboundExists(message.dedupeKey))) {
        const fetched = await fetchMedia(ctx, settings, message.providerId!, media);
        const text = [message.text, ...fetched.refused].filter(Boolean).join('\n');
        await ctx.enqueueInbound({ ...message, text, attachments: fetched.attachments } as Parameters<IngressContext['enqueueInbound']>[0]);
      }
    } catch (err) {
      if (err instanceof TwilioFormError || err instanceof InvalidPhoneNumberError) {
        ctx.logger.warn({ err: err.message }, 'twilio message refused');
        return void res.status(400).json({ error: err.message });
      }
      throw err; // a 5xx: Twilio retries (or the error shows in its debugger) and nothing was queued
    }
    // Only now: an answer before the message is queued could lose it if this process died.
    res.status(200).type('text/xml').send(EMPTY_TWIML);
  });

  ctx.router.post(STATUS_PATH, form, async (req, res) => {
    if (!formBody(req, res)) return;
    if (!verified(req, res, settings, ctx)) return;
    const body = req.body as Record<string, string | undefined>;
    const sid = body.MessageSid ?? body.SmsSid;
    const twilioStatus = body.MessageStatus ?? body.SmsStatus ?? '';
    if (!sid || !twilioStatus) return void res.status(400).json({ error: 'MessageSid and MessageStatus are required' });
    const status = deliveryStatusOf(twilioStatus);
    if (status) {
      const channel = /^whatsapp:/i.test(body.From ?? body.To ?? '') ? 'whatsapp' : 'sms';
      const error = status === 'failed' ? twilioError(body.ErrorCode, body.ErrorMessage || `message ${twilioStatus}`).reason : undefined;
      const outcome = await ctx.reportDelivery({ channel, providerId: sid, status, error });
      if (outcome === 'unknown') ctx.logger.info({ sid, status }, 'twilio status for a message we do not know');
    }
    res.status(204).end();
  });

  // Twilio fetches our outbound media here through the signed, expiring link the adapter gave it.
  ctx.router.get(`${MEDIA_PATH}/:key`, async (req, res) => {
    const key = String(req.params.key);
    const { exp = '', sig = '' } = req.query as Record<string, string>;
    if (!validMediaSignature(settings.authToken, key, String(exp), String(sig))) return void res.status(403).json({ error: 'invalid or expired media link' });
    const file = await ctx.openAttachment(key);
    if (!file) return void res.status(404).json({ error: 'media not found' });
    res.set({ 'content-type': file.contentType, 'content-length': String(file.size), 'cache-control': 'private, no-store' });
    file.stream.pipe(res);
  });
}
