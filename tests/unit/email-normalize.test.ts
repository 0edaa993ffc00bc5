import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { detectBounce } from '../../channels/email/bounce';
import { parseRawMail, rawProblem } from '../../channels/email/intake';
import { detectCharset } from '../../channels/email/mime-repair';
import { isAutoSubmitted, normalizeMail, UnusableMailError, type StoredPart } from '../../channels/email/normalize';
import { rawMailOf } from '../../channels/email/raw-mail';
import { MailWorkspace } from '../../channels/email/spool';
import { inboundMessageSchema } from '../../src/domain/messages';

const fixture = (name: string, vars: Record<string, string> = {}) => {
  let text = readFileSync(path.join(__dirname, '../fixtures/email', name), 'latin1');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v);
  return Buffer.from(text, 'latin1');
};
/**
 * A raw mail read and parsed exactly as the SMTP and IMAP intakes do it (intake.ts: hashed and checked, repaired,
 * streamed through the parser), in a workspace of its own that is removed afterwards.
 */
async function parseRaw(raw: Buffer) {
  const workspace = new MailWorkspace(os.tmpdir());
  try {
    const received = await rawMailOf(raw, workspace);
    return { received, mail: (await parseRawMail(received, 1024 * 1024)).mail };
  } finally {
    await workspace.remove();
  }
}

/** Attachments as the intake would have stored them (storage itself is covered by the integration tests). */
async function normalizeFixture(name: string, vars: Record<string, string> = {}) {
  const { received, mail } = await parseRaw(fixture(name, vars));
  const parts: StoredPart[] = mail.attachments.map((a, i) => ({
    attachment: { name: a.filename ?? 'attachment', contentType: a.contentType, size: a.size, storageKey: `k${i}`, url: `/api/attachments/k${i}` },
    cid: a.contentId,
  }));
  const msg = normalizeMail(mail, { rawSha256: received.sha256, attachments: parts, tokenSecret: 's'.repeat(40) });
  expect(inboundMessageSchema.safeParse(msg).success).toBe(true);
  return { msg, mail };
}

test('Gmail reply in ISO-8859-9 quoted-printable: Turkish text intact, Gmail Turkish quote header trimmed', async () => {
  const { msg } = await normalizeFixture('gmail-tr-iso-8859-9.eml', { IN_REPLY_TO: '<kanal.abc@kanal.test>' });
  expect(msg.from).toEqual({ address: 'ayse.yilmaz@example.com.tr', name: 'Ayşe Yılmaz' });
  expect(msg.subject).toBe('Ynt: Siparişim nerede?');
  expect(msg.text).toBe('Merhaba, siparişim hâlâ gelmedi. İade mümkün mü?\n\nAyşe');
  expect(msg.email?.quotedText).toContain('Siparişiniz kargoya verildi.');
  expect(msg.html).toContain('İade mümkün mü?');
  expect(msg.html).not.toContain('Siparişiniz kargoya');
  expect(msg.email?.quotedHtml).toContain('Siparişiniz kargoya verildi.');
  expect(msg.email).toMatchObject({ messageId: '<CAGmail-tr-1@mail.gmail.com>', inReplyTo: '<kanal.abc@kanal.test>', references: ['<kanal.abc@kanal.test>'] });
  expect(msg.dedupeKey).toBe('email:<CAGmail-tr-1@mail.gmail.com>');
  expect(msg.threadHints?.autoSubmitted).toBeUndefined();
});

