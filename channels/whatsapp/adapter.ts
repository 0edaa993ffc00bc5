import { PermanentSendError, type ChannelAdapter } from '../../src/domain/messages';
import type { AdapterContext } from '../types';
import type { ControlSend } from './control';

/**
 * Sends through the whatsapp-web.js session process (unofficial route). A session that is not paired answers 503:
 * the job is retried, since the phone may be reconnecting; refusals (bad number, missing media) fail at once.
 */
export function createWwebjsAdapter(ctx: AdapterContext): ChannelAdapter {
  const base = (ctx.env.WWEBJS_CONTROL_URL ?? 'http://127.0.0.1:3011').replace(/\/+$/, '');
  const token = ctx.env.WWEBJS_CONTROL_TOKEN;
  return {
    channel: 'whatsapp',
    async send(msg) {
      if (!token) throw new PermanentSendError('WWEBJS_CONTROL_TOKEN is not configured');
      const body: ControlSend = {
        to: msg.to, text: msg.text,
        attachments: msg.attachments.filter((a) => a.storageKey).map((a) => ({ storageKey: a.storageKey!, name: a.name, contentType: a.contentType })),
      };
      const res = await fetch(`${base}/send`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body), signal: AbortSignal.timeout(60_000),
      });
      const answer = (await res.json().catch(() => ({}))) as { providerId?: string; error?: string };
      if (res.ok && answer.providerId) return { providerId: answer.providerId };
      const reason = answer.error ?? `WhatsApp session answered HTTP ${res.status}`;
      if (res.status === 422 || res.status === 401) throw new PermanentSendError(reason);
      throw new Error(reason);
    },
  };
}
