import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import twilio from 'twilio';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { adapt, docBlock, startCaddy, startNginx, type ReverseProxy } from '../helpers/reverse-proxy';
import { inboundForm, TwilioStandin } from '../helpers/twilio-standin';

// Twilio signs the URL it called. These hubs see that URL through PUBLIC_URL, through a trusted proxy's
// X-Forwarded-* headers, or (development only) through their own Host; signatures are computed with the twilio
// library as Twilio computes them.
const root = path.resolve(__dirname, '../..');
const PUBLIC_URL = 'https://kanal.example.com';
const MESSAGES = '/webhooks/twilio/messages';
const twilioAccount = new TwilioStandin(); // only its account SID and auth token: no REST call is made here
type TestHub = Awaited<ReturnType<typeof startTestHub>>;
let trusting: TestHub; // behind a proxy on loopback, PUBLIC_URL set: production as documented
let untrusting: TestHub; // PUBLIC_URL set, no proxy trusted
let development: TestHub; // no PUBLIC_URL; trusts a proxy elsewhere (10.1.2.3), not the tests' loopback peer

const twilioEnv = (extra: Record<string, string>) => ({ TWILIO_ACCOUNT_SID: twilioAccount.accountSid, TWILIO_AUTH_TOKEN: twilioAccount.authToken, ...extra });

beforeAll(async () => {
  [trusting, untrusting, development] = await Promise.all([
    startTestHub(testConfig('twproxytrust', twilioEnv({ PUBLIC_URL, TRUST_PROXY: 'loopback' })), 'hub'),
    startTestHub(testConfig('twproxydirect', twilioEnv({ PUBLIC_URL })), 'hub'),
    startTestHub(testConfig('twproxydev', twilioEnv({ TRUST_PROXY: '10.1.2.3' })), 'hub'),
  ]);
});
afterAll(async () => {
  await Promise.all([trusting, untrusting, development].map((h) => h?.stop()));
});

interface Sent { status: number; text: string }

/** One POST with exactly these headers (fetch would not let a test set Host); HTTPS to a proxy's self-signed certificate. */
function post(target: { port: number; tls?: boolean }, pathAndQuery: string, headers: Record<string, string>, body: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: target.port, method: 'POST', path: pathAndQuery, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
    const done = (res: http.IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
    };
    const req = target.tls
      ? https.request({ ...options, servername: 'kanal.example.com', rejectUnauthorized: false }, done)
      : http.request(options, done);
    req.on('error', reject);
    req.end(body);
  });
}

const portOf = (hub: TestHub) => Number(new URL(hub.url!).port);

/** Twilio's inbound form, signed for `calledUrl` (what Twilio believes it called). */
function signedForm(calledUrl: string) {
  const form = inboundForm(twilioAccount, '+905321110042', 'Merhaba, siparişim nerede?');
  return {
    form, body: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioAccount.authToken, calledUrl, form) },
  };
}

/** A JSON body signed as Twilio signs non-form bodies: the URL carries ?bodySHA256=<hash>, the signature covers the URL. */
function signedJson(base: string, json: string, bodyShown = json) {
  const pathAndQuery = `${MESSAGES}?bodySHA256=${twilio.getExpectedBodyHash(json)}`;
  const signature = twilio.getExpectedTwilioSignature(twilioAccount.authToken, base + pathAndQuery, {});
  return { pathAndQuery, body: bodyShown, headers: { 'content-type': 'application/json', 'x-twilio-signature': signature } };
}

