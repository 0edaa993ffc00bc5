import { customerQueryTerms, customerTerms, edgePrefixes, foldText, messageQueryTerms, tokenize } from '../../src/domain/search-terms';

test('Turkish folding: İ, I and ı all become i; ş ğ ü ö ç lose their marks; other accents go through NFKD', () => {
  for (const w of ['İSTANBUL', 'ISTANBUL', 'istanbul', 'ıstanbul', 'Istanbul', 'İstanbul']) expect(tokenize(w)).toEqual(['istanbul']);
  expect(tokenize('Şule')).toEqual(['sule']);
  expect(tokenize('sipariş SIPARIS Siparis SİPARİŞ')).toEqual(['siparis']);
  expect(tokenize('ĞÜÖÇ ğüöç')).toEqual(['guoc']);
  expect(tokenize('café Crème brûlée hâlâ')).toEqual(['cafe', 'creme', 'brulee', 'hala']);
  expect(foldText('IRMAK Işıkçı')).toBe('irmak isikci');
});

test('splits on anything but letters and digits, keeps digits, drops one-character tokens, dedupes', () => {
  expect(tokenize('Sipariş numaram: #10482, a b c!')).toEqual(['siparis', 'numaram', '10482']);
  expect(tokenize('zehra.oz@example.com')).toEqual(['zehra', 'oz', 'example', 'com']);
  expect(tokenize('+90 532 123 45 67')).toEqual(['90', '532', '123', '45', '67']);
  expect(tokenize('iade İADE iade')).toEqual(['iade']);
  expect(tokenize('')).toEqual([]);
});

test('regex characters are separators, never patterns', () => {
  expect(tokenize('.*')).toEqual([]);
  expect(tokenize('(a+)+')).toEqual([]);
  expect(tokenize('(ab+)+$ [x-z]{2}')).toEqual(['ab']);
});

test('caps: terms per text and term length', () => {
  const many = Array.from({ length: 500 }, (_, n) => `w${n}`).join(' ');
  expect(tokenize(many)).toHaveLength(128);
  expect(tokenize(many, 10)).toEqual(Array.from({ length: 10 }, (_, n) => `w${n}`));
  expect(tokenize('x'.repeat(100))[0]).toHaveLength(40);
});

test('edge prefixes from three characters', () => {
  expect(edgePrefixes('siparis')).toEqual(['sip', 'sipa', 'sipar', 'sipari', 'siparis']);
  expect(edgePrefixes('oz')).toEqual(['oz']);
});

test('customer terms: name prefixes, email address, local part and words, phone in both forms with prefixes', () => {
  const terms = customerTerms({ name: 'İlker Şahin', emails: ['Ilker.Sahin@Example.com'], phones: [{ e164: '+905321234567', national: '5321234567' }] });
  for (const t of ['ilk', 'ilker', 'sah', 'sahin', '@@ilker.sahin@example.com', '@ilker.sahin', '@ilk', 'example', 'exa', '90532', '905321234567', '53212', '5321234567']) {
    expect(terms).toContain(t);
  }
  expect(terms).not.toContain('il'); // prefixes start at three characters
  expect(terms).not.toContain('9053'); // phone prefixes at five digits
});

test('customer queries: phone digits (E.164, national, with 0 or 00), addresses, words', () => {
  expect(customerQueryTerms('+90 532 123')).toEqual([['90532123']]);
  expect(customerQueryTerms('0532 123 45 67')).toEqual([['5321234567']]);
  expect(customerQueryTerms('0090 532 123')).toEqual([['90532123']]);
  expect(customerQueryTerms('ilker.sahin@example.com')).toEqual([['@@ilker.sahin@example.com'], ['@ilker.sahin', 'ilker', 'sahin', 'example', 'com']]);
  expect(customerQueryTerms('zehra.oz@')).toEqual([['@zehra.oz', 'zehra', 'oz']]);
  expect(customerQueryTerms('Şule YILMAZ')).toEqual([['sule', 'yilmaz']]);
  expect(customerQueryTerms('.*')).toEqual([]);
  expect(messageQueryTerms('sipariş 10482')).toEqual(['siparis', '10482']);
});
