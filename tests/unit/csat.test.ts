import { parseRatingReply } from '../../src/domain/csat';
import { signSurveyToken, verifySurveyToken } from '../../src/services/csat/survey-link';

describe('a phone reply read as a rating', () => {
  test.each([
    ['5', 5], [' 1 ', 1], ['4/5', 4], ['3 / 5', 3], ['5!', 5], ['5 ⭐', 5],
    ['çok iyi', 5], ['Çok iyi!', 5], ['harika', 5], ['iyi', 4], ['orta', 3], ['kötü', 2], ['çok kötü', 1], ['berbat', 1],
    ['great', 5], ['Great!', 5], ['good', 4], ['ok', 3], ['bad', 2], ['terrible', 1],
  ])('%j -> %i', (text, score) => expect(parseRatingReply(text)).toBe(score));

  test.each(['6', '0', '10', '55', '5 numaralı siparişim nerede', 'iyi günler, bir sorum var', 'merhaba', '', 'not good at all really'])(
    '%j is a message, not a rating', (text) => expect(parseRatingReply(text)).toBeNull(),
  );
});

describe('the survey link token', () => {
  const secret = 's'.repeat(40);
  const id = '65a1b2c3d4e5f60718293a4b';
  const later = new Date(Date.now() + 3600_000);

  test('valid until it expires, then expired (still naming its survey)', () => {
    const token = signSurveyToken(secret, id, later);
    expect(verifySurveyToken(secret, token)).toEqual({ ok: true, conversationId: id, expiresAt: later });
    expect(verifySurveyToken(secret, token, later)).toEqual({ ok: false, reason: 'expired', conversationId: id });
  });

  test('another key, a changed payload or a cut signature is invalid', () => {
    const token = signSurveyToken(secret, id, later);
    const [body, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ c: id, e: later.getTime() + 1 })).toString('base64url');
    for (const bad of [signSurveyToken('x'.repeat(40), id, later), `${forged}.${sig}`, `${body}.${sig.slice(1)}`, body, `${token}.x`, '']) {
      expect(verifySurveyToken(secret, bad)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