describe('which URL a signature is checked against', () => {
  test('a direct caller cannot pick it: forged X-Forwarded-Proto / X-Forwarded-Host or Host are ignored', async () => {
    const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example.net' };
    const viaForwarded = signedForm(`https://evil.example.net${MESSAGES}`);
    expect((await post({ port: portOf(untrusting) }, MESSAGES, { ...viaForwarded.headers, host: '127.0.0.1', ...forged }, viaForwarded.body)).status).toBe(403);
    // With PUBLIC_URL set, a direct caller's own Host does not count either.
    const viaHost = signedForm(`http://evil.example.net${MESSAGES}`);
    expect((await post({ port: portOf(untrusting) }, MESSAGES, { ...viaHost.headers, host: 'evil.example.net' }, viaHost.body)).status).toBe(403);
    // What Twilio was told (PUBLIC_URL) is accepted whatever the caller says.
    const genuine = signedForm(PUBLIC_URL + MESSAGES);
    expect((await post({ port: portOf(untrusting) }, MESSAGES, { ...genuine.headers, host: '127.0.0.1', ...forged }, genuine.body)).status).toBe(200);
  });

  test('through a trusted proxy, X-Forwarded-Proto https with the Host (or X-Forwarded-Host) Twilio called is accepted', async () => {
    // Twilio was given a second name (not PUBLIC_URL); the proxy terminated TLS and passed the Host through.
    const called = `https://hooks.example.org${MESSAGES}`;
    const withHost = signedForm(called);
    expect((await post({ port: portOf(trusting) }, MESSAGES, { ...withHost.headers, host: 'hooks.example.org', 'x-forwarded-proto': 'https' }, withHost.body)).status).toBe(200);
    const withForwardedHost = signedForm(called);
    const res = await post({ port: portOf(trusting) }, MESSAGES, { ...withForwardedHost.headers, host: 'hub:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hooks.example.org' }, withForwardedHost.body);
    expect(res).toEqual({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' });
    // Without the forwarded scheme the hub sees http: the signature over https does not hold.
    const plain = signedForm(called);
    expect((await post({ port: portOf(trusting) }, MESSAGES, { ...plain.headers, host: 'hooks.example.org' }, plain.body)).status).toBe(403);
  });

  test('from a peer that is not the trusted proxy, forwarded headers are ignored', async () => {
    const forwarded = signedForm(`https://kanal.example.com${MESSAGES}`);
    expect((await post({ port: portOf(development) }, MESSAGES, { ...forwarded.headers, host: `127.0.0.1:${portOf(development)}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kanal.example.com' }, forwarded.body)).status).toBe(403);
    // Without PUBLIC_URL (development) the URL as received counts.
    const asReceived = signedForm(`http://127.0.0.1:${portOf(development)}${MESSAGES}`);
    expect((await post({ port: portOf(development) }, MESSAGES, { ...asReceived.headers, host: `127.0.0.1:${portOf(development)}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kanal.example.com' }, asReceived.body)).status).toBe(200);
  });

  test('odd hosts are a 4xx, never a 500: a forwarded one from a trusted proxy is ignored (403), a Host header refused (400)', async () => {
    const odd = ['a b', '[', 'x/y?z', 'ä.example', '%00', ':443', 'user@host', ','];
    for (const host of odd) {
      // Signed for exactly that URL, so only ignoring the value refuses it.
      const form = signedForm(`https://${host}${MESSAGES}`);
      const res = await post({ port: portOf(trusting) }, MESSAGES, { ...form.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': host }, form.body);
      expect({ host, status: res.status }).toEqual({ host, status: 403 });
    }
    for (const host of ['a b', 'x/y?z', 'user@host', ',', 'evil;script-src *']) {
      const form = signedForm(`http://${host}${MESSAGES}`);
      const res = await post({ port: portOf(development) }, MESSAGES, { ...form.headers, host }, form.body);
      expect({ host, status: res.status }).toEqual({ host, status: 400 });
    }
  });
});

describe('bodies that are not forms', () => {
  const json = JSON.stringify({ From: '+905321110043', Body: 'json gövde' });

  test('a JSON body signed with bodySHA256 is verified, then refused as not a form (415); a tampered one is 403', async () => {
    const signed = signedJson(PUBLIC_URL, json);
    const res = await post({ port: portOf(untrusting) }, signed.pathAndQuery, signed.headers, signed.body);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text)).toEqual({ error: 'Twilio webhooks are application/x-www-form-urlencoded' });
    const tampered = signedJson(PUBLIC_URL, json, json.replace('gövde', 'GÖVDE'));
    expect((await post({ port: portOf(untrusting) }, tampered.pathAndQuery, tampered.headers, tampered.body)).status).toBe(403);
  });

  test('a JSON body with a URL-only signature is refused before it is read (403), never a 500', async () => {
    const signature = twilio.getExpectedTwilioSignature(twilioAccount.authToken, PUBLIC_URL + MESSAGES, {});
    for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
      const res = await post({ port: portOf(untrusting) }, MESSAGES, { 'content-type': type, 'x-twilio-signature': signature }, json);
      expect({ type, status: res.status }).toEqual({ type, status: 403 });
    }
    const status = await post({ port: portOf(untrusting) }, '/webhooks/twilio/status', { 'content-type': 'application/json', 'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioAccount.authToken, `${PUBLIC_URL}/webhooks/twilio/status`, {}) }, '{"MessageSid":"SM1"}');
    expect(status.status).toBe(403);
  });
});

describe('real reverse proxies running the docs/phone.md examples', () => {
  const docs = path.join(root, 'docs/phone.md');
  let proxies: ReverseProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    proxies = [];
  });

  /** A signed form webhook and a bodySHA256 JSON one, as Twilio sends them to `https://kanal.example.com:<port>`. */
  async function throughProxy(proxy: ReverseProxy) {
    const called = `https://kanal.example.com:${proxy.port}`;
    const form = signedForm(called + MESSAGES);
    const formRes = await post({ port: proxy.port, tls: true }, MESSAGES, { ...form.headers, host: `kanal.example.com:${proxy.port}` }, form.body);
    const json = signedJson(called, '{"Body":"json"}');
    const jsonRes = await post({ port: proxy.port, tls: true }, json.pathAndQuery, { ...json.headers, host: `kanal.example.com:${proxy.port}` }, json.body);
    return [formRes.status, jsonRes.status];
  }

  const nginxFor = (hub: TestHub) => startNginx(({ port, cert, key }) => adapt(docBlock(docs, 'nginx'), [
    ['listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`],
    ['/etc/ssl/certs/destek.example.com.pem', cert],
    ['/etc/ssl/private/destek.example.com.key', key],
    ['proxy_pass http://127.0.0.1:3000;', `proxy_pass http://127.0.0.1:${portOf(hub)};`],
  ]), 'kanal.example.com');

  test('nginx: a signed webhook to the URL Twilio called reaches a hub that trusts it, and only such a hub', async () => {
    proxies.push(await nginxFor(trusting), await nginxFor(untrusting));
    // Trusted: X-Forwarded-Proto https and the Host with its port rebuild the called URL; the JSON one is verified (415).
    expect(await throughProxy(proxies[0]!)).toEqual([200, 415]);
    // Not trusted: the hub only knows http://kanal.example.com:<port>, so neither signature holds.
    expect(await throughProxy(proxies[1]!)).toEqual([403, 403]);
  });

  test('Caddy: the same through the documented reverse_proxy', async () => {
    proxies.push(await startCaddy(({ port, cert, key }) => adapt(docBlock(docs, 'caddy'), [
      ['destek.example.com {', `https://kanal.example.com:${port} {\n\tbind 127.0.0.1\n\ttls ${cert} ${key}`],
      ['reverse_proxy 127.0.0.1:3000', `reverse_proxy 127.0.0.1:${portOf(trusting)}`],
    ]), 'kanal.example.com'));
    expect(await throughProxy(proxies[0]!)).toEqual([200, 415]);
  });
});

test('production without PUBLIC_URL refuses to start, naming it', async () => {
  const { MONGODB_URI, REDIS_URL, JWT_SECRET, WIDGET_TOKEN_SECRET } = testConfig('twproxyprod');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'hub'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, NODE_ENV: 'production', MONGODB_URI, REDIS_URL, JWT_SECRET, WIDGET_TOKEN_SECRET, PORT: '0' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    // A hub that says it listens did start: stop it, and the exit code below fails the test.
    if (/listening on/.test(String(d))) child.kill('SIGKILL');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringContaining('PUBLIC_URL: required when NODE_ENV=production') });
}, 90_000); // loading the hub's modules with tsx takes seconds on a busy machine
