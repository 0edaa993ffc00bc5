import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AttachmentTooLargeError, type Attachment } from '../../src/domain/messages';
import type { IngressContext } from '../types';
import type { TwilioSettings } from './config';
import { TwilioFormError, type TwilioMedia } from './normalize';

const extensionOf: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf',
  'audio/ogg': 'ogg', 'audio/amr': 'amr', 'audio/mpeg': 'mp3', 'video/mp4': 'mp4', 'text/vcard': 'vcf',
};

/** Only Twilio's API host (or the configured stand-in) is fetched with our credentials: a form cannot aim them elsewhere. */
function trusted(url: string, settings: TwilioSettings): boolean {
  const u = new URL(url);
  const base = new URL(settings.apiBase);
  return u.origin === base.origin || /^https:\/\/api\.([a-z0-9-]+\.)*twilio\.com$/.test(u.origin);
}

export interface FetchedMedia {
  attachments: Attachment[];
  /** Readable notes for media we could not keep (too large), shown in the thread instead of losing them silently. */
  refused: string[];
}

/**
 * Fetches MMS / WhatsApp media with the account's credentials (Twilio media URLs require basic auth when HTTP auth
 * is enabled on media) and stores each through the hub. Media above the size limit become a visible note.
 */
export async function fetchMedia(ctx: IngressContext, settings: TwilioSettings, sid: string, media: TwilioMedia[]): Promise<FetchedMedia> {
  const out: FetchedMedia = { attachments: [], refused: [] };
  const auth = 'Basic ' + Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64');
  try {
    for (const [i, item] of media.entries()) {
      const name = `${sid}-${i}.${extensionOf[item.contentType] ?? 'bin'}`;
      if (!trusted(item.url, settings)) throw new TwilioFormError(`media URL is not a Twilio URL: ${new URL(item.url).origin}`);
      // Twilio redirects media to its CDN; fetch drops the Authorization header on a cross-origin redirect.
      const res = await fetch(item.url, { headers: { authorization: auth }, signal: AbortSignal.timeout(30_000) });
      if (!res.ok || !res.body) throw new Error(`media ${i} fetch failed: HTTP ${res.status}`);
      try {
        out.attachments.push(await ctx.storeAttachment({ name, contentType: item.contentType, data: Readable.fromWeb(res.body as WebReadableStream) }));
      } catch (err) {
        if (!(err instanceof AttachmentTooLargeError)) throw err;
        await res.body.cancel().catch(() => {});
        out.refused.push(`⚠️ ${name} (${item.contentType}) was not kept: larger than ${err.maxBytes} bytes`);
      }
    }
  } catch (err) {
    // The message is not queued (Twilio retries it): the media stored so far would belong to nothing.
    await ctx.discardAttachments(out.attachments);
    throw err;
  }
  return out;
}
