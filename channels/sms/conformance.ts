import { hexSid, inboundForm, signedPost, TwilioStandin } from '../../tests/helpers/twilio-standin';
import { httpRefusal, type ConformanceKit } from '../conformance-kit';

/** One Twilio stand-in for both Twilio channels (SMS and the official WhatsApp route share the account). */
const standin = new TwilioStandin();
let started: Promise<unknown> | undefined;

/** Posts Twilio's inbound webhook, signed for the URL it is posted to (no proxy in between). */
const webhook = (hubUrl: string, form: Record<string, string>) => signedPost(`${hubUrl}/webhooks/twilio/messages`, form, standin.authToken);

/**
 * The kit of a Twilio channel: `prefix` is how Twilio writes the channel's addresses (`whatsapp:` for WhatsApp),
 * `numbers` the first digits of its senders, `words` the channel in the sample text.
 */
export function twilioKit(prefix: '' | 'whatsapp:', numbers: string, words: string): ConformanceKit {
  return {
    async start() {
      await (started ??= standin.start());
      return {
        TWILIO_ACCOUNT_SID: standin.accountSid, TWILIO_AUTH_TOKEN: standin.authToken, TWILIO_API_BASE: standin.url,
        TWILIO_FROM_NUMBER: '+908501234567', TWILIO_WHATSAPP_FROM: '+908501234568', WHATSAPP_ROUTE: 'twilio',
      };
    },
    async stop() {
      if (started) await standin.stop();
      started = undefined;
    },
    async receive(hubUrl, n) {
      const address = `${numbers}${String(n).padStart(5, '0')}`;
      const text = `${words} ile merhaba ${n}`;
      const res = await webhook(hubUrl, inboundForm(standin, `${prefix}${address}`, text, { MessageSid: hexSid('SM'), ...(prefix ? { WaId: address.slice(1) } : {}) }));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return { address, text };
    },
    refuse: async (hubUrl) => httpRefusal(await webhook(hubUrl, inboundForm(standin, `${prefix}numara-değil`, 'merhaba'))),
    delivered: (address) => standin.sent.find((s) => s.form.To === `${prefix}${address}`)?.form.Body as string | undefined,
  };
}

export const kit = twilioKit('', '+9053211', 'SMS');
