import { trimReplyHtml, trimReplyText } from '../../channels/email/reply-trim';
import { sanitizeEmailHtml } from '../../channels/email/sanitize';
import { conversationFromRecipients, conversationToken, parseMessageIds, replyAddress, replySubject, verifyToken } from '../../channels/email/threading';

describe('reply trimming (text)', () => {
  const cases: Array<[string, string, string, string]> = [
    ['Gmail (en), attribution wrapped over two lines', 'Thanks, that works!\n\nOn Mon, Nov 23, 2026 at 10:00 AM Kanal Support <support@kanal.test>\nwrote:\n\n> Try again please.\n', 'Thanks, that works!', '> Try again please.'],
    ['Gmail (tr)', 'Tamamdır, teşekkürler.\n\n23 Kas 2026 Pzt, 10:00 tarihinde Kanal Destek <support@kanal.test> şunu yazdı:\n> Tekrar dener misiniz?\n', 'Tamamdır, teşekkürler.', 'Tekrar dener misiniz?'],
    ['Apple Mail (tr)', 'Olmadı.\n\n23 Kas 2026 tarihinde 10:00 saatinde, Kanal Destek <support@kanal.test> şunları yazdı:\n\n> Deneyin.\n', 'Olmadı.', 'Deneyin.'],
    ['Thunderbird (en)', 'Done.\n\nOn 23.11.2026 10:00, Kanal Support wrote:\n> Reboot it.\n', 'Done.', 'Reboot it.'],
    ['Outlook (tr) Kimden/Gönderildi block', 'Ekte.\n\nKimden: Kanal Destek <support@kanal.test>\nGönderildi: 23 Kasım 2026 Pazartesi 10:00\nKime: Ali\nKonu: Fatura\n\nFatura no?\n', 'Ekte.', 'Gönderildi: 23 Kasım'],
    ['Outlook (en) Original Message', 'See below.\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nold text\n', 'See below.', 'old text'],
    ['signature delimiter and mobile footer', 'Kısa cevap.\n\n-- \nAli Veli\nSatın alma\n', 'Kısa cevap.', 'Ali Veli'],
    ['iPhone footer (tr)', 'Geldi, sağolun.\n\niPhone\'umdan gönderildi\n', 'Geldi, sağolun.', "iPhone'umdan gönderildi"],
    ['trailing > block without attribution', 'Yes.\n\n> are you there?\n> hello\n', 'Yes.', '> hello'],
  ];
  test.each(cases)('%s', (_name, input, visible, quotedPart) => {
    const out = trimReplyText(input);
    expect(out.visible).toBe(visible);
    expect(out.quoted).toContain(quotedPart);
  });

  test('a mail without quotes stays whole; a mail that starts with the quote or a forward has an empty reply', () => {
    expect(trimReplyText('Merhaba,\nsiparişim nerede?\n')).toEqual({ visible: 'Merhaba,\nsiparişim nerede?', quoted: '' });
    const fwd = '---------- Forwarded message ---------\nFrom: X <x@example.com>\n\nhello';
    expect(trimReplyText(fwd)).toEqual({ visible: '', quoted: fwd });
    expect(trimReplyText('> eski satır\n> ikinci').visible).toBe('');
    expect(trimReplyText('On Mon, Nov 23, 2026 at 10:00 AM Kanal <s@kanal.test> wrote:\n> old').visible).toBe('');
  });

  test('a line merely mentioning "wrote" or "yazdı" inside the reply does not cut it', () => {
    const text = 'Dün size yazdım ama cevap gelmedi.\nHe wrote that it is fine.\nTeşekkürler';
    expect(trimReplyText(text).quoted).toBe('');
  });
});

describe('reply trimming (HTML) and sanitizing', () => {
  test('Gmail, Outlook, Thunderbird and Apple Mail markers split the HTML', () => {
    for (const marker of ['<div class="gmail_quote"><blockquote class="gmail_quote">', '<div id="divRplyFwdMsg" dir="ltr">', '<div class="moz-cite-prefix">On 23.11.2026 10:00, Kanal wrote:<br></div><blockquote type="cite">', '<blockquote type="cite">']) {
      const out = trimReplyHtml(`<p>Yeni cevap</p>${marker}eski</div>`);
      expect(out.visible).toBe('<p>Yeni cevap</p>');
      expect(out.quoted).toContain('eski');
    }
  });

  test('scripts, handlers, forms, styles and javascript: URLs go; remote images wait; cid: images resolve', () => {
    const html = '<div onclick="x()">Merhaba<script>alert(1)</script><style>*{}</style></div><form action="/"><input></form>' +
      '<a href="javascript:alert(1)">a</a><a href="https://ok.example/">b</a><img src="https://t.example/p.gif" onerror="x()">' +
      '<img src="cid:Logo@X"><img src="data:image/png;base64,AAAA"><img data-remote-src="javascript:alert(1)">';
    const out = sanitizeEmailHtml(html, new Map([['logo@x', '/api/attachments/abc']]));
    expect(out).not.toMatch(/script|onclick|onerror|<form|<input|<style|javascript:|data:image/i);
    expect(out).toContain('<a href="https://ok.example/" rel="noopener noreferrer nofollow" target="_blank">b</a>');
    expect(out).toContain('<img data-remote-src="https://t.example/p.gif" />');
    expect(out).toContain('<img src="/api/attachments/abc" />');
    expect(out).not.toMatch(/<img[^>]* src="https?:/);
  });
});

describe('threading helpers', () => {
  const secret = 'x'.repeat(40);
  const conv = '65a1b2c3d4e5f60718293a4b';
  test('a reply token names its conversation, survives lowercasing, and cannot be forged', () => {
    const token = conversationToken(conv, secret);
    expect(verifyToken(token, secret)).toBe(conv);
    expect(verifyToken(token.toUpperCase(), secret)).toBe(conv);
    expect(verifyToken(token, 'y'.repeat(40))).toBeUndefined();
    const other = '65a1b2c3d4e5f60718293a4c';
    expect(verifyToken(`c${other}${token.slice(25)}`, secret)).toBeUndefined();
    const address = replyAddress(conv, { local: 'support', domain: 'kanal.test', secret });
    expect(address).toMatch(/^support\+c[0-9a-f]{40}@kanal\.test$/);
    expect(conversationFromRecipients(['someone@else.test', address], secret)).toBe(conv);
    expect(conversationFromRecipients([address], undefined)).toBeUndefined();
  });

  test('Message-IDs are read from headers; subjects get one "Re:" whatever the client prefixed', () => {
    expect(parseMessageIds('<a@x> \r\n <b@y>  <a@x>')).toEqual(['<a@x>', '<b@y>']);
    expect(parseMessageIds(undefined)).toEqual([]);
    expect(replySubject('Ynt: RE: Siparişim')).toBe('Re: Siparişim');
    expect(replySubject(undefined)).toBe('Re: your message');
  });
});