test('Outlook reply in windows-1254 base64: RFC 2047 name/subject/filename decoded, Kimden block trimmed, HTML made safe', async () => {
  const { msg } = await normalizeFixture('outlook-tr-windows-1254.eml');
  expect(msg.from.name).toBe('Çağrı Öztürk');
  expect(msg.subject).toBe('YNT: Fatura sorunu');
  expect(msg.text).toBe('Merhaba,\n\nFaturayı ekte gönderiyorum. Şubat ayı ödemesi iki kez çekilmiş.\n\nSaygılarımla,\nÇağrı Öztürk');
  expect(msg.email?.quotedText).toContain('Gönderildi: 23 Kasım 2026');
  expect(msg.attachments).toEqual([expect.objectContaining({ name: 'Fatura_Şubat_İade.pdf', contentType: 'application/pdf' })]);
  expect(msg.html).toContain('Şubat ayı ödemesi');
  expect(msg.html).not.toMatch(/script|onclick|<form|<input|<style|javascript:|<img[^>]* src=/i);
  expect(msg.html).toContain('data-remote-src="https://tracker.example/open.gif"');
  expect(msg.email?.quotedHtml).toContain('Fatura numaranızı');
});

test('Apple Mail reply: cid: image resolved to our attachment URL, "Sent from my iPhone" and the quote trimmed', async () => {
  const { msg } = await normalizeFixture('apple-mail-en.eml');
  expect(msg.text).toBe('Here is a photo of the screen.');
  expect(msg.email?.quotedText).toContain('Could you send a photo?');
  expect(msg.html).toContain('<img alt="photo" src="/api/attachments/k0" />');
  expect(msg.html).not.toContain('Could you send');
  expect(msg.email?.inReplyTo).toBe('<kanal.000000000000000000000001@kanal.test>');
});

test('Thunderbird reply in UTF-8 QP: signature and "... tarihinde ... yazdı:" trimmed, RFC 2231 filename decoded', async () => {
  const { msg } = await normalizeFixture('thunderbird-tr-utf8.eml');
  expect(msg.from.name).toBe('İşıl Güneş');
  expect(msg.subject).toBe('Re: Uygulama açılmıyor');
  expect(msg.text).toBe('Teşekkürler, sorun çözüldü.');
  expect(msg.email?.quotedText).toContain('Lütfen uygulamayı yeniden başlatın.');
  expect(msg.attachments.map((a) => a.name)).toEqual(['günlük kayıt.txt']);
});

test('an out-of-office reply is marked auto-submitted for the routing (never auto-answered)', async () => {
  const { msg, mail } = await normalizeFixture('auto-reply-tr.eml');
  expect(isAutoSubmitted(mail)).toBe(true);
  expect(msg.subject).toBe('Otomatik yanıt: Siparişiniz');
  expect(msg.email?.autoSubmitted).toBe(true);
  expect(msg.threadHints?.autoSubmitted).toBe('true');
});

test('a DSN names our original Message-ID and the reason; a customer mail is no bounce', async () => {
  const dsn = await parseRaw(fixture('bounce-dsn.eml', { MESSAGE_ID: '<kanal.m1@kanal.test>', BOUNCE_ID: '1' }));
  const bounce = detectBounce(dsn.mail, dsn.received.head);
  expect(bounce?.originalIds[0]).toBe('<kanal.m1@kanal.test>');
  expect(bounce?.reason).toContain('550 5.1.1');
  expect(bounce?.reason).toContain('User unknown');
  const customer = await parseRaw(fixture('thunderbird-tr-utf8.eml'));
  expect(detectBounce(customer.mail, customer.received.head)).toBeNull();
});

test('a mail without From cannot become a message', async () => {
  const { received, mail } = await parseRaw(fixture('no-from.eml'));
  expect(() => normalizeMail(mail, { rawSha256: received.sha256, attachments: [] })).toThrow(UnusableMailError);
});

