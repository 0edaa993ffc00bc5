import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, hostOf, isPrivateAddress } from './address-guard';

export interface PostResult {
  /** HTTP status, or 0 when no answer came (connection refused, timeout, refused address). */
  status: number;
  /** The first 2 KB of the answer, or what went wrong. */
  body: string;
  ms: number;
}

const BODY_KEPT = 2048;

/**
 * POSTs one webhook body with its headers. Unless private addresses are allowed, the connection goes only to a
 * public address (checked at connect time, so DNS cannot be re-pointed after registration); redirects are not
 * followed (a 3xx is an answer, and counts as a failure).
 */
export function postWebhook(url: URL, body: string, headers: Record<string, string>, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  const started = Date.now();
  const done = (status: number, text: string): PostResult => ({ status, body: text.slice(0, BODY_KEPT), ms: Date.now() - started });
  const host = hostOf(url);
  if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host)) return Promise.resolve(done(0, `refused: ${host} is a private or loopback address`));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Kanal-Webhooks/1' },
      timeout: opts.timeoutMs,
      ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < BODY_KEPT) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve(done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', (err) => resolve(done(res.statusCode ?? 0, err.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err) => resolve(done(0, err.message)));
    req.end(body);
  });
}
