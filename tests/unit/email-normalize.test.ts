import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { detectBounce } from '../../channels/email/bounce';
import { rawProblem } from '../../channels/email/intake';
import { isAutoSubmitted, normalizeMail, PARSER_OPTIONS, UnusableMailError, type StoredPart } from '../../channels/email/normalize';
import { inboundMessageSchema } from '../../src/domain/messages';

const fixture = (name: string, vars: Record<string, string> = {}) => {
  let text = readFileSync(path.join(__dirname, '../fixtures/email', name), 'latin1');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v);
  return Buffer.from(text, 'latin1');
};
/** Attachments as the intake would have stored them (storage itself is covered by the integration tests). */
async function normalizeFixture(name: string, vars: Record<string, string> = {}) {
  const raw = fixture(name, vars);
  const mail = await simpleParser(raw, PARSER_OPTIONS);
  const parts: StoredPart[] = (mail.attachments ?? []).map((a, i) => ({
    attachment: { name: a.filename ?? 'attachment', contentType: a.contentType, size: a.size, storageKey: `k${i}`, url: `/api/attachments/k${i}` },
    cid: a.contentId,
  }));
  const msg = normalizeMail(mail, { raw, attachments: parts, tokenSecret: 's'.repeat(40) });
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
  const raw = fixture('bounce-dsn.eml', { MESSAGE_ID: '<kanal.m1@kanal.test>', BOUNCE_ID: '1' });
  const bounce = detectBounce(await simpleParser(raw), raw);
  expect(bounce?.originalIds[0]).toBe('<kanal.m1@kanal.test>');
  expect(bounce?.reason).toContain('550 5.1.1');
  expect(bounce?.reason).toContain('User unknown');
  const customer = fixture('thunderbird-tr-utf8.eml');
  expect(detectBounce(await simpleParser(customer), customer)).toBeNull();
});

test('a mail without From cannot become a message', async () => {
  const raw = fixture('no-from.eml');
  await expect(simpleParser(raw).then((mail) => normalizeMail(mail, { raw, attachments: [] }))).rejects.toBeInstanceOf(UnusableMailError);
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
