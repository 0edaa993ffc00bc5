import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { z } from 'zod';
import { ERROR_CODES, errorAckOf, isRetryable, KanalError, type ErrorCode } from '../../src/domain/errors';
import { AttachmentTooLargeError, PermanentSendError } from '../../src/domain/messages';
import { InvalidInboundError } from '../../src/domain/inbound-schema';
import { ConfigError } from '../../src/config';
import { errorHandler, HTTP_STATUS } from '../../src/http/errors';
import { AccountError } from '../../src/services/agents/account';
import { DuplicateError } from '../../src/services/agents/agents';
import { WeakPasswordError } from '../../src/services/agents/password-policy';
import { ConflictError } from '../../src/services/conversations/conversations';
import { InboxError } from '../../src/services/conversations/inbox';
import { ReplyError } from '../../src/services/conversations/replies';
import { TemplateError } from '../../src/services/delivery/wa-window';
import { SettingsError } from '../../src/services/sla/sla-settings';
import { InvalidPhoneNumberError } from '../../channels/phone';
import { TwilioFormError } from '../../channels/sms/normalize';
import { MalformedMailError } from '../../channels/email/parse';
import { UnusableMailError } from '../../channels/email/normalize';
import { SessionUnavailableError } from '../../channels/whatsapp/session';

// The statuses clients and the console rely on, written out: changing one is an API change.
const EXPECTED: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  misconfigured: 500,
  permanent_send_failure: 502,
  unavailable: 503,
};

test('the code → HTTP table maps every code, to the statuses the API has always answered', () => {
  expect(HTTP_STATUS).toEqual(EXPECTED);
  expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
});

test('only failures that can heal by themselves are retryable by default; a thrower can say otherwise', () => {
  const retryable = ERROR_CODES.filter((c) => new KanalError(c, 'x').retryable);
  expect(retryable.sort()).toEqual(['internal', 'rate_limited', 'unavailable']);
  expect(new KanalError('unavailable', 'x', { retryable: false }).retryable).toBe(false);
  expect(isRetryable(new Error('ECONNRESET'))).toBe(true); // not ours: BullMQ's default, retry
  expect(isRetryable(new PermanentSendError('number unreachable', '21211'))).toBe(false);
});

test('every domain error is a KanalError with the code its callers expect', () => {
  const cases: Array<[Error, ErrorCode]> = [
    [new ConfigError('bad'), 'misconfigured'],
    [new WeakPasswordError('short'), 'invalid_input'],
    [new AccountError('wrong', 'forbidden'), 'forbidden'],
    [new DuplicateError('taken'), 'conflict'],
    [new TemplateError('unknown'), 'unprocessable'],
    [new InboxError('gone', 'not_found'), 'not_found'],
    [new ConflictError('open'), 'conflict'],
    [new ReplyError('no channel', 'unprocessable'), 'unprocessable'],
    [new SettingsError('team not found'), 'not_found'],
    [new InvalidInboundError('from.address: missing'), 'invalid_input'],
    [new PermanentSendError('refused'), 'permanent_send_failure'],
    [new AttachmentTooLargeError(10), 'payload_too_large'],
    [new InvalidPhoneNumberError('abc'), 'invalid_input'],
    [new TwilioFormError('From is missing'), 'invalid_input'],
    [new MalformedMailError('bad MIME'), 'invalid_input'],
    [new UnusableMailError('no From'), 'invalid_input'],
    [new SessionUnavailableError({ account: 'main', state: 'disconnected' } as never), 'unavailable'],
  ];
  for (const [err, code] of cases) {
    expect(err).toBeInstanceOf(KanalError);
    expect({ name: err.name, code: (err as KanalError).code }).toEqual({ name: err.constructor.name, code });
  }
  expect(new SessionUnavailableError({ account: 'main', state: 'disconnected' } as never).retryable).toBe(true);
});

test('a socket ack of a failure carries the code; an unexpected error reveals nothing', () => {
  expect(errorAckOf(new InboxError('conversation not found', 'not_found'))).toEqual({ error: 'conversation not found', code: 'not_found' });
  expect(errorAckOf(new Error('connection string with a password'))).toEqual({ error: 'internal error', code: 'internal' });
});

describe('an error thrown in a route', () => {
  let server: ReturnType<express.Express['listen']>;
  let base: string;
  const logged: unknown[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/throw/:code', (req) => {
      throw new KanalError(req.params.code as ErrorCode, `refused: ${req.params.code}`);
    });
    app.get('/async/:code', async (req) => {
      await Promise.resolve();
      throw new KanalError(req.params.code as ErrorCode, `refused: ${req.params.code}`);
    });
    app.get('/too-large', () => { throw new AttachmentTooLargeError(1024); });
    app.get('/zod', () => { z.object({ n: z.number() }).parse({ n: 'x' }); });
    app.get('/bug', () => { throw new Error('secret detail'); });
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    app.use(errorHandler(logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test.each([...ERROR_CODES])('with code %s gets its status and { error, code }', async (code) => {
    for (const path of ['throw', 'async']) {
      const res = await fetch(`${base}/${path}/${code}`);
      expect(res.status).toBe(EXPECTED[code]);
      expect(await res.json()).toEqual({ error: `refused: ${code}`, code });
    }
  });

  test('safe details go along; bad input is invalid_input; anything else is a logged 500 that reveals nothing', async () => {
    const big = await fetch(`${base}/too-large`);
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'attachment is larger than 1024 bytes', code: 'payload_too_large', maxBytes: 1024 });
    const zod = await fetch(`${base}/zod`);
    expect(zod.status).toBe(400);
    expect(await zod.json()).toMatchObject({ code: 'invalid_input', error: expect.stringContaining('n:') });
    logged.length = 0;
    const bug = await fetch(`${base}/bug`);
    expect(bug.status).toBe(500);
    expect(await bug.json()).toEqual({ error: 'internal error', code: 'internal' });
    expect(logged).toEqual([expect.objectContaining({ msg: 'unhandled API error', err: expect.objectContaining({ message: 'secret detail' }) })]);
  });
});
