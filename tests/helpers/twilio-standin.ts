import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/**
 * A local stand-in for Twilio's REST API, speaking its wire format: the same paths
 * (/2010-04-01/Accounts/{sid}/Messages.json), basic auth with the account SID and auth token, form bodies in,
 * JSON out shaped like Twilio's (message resources, error objects with code/message/status). After accepting a
 * message it POSTs status callbacks back to the hub, signed with twilio's own helper, as Twilio does.
 */
export interface StandinSent {
  sid: string;
  form: Record<string, string | string[]>;
}

type Script = { error: { status: number; code: number; message: string } } | { finalStatus: 'delivered' | 'undelivered' | 'failed' | 'read'; errorCode?: number };

export const hexSid = (prefix: string) => prefix + randomBytes(16).toString('hex');

export class TwilioStandin {
  readonly accountSid = hexSid('AC');
  readonly authToken = randomBytes(16).toString('hex');
  readonly sent: StandinSent[] = [];
  readonly callbacks: Array<{ sid: string; status: string; code: number }> = [];
  /** Per recipient (`+90...` or `whatsapp:+90...`): refuse at create time, or end with a failed status. */
  readonly scripts = new Map<string, Script>();
  /** When false, no status callbacks are sent automatically (tests drive them with `callback`). */
  autoCallbacks = true;
  /** Maps the callback URL Twilio was given (the hub's public URL) to where the hub listens in the test. */
  reach: (url: string) => string = (url) => url;
  private readonly media = new Map<string, { body: Buffer; contentType: string }>();
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A media file as Twilio hosts it for an inbound MMS; returns its MediaUrl. */
  addMedia(body: Buffer, contentType: string): string {
    const path = `/2010-04-01/Accounts/${this.accountSid}/Messages/${hexSid('MM')}/Media/${hexSid('ME')}`;
    this.media.set(path, { body, contentType });
    return this.url + path;
  }

  /** POSTs a status callback for a message we accepted, signed like Twilio's. */
  async callback(sid: string, status: string, errorCode?: number): Promise<number> {
    const msg = this.sent.find((s) => s.sid === sid);
    if (!msg) throw new Error(`unknown sid ${sid}`);
    const target = String(msg.form.StatusCallback);
    const params: Record<string, string> = {
      AccountSid: this.accountSid, MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status,
      From: String(msg.form.From ?? ''), To: String(msg.form.To), ApiVersion: '2010-04-01',
    };
    if (errorCode) params.ErrorCode = String(errorCode);
    const res = await signedPost(this.reach(target), params, this.authToken, target);
    this.callbacks.push({ sid, status, code: res.status });
    return res.status;
  }

  private authorized(req: http.IncomingMessage): boolean {
    const expected = 'Basic ' + Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64');
    return req.headers.authorization === expected;
  }

  private json(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (!this.authorized(req)) {
      return this.json(res, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
    if (req.method === 'GET' && this.media.has(path)) {
      const file = this.media.get(path)!;
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
      return res.end(file.body);
    }
    if (req.method === 'POST' && path === `/2010-04-01/Accounts/${this.accountSid}/Messages.json`) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const form: Record<string, string | string[]> = {};
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
        form[k] = k in form ? ([] as string[]).concat(form[k]!, v) : v;
      }
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return this.json(res, 415, { message: 'form body expected' });
      if (!form.To || (!form.Body && !form.ContentSid && !form.MediaUrl)) {
        return this.json(res, 400, { code: 21602, message: 'Message body is required.', more_info: 'https://www.twilio.com/docs/errors/21602', status: 400 });
      }
      const script = this.scripts.get(String(form.To));
      if (script && 'error' in script) {
        return this.json(res, script.error.status, { ...script.error, more_info: `https://www.twilio.com/docs/errors/${script.error.code}` });
      }
      const sid = hexSid('SM');
      this.sent.push({ sid, form });
      const now = new Date().toUTCString();
      this.json(res, 201, {
        account_sid: this.accountSid, api_version: '2010-04-01', body: form.Body ?? '', date_created: now, date_sent: null,
        date_updated: now, direction: 'outbound-api', error_code: null, error_message: null, from: form.From ?? null,
        messaging_service_sid: form.MessagingServiceSid ?? null, num_media: String([form.MediaUrl ?? []].flat().length),
        num_segments: '1', price: null, price_unit: 'USD', sid, status: 'queued', to: form.To,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`, subresource_uris: {},
      });
      if (this.autoCallbacks && form.StatusCallback) {
        const final = script && 'finalStatus' in script ? script : { finalStatus: 'delivered' as const, errorCode: undefined };
        setTimeout(() => void (async () => {
          await this.callback(sid, 'sent');
          await this.callback(sid, final.finalStatus, final.errorCode);
        })().catch(() => {}), 20);
      }
      return;
    }
    this.json(res, 404, { code: 20404, message: `The requested resource ${path} was not found`, status: 404 });
  }
}

/** POSTs a form to one of our webhooks with X-Twilio-Signature computed by twilio's real helper. */
export async function signedPost(url: string, params: Record<string, string>, authToken: string, signedUrl = url) {
  const signature = twilio.getExpectedTwilioSignature(authToken, signedUrl, params);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

/** The fields of Twilio's inbound message webhook (SMS, or WhatsApp when `from` starts with whatsapp:). */
export function inboundForm(standin: TwilioStandin, from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  const sid = extra.MessageSid ?? hexSid('SM');
  return {
    ToCountry: 'TR', SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, SmsStatus: 'received', Body: body, To: '+908501234567',
    NumSegments: '1', MessageSid: sid, AccountSid: standin.accountSid, From: from, ApiVersion: '2010-04-01',
    ...extra,
  };
}
