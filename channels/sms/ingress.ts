import express, { type Request, type Response } from 'express';
import { InvalidInboundError } from '../../src/domain/inbound-schema';
import { InvalidPhoneNumberError } from '../phone';
import type { IngressContext } from '../types';
import type { TwilioSettings } from './config';
import { twilioError } from './errors';
import { fetchMedia } from './media';
import { MEDIA_PATH, validMediaSignature } from './media-link';
import { deliveryStatusOf, normalizeTwilioMessage, TwilioFormError } from './normalize';
import { signatureProblem } from './signature';

export const MESSAGES_PATH = '/webhooks/twilio/messages';
export const STATUS_PATH = '/webhooks/twilio/status';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function verified(req: Request, res: Response, settings: TwilioSettings, ctx: IngressContext): boolean {
  const problem = signatureProblem(req, settings.authToken, settings.publicUrl);
  if (!problem) return true;
  ctx.logger.warn({ path: req.path, problem }, 'twilio webhook refused: bad signature');
  res.status(403).json({ error: 'invalid Twilio signature' });
  return false;
}

/** Twilio posts these webhooks as forms; a body of another type, even one correctly signed, is refused unread. */
function formBody(req: Request, res: Response): boolean {
  if (req.is('application/x-www-form-urlencoded')) return true;
  res.status(415).json({ error: 'Twilio webhooks are application/x-www-form-urlencoded' });
  return false;
}

/** Twilio webhooks: inbound SMS/MMS/WhatsApp messages and status callbacks of ours, both signature-checked. */
export function mountTwilioIngress(ctx: IngressContext, settings: TwilioSettings): void {
  // Forms are parsed; any other body is kept raw, because its signature covers its exact bytes (bodySHA256).
  const form = express.urlencoded({ extended: false, limit: '256kb' });
  const raw = express.raw({ type: () => true, limit: '256kb' });

  ctx.router.post(MESSAGES_PATH, form, raw, async (req, res) => {
    if (!verified(req, res, settings, ctx)) return;
    if (!formBody(req, res)) return;
    try {
      const { message, media } = normalizeTwilioMessage(req.body as Record<string, unknown>, settings.defaultRegion);
      // A redelivery (same MessageSid) must not fetch and store its media again: the message is already ours.
      if (!(await ctx.inboundExists(message.dedupeKey))) {
        const fetched = await fetchMedia(ctx, settings, message.providerId!, media);
        const text = [message.text, ...fetched.refused].filter(Boolean).join('\n');
        // Fitted there to the one inbound schema (a ProfileName or Body too long is cut, its original kept as a file).
        await ctx.enqueueInbound({ ...message, text, attachments: fetched.attachments });
      }
    } catch (err) {
      if (err instanceof TwilioFormError || err instanceof InvalidPhoneNumberError || err instanceof InvalidInboundError) {
        ctx.logger.warn({ err }, 'twilio message refused');
        return void res.status(400).json({ error: err.message });
      }
      throw err; // a 5xx: Twilio retries (or the error shows in its debugger) and nothing was queued
    }
    // Only now: an answer before the message is queued could lose it if this process died.
    res.status(200).type('text/xml').send(EMPTY_TWIML);
  });

  ctx.router.post(STATUS_PATH, form, raw, async (req, res) => {
    if (!verified(req, res, settings, ctx)) return;
    if (!formBody(req, res)) return;
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
