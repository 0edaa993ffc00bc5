import path from 'node:path';
import { htmlToText } from '../../channels/email/html-text';
import { trimReplyHtml, trimReplyText } from '../../channels/email/reply-trim';
import { sanitizeEmailHtml } from '../../channels/email/sanitize';
import { pathologicalShapes } from '../helpers/long-mails';
import { loadReplyCorpus, scoreReplyCorpus } from '../helpers/reply-corpus';

const corpusDir = path.join(__dirname, '../fixtures/email/replies');

test('the reply corpus (tests/fixtures/email/replies): at least 150 cases, at least 95 % exact', () => {
  const cases = loadReplyCorpus(corpusDir);
  expect(cases.length).toBeGreaterThanOrEqual(150);
  expect(cases.filter((c) => c.language === 'tr').length).toBeGreaterThanOrEqual(40);
  const score = scoreReplyCorpus(cases);
  // On failure the misses are listed (same output as scripts/score-reply-trim.ts).
  expect({ exact: score.ok / score.all >= 0.95, misses: score.misses }).toEqual({ exact: true, misses: expect.any(Array) });
});

describe('the trickiest shapes', () => {
  test('an attribution wrapped over five lines, name and address on their own lines', () => {
    const mail = 'Tamam.\n\nOn Monday, November 23, 2026 at\n10:00:00 AM UTC+3,\nKanal Destek\n<destek@kanal.test>\nwrote:\n\n> eski\n';
    expect(trimReplyText(mail).visible).toBe('Tamam.');
  });

  test('a reply line right above a name-first attribution stays; a name alone above its address does not', () => {
    expect(trimReplyText('Danke\nKanal <s@kanal.test> schrieb am Mo., 23. Nov. 2026, 10:00:\n> alt').visible).toBe('Danke');
    expect(trimReplyText('Danke\n\nKanal Support\n<s@kanal.test> schrieb am Mo., 23. Nov. 2026, 10:00:\n> alt').visible).toBe('Danke');
  });

  test('interleaved replies: the unquoted lines joined, attribution and quoted blocks left out', () => {
    const mail = 'Merhaba,\n\n23 Kas 2026 Pzt, 10:00 tarihinde Kanal <d@kanal.test> şunu yazdı:\n> Sipariş no?\n\nSP-118\n\n> Adres?\n\nKadıköy\n\n> Başka?\n\n-- \nAyşe\n';
    const out = trimReplyText(mail);
    expect(out.visible).toBe('Merhaba,\n\nSP-118\n\nKadıköy');
    expect(out.quoted).toContain('> Sipariş no?');
  });

  test('a bare "<name> wrote:" only counts when quoted lines follow it', () => {
    expect(trimReplyText('Evet.\n\nAli yazdı:\n> soru').visible).toBe('Evet.');
    expect(trimReplyText('Evet.\nAli yazdı:\nbu akşam gelirim').visible).toBe('Evet.\nAli yazdı:\nbu akşam gelirim');
  });

  test('dates and "From:" inside the reply are not quote headers; "Sent from my iPhone" mid-reply stays', () => {
    const text = 'Tarih: 23.11.2026 10:00 idi.\nFrom: the warehouse, it went to the wrong depot.\nSent from my iPhone, sorry for typos.\nThanks';
    expect(trimReplyText(text)).toEqual({ visible: text, quoted: '' });
  });

  test('tracking characters are removed, emoji joiners kept', () => {
    expect(trimReplyText('Tamam\u200b\u200c\u200b\u200d\n\n> eski').visible).toBe('Tamam');
    expect(trimReplyText('👩\u200d💻 hazır').visible).toBe('👩\u200d💻 hazır');
  });

  test('HTML: Yandex and Mail.ru text attribution followed by a plain blockquote; Outlook bold header without a marker', () => {
    const yandex = '<div>Спасибо!</div><div>23.11.2026, 10:00, "Kanal" &lt;s@kanal.test&gt;:</div><blockquote><div>старое</div></blockquote>';
    const out = trimReplyHtml(yandex);
    expect(sanitizeEmailHtml(out.visible)).toBe('<div>Спасибо!</div>');
    expect(out.quoted).toMatch(/^<div>23\.11\.2026.*старое/);
    const outlook = '<p>Ekte.</p><p><b>Kimden:</b> Kanal<br><b>Gönderildi:</b> 23 Kasım 2026<br><b>Kime:</b> Ayşe<br><b>Konu:</b> Fatura</p><p>eski</p>';
    expect(htmlToText(trimReplyHtml(outlook).visible)).toBe('Ekte.');
  });

  test('HTML: an interleaved Gmail reply keeps the answers between the quoted blocks', () => {
    const html = '<div>Hi,<div class="gmail_quote"><div class="gmail_attr">On Mon, Nov 23, 2026 at 10:00 AM Kanal &lt;s@kanal.test&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote">Order number?</blockquote><div>4471</div><blockquote class="gmail_quote">Address?</blockquote><div>Baker St</div></div></div>';
    expect(htmlToText(trimReplyHtml(html).visible)).toBe('Hi,\n4471\nBaker St');
  });

  test('undecoded quoted-printable attributions, a header block on one line, "====" above a webmail header', () => {
    expect(trimReplyText('Tamam.\n\n23 Kas 2026 Pzt, 10:00 tarihinde Kanal <d@kanal.test> =C5=9Funu yazd=C4=B1:\n> eski').visible).toBe('Tamam.');
    expect(trimReplyText('x=20 ve a=b kalır.').visible).toBe('x=20 ve a=b kalır.');
    expect(trimReplyText('Tamam.\nKimden: Kanal <d@kanal.test> Gönderildi: 23 Kasım 2026 Kime: a@b.test Konu: Fatura\neski').visible).toBe('Tamam.');
    expect(trimReplyText('From: the depot To: the shop, then Subject to change.').visible).toBe('From: the depot To: the shop, then Subject to change.');
    const travel = 'Bilet lazım.\nFrom: Istanbul To: Ankara Date: 5 May\nUygun saat var mı?';
    expect(trimReplyText(travel).visible).toBe(travel);
    expect(trimReplyText('Merci.\n\n====\n\nMessage du : 23/11/2026 10:00\nDe : a@b.fr\nA : c@d.fr\nSujet : x\n\nvieux').visible).toBe('Merci.');
  });

  test('a footer above a blank line ends the reply; "Sent from a …" sentences and footers followed by text stay', () => {
    expect(trimReplyText("Tamam.\n\nAndroid için Outlook'u edinin<https://aka.ms/x>\n\nMerhaba, siparişiniz hazır.").visible).toBe('Tamam.');
    expect(trimReplyText('Fine.\n\nSent from a train, so expect typos.').visible).toBe('Fine.\n\nSent from a train, so expect typos.');
    expect(trimReplyText('Here it is.\n\nSent from my desk, is much easier than my phone.').visible).toBe('Here it is.\n\nSent from my desk, is much easier than my phone.');
    // Only a footer that names a device or an app ends the reply above a blank line.
    const sentence = 'The parcel?\nSent from London on Monday.\n\nPlease check the tracking.';
    expect(trimReplyText(sentence).visible).toBe(sentence);
  });

  test('long mails of every shape trim to the right reply (their cost: bench/reply-trim.ts)', () => {
    const shapes = pathologicalShapes(256 << 10);
    const html = (text: string) => htmlToText(trimReplyHtml(`<div>${text.replace(/\n/g, '<br>')}</div>`).visible);
    expect(trimReplyText(shapes.thread).visible).toBe('Thanks!');
    expect(html(shapes.thread)).toBe('Thanks!');
    expect(trimReplyText(shapes.plain).visible).toBe(shapes.plain.trim());
    const answers = (text: string) => text.split('\n').filter((l) => l === 'answer line here.').length;
    expect(answers(trimReplyText(shapes.interleaved).visible)).toBe(answers(shapes.interleaved));
    for (const text of Object.values(shapes)) expect(() => [trimReplyText(text), html(text)]).not.toThrow();
  });

  test('HTML: <title> and <style> text is not part of the reply', () => {
    expect(htmlToText('<html><head><title>Ynt: Sipariş</title><style>p{}</style></head><body><p>Tamam</p></body></html>')).toBe('Tamam');
  });
});