test('hostile structure is caught before parsing: huge headers, too many parts, deep nesting', () => {
  const bigHeader = Buffer.from(`From: a@b.c\r\nX-Pad: ${'a'.repeat(300 * 1024)}\r\n\r\nhi`);
  expect(rawProblem(bigHeader)).toMatch(/header block larger/);
  const manyParts = Buffer.from(`From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n'.repeat(600)}--x--`);
  expect(rawProblem(manyParts)).toMatch(/too many MIME parts/);
  let nested = 'hi';
  for (let i = 30; i > 0; i--) nested = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${nested}\r\n--b${i}--`;
  expect(rawProblem(Buffer.from(`From: a@b.c\r\n${nested}`))).toMatch(/nesting too deep/);
  expect(rawProblem(fixture('outlook-tr-windows-1254.eml'))).toBeUndefined();
});

describe('MIME edge cases: no text lost (channels/email/mime-repair.ts, parsed by the intake)', () => {
  test('raw 8-bit bytes inside encoded-words (UTF-8 and windows-1254) decode', async () => {
    const { msg } = await normalizeFixture('encoded-word-8bit-tr.eml');
    expect(msg.from).toEqual({ address: 'ayse@example.com.tr', name: 'Ayşe Yılmaz' });
    expect(msg.subject).toBe('Sipariş iptali ve ödeme');
    expect(msg.text).toBe('Merhaba, siparişimi iptal etmek istiyorum.');
  });

  test('unlabelled 8-bit headers take the body charset (windows-1254)', async () => {
    const { msg } = await normalizeFixture('unlabelled-headers-windows-1254.eml');
    expect(msg.from.name).toBe('Çağrı Öztürk');
    expect(msg.subject).toBe('Fatura iadesi – Şubat ödemesi');
    expect(msg.text).toBe('Şubat ayı ödemesi iki kez çekildi.');
  });

  test('unlabelled 8-bit headers without any charset are detected (ISO-8859-9 Turkish)', async () => {
    const { msg } = await normalizeFixture('unlabelled-headers-detect.eml');
    expect(msg.from.name).toBe('Gülşen Işık');
    expect(msg.subject).toBe('Değişim talebi');
  });

  test('charset detection: UTF-8, windows-1254 (bytes in 0x80-0x9F), ISO-8859-9, windows-1251', () => {
    expect(detectCharset(Buffer.from('Gülşen', 'utf8'))).toBe('utf-8');
    expect(detectCharset(Buffer.from([0x93, 0xde, 0x75, 0x62, 0x61, 0x74, 0x94]))).toBe('windows-1254'); // “Şubat”
    expect(detectCharset(Buffer.from([0x49, 0xfe, 0xfd, 0x6b]))).toBe('iso-8859-9'); // Işık
    expect(detectCharset(iconv.encode('Здравствуйте, спасибо за помощь', 'windows-1251'))).toBe('windows-1251');
    expect(detectCharset(iconv.encode('Şubat ayı ödemesi iki kez çekildi, iade edin', 'windows-1254'))).toBe('iso-8859-9');
  });

  test('UTF-7 headers and body decode', async () => {
    const { msg } = await normalizeFixture('utf7-tr.eml');
    expect(msg.from.name).toBe('Ayşe Yılmaz');
    expect(msg.subject).toBe('Sipariş nerede? Çok acil');
    expect(msg.text).toBe('Merhaba,\nsiparişim hâlâ gelmedi. İade mümkün mü?');
  });

  test('HTML whose charset is only in <meta> decodes with it; its <title> is not shown', async () => {
    const { msg } = await normalizeFixture('html-meta-charset-tr.eml');
    expect(msg.html).toContain('Şubat ayı ödemesi iki kez çekildi.');
    expect(msg.html).not.toMatch(/Başlık|şablon|title/);
    expect(msg.text).toBe('Şubat ayı ödemesi iki kez çekildi.');
  });

  test('multipart whose boundary parameter lacks its ";" still yields its text and attachment', async () => {
    const { msg } = await normalizeFixture('malformed-boundary.eml');
    expect(msg.text).toBe('Faturayı ekte gönderiyorum.');
    expect(msg.attachments).toEqual([expect.objectContaining({ name: 'fatura.pdf', contentType: 'application/pdf' })]);
  });

  test('well-formed mail passes through unchanged', async () => {
    const { repairRawMail } = await import('../../channels/email/mime-repair');
    for (const name of ['gmail-tr-iso-8859-9.eml', 'outlook-tr-windows-1254.eml', 'thunderbird-tr-utf8.eml', 'apple-mail-en.eml']) {
      const raw = fixture(name);
      expect(repairRawMail(raw).equals(raw)).toBe(true);
    }
  });
});
