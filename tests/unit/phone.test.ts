import { InvalidPhoneNumberError, toE164, tryE164 } from '../../channels/phone';

describe('toE164', () => {
  test.each([
    '0532 123 45 67',
    '05321234567',
    '+90 532 123 45 67',
    '+905321234567',
    '905321234567',
    '(0532) 123-45-67',
    'whatsapp:+905321234567',
  ])('%s is the Turkish mobile +905321234567', (input) => {
    expect(toE164(input)).toBe('+905321234567');
  });

  test('Istanbul landlines keep their area code', () => {
    expect(toE164('0212 555 12 34')).toBe('+902125551234');
  });

  test('foreign numbers with a country code are kept as they are', () => {
    expect(toE164('+49 30 901820')).toBe('+4930901820');
    expect(toE164('+1 (415) 555-2671')).toBe('+14155552671');
    expect(toE164('+44 7911 123456')).toBe('+447911123456');
  });

  test('the default region decides what a national number means', () => {
    expect(toE164('030 901820', 'DE')).toBe('+4930901820');
    expect(toE164('(415) 555-2671', 'us')).toBe('+14155552671');
  });

  test.each(['', 'abc', 'merhaba', '12', '+90 532', '+999 123 456 789', 'ali@example.com'])('%j is refused clearly', (input) => {
    expect(() => toE164(input)).toThrow(InvalidPhoneNumberError);
    expect(() => toE164(input)).toThrow(/not a valid phone number/);
    expect(tryE164(input)).toBeNull();
  });
});
