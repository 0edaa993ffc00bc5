import { createHmac, timingSafeEqual } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import express, { type Router } from 'express';
import { z } from 'zod';
import { contentDisposition, inlineSafe } from '../../src/domain/attachment-headers';
import { dedupeKeyOf, type Attachment } from '../../src/domain/messages';
import { InvalidInboundError } from '../../src/domain/inbound-schema';
import type { IngressContext } from '../types';
import type { WidgetSecrets } from './session';
import { readToken } from './token';

/**
 * Files in web chat: a visitor uploads one per message (POST, the session token as Bearer), and sees the files of
 * the thread through links signed for that file alone (an <img> cannot send the token). The hub's attachment store
 * keeps the bytes and sniffs their type; only the types below are taken from visitors.
 */
export const UPLOAD_PATH = '/api/widget/upload';
export const FILES_PATH = '/api/widget/files';

/** What a visitor may send: pictures, PDFs, text and office documents. Checked on the sniffed type, not the claim. */
export const allowedUpload = (type: string) =>
  /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/(plain|csv)|application\/msword|application\/vnd\.[a-z0-9.+-]+|application\/zip)$/.test(type);

/** The largest file a visitor may upload (WIDGET_UPLOAD_MAX_MB, within the hub's ATTACHMENT_MAX_BYTES). */
export const uploadMaxBytes = (env: NodeJS.ProcessEnv) => Math.round((Number(env.WIDGET_UPLOAD_MAX_MB) > 0 ? Number(env.WIDGET_UPLOAD_MAX_MB) : 10) * 1024 * 1024);

const sign = (key: string, secret: string) => createHmac('sha256', secret).update(`widget-file:${key}`).digest('base64url').slice(0, 32);

/** What a visitor sees of an attachment: its name, type, size and a signed link relative to the hub. */
export interface VisitorAttachment { name: string; contentType: string; size: number; url: string }

export function visitorAttachments(attachments: readonly Attachment[] | undefined, secret: string): VisitorAttachment[] {
  return (attachments ?? []).flatMap((a) => (a.storageKey
    ? [{ name: a.name, contentType: a.contentType, size: a.size, url: `${FILES_PATH}/${a.storageKey}?s=${sign(a.storageKey, secret)}` }]
    : []));
}

const uploadQuery = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z a-z 0-9 _ -'),
  name: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  text: z.string().trim().max(5000, 'must be at most 5000 characters').optional(),
});


function cors(_req: express.Request, res: express.Response, next: express.NextFunction) {
  res.set({
    'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST, GET', 'access-control-allow-headers': 'content-type, authorization',
    'access-control-expose-headers': 'retry-after', 'access-control-max-age': '600',
  });
  next();
}

const refuse = (res: express.Response, status: number, error: string, code: string, extra: Record<string, unknown> = {}) =>
  void res.set('cache-control', 'no-store').status(status).json({ error, code, ...extra });

export function mountFiles(router: Router, ctx: IngressContext, secrets: WidgetSecrets): void {
  const maxBytes = Math.min(uploadMaxBytes(ctx.env), Number(ctx.env.ATTACHMENT_MAX_BYTES) || Infinity);
  router.options(UPLOAD_PATH, cors, (_req, res) => void res.status(204).end());
  router.post(UPLOAD_PATH, cors, async (req, res, next) => {
    try {
      const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      const check = readToken(bearer, secrets.tokenSecret, secrets.tokenTtlS);
      if (!check.ok) { req.resume(); return refuse(res, 401, 'unauthorized', 'unauthorized'); }
      const visitorId = check.session.visitorId;
      if (secrets.identitySecret && !check.session.verified) { req.resume(); return refuse(res, 401, 'identity required', 'unauthorized'); }
      const decision = await ctx.rateLimit('upload', { visitorId, ip: req.ip ?? 'unknown' });
      if (!decision.allowed) {
        req.resume();
        res.set('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)));
        return refuse(res, 429, 'rate limited, slow down', 'rate_limited', { retryAfterMs: decision.retryAfterMs });
      }
      const query = uploadQuery.safeParse(req.query);
      if (!query.success) { req.resume(); return refuse(res, 400, query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 'invalid_input'); }
      const declared = Number(req.get('content-length') ?? 0);
      if (declared > maxBytes) { req.resume(); return refuse(res, 413, `file too large (at most ${maxBytes} bytes)`, 'too_large', { maxBytes }); }
      const claimed = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (claimed && !allowedUpload(claimed) && claimed !== 'application/octet-stream') {
        req.resume();
        return refuse(res, 415, 'file type not allowed', 'unsupported_type');
      }
      const body = await readBody(req, maxBytes);
      if (body === 'too_large') return refuse(res, 413, `file too large (at most ${maxBytes} bytes)`, 'too_large', { maxBytes });
      if (!body.length) return refuse(res, 400, 'file: must not be empty', 'invalid_input');
      const stored = await ctx.storeAttachment({ name: query.data.name, contentType: claimed || undefined, data: body });
      // The type is the sniffed one: a file claiming to be a picture but holding a program is refused here.
      if (!allowedUpload(stored.contentType)) {
        await ctx.discardAttachments([stored]);
        return refuse(res, 415, 'file type not allowed', 'unsupported_type');
      }
      const { clientId, text } = query.data;
      try {
        await ctx.enqueueInbound({
          channel: 'webchat',
          dedupeKey: dedupeKeyOf('webchat', `${visitorId}:${clientId}`),
          providerId: clientId,
          from: { address: visitorId, name: check.session.name, verified: check.session.verified },
          linkedIdentities: check.session.email ? [{ channel: 'email', address: check.session.email, verified: check.session.emailVerified === true }] : undefined,
          text: text ?? '',
          attachments: [stored],
          sentAt: new Date().toISOString(),
        });
      } catch (err) {
        if (err instanceof InvalidInboundError) return refuse(res, 400, err.issues, 'invalid_input');
        ctx.logger.warn({ err, channel: 'webchat' }, 'upload enqueue failed');
        return refuse(res, 503, 'temporarily unavailable, retry', 'unavailable');
      }
      res.set('cache-control', 'no-store').status(201).json({ ok: true, clientId, attachment: visitorAttachments([stored], secrets.tokenSecret)[0] });
    } catch (err) {
      next(err);
    }
  });

  router.get(`${FILES_PATH}/:key`, async (req, res, next) => {
    try {
      const key = String(req.params.key);
      const given = Buffer.from(String(req.query.s ?? ''));
      const expected = Buffer.from(sign(key, secrets.tokenSecret));
      if (!/^[0-9a-f]{24}$/.test(key) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return refuse(res, 403, 'invalid file link', 'forbidden');
      }
      const file = await ctx.openAttachment(key);
      if (!file) return refuse(res, 404, 'file not found', 'not_found');
      res.status(200).set({
        'content-type': file.contentType,
        'content-length': String(file.size),
        'content-disposition': contentDisposition(inlineSafe(file.contentType) ? 'inline' : 'attachment', file.name),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
        // Shown inside the widget on the host's page: another origin.
        'cross-origin-resource-policy': 'cross-origin',
        'cache-control': 'private, max-age=3600',
      });
      await pipeline(file.stream, res);
    } catch (err) {
      next(err);
    }
  });
}

/** The request body, at most `max` bytes ('too_large' past it: the rest is not read). */
function readBody(req: express.Request, max: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
