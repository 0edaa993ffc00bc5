import { fitInbound } from '../../src/domain/inbound-schema';
import { normalizeTelegramUpdate, TelegramUpdateError } from './normalize';
import { fixture } from './standin';

const message = (name: string) => {
  const n = normalizeTelegramUpdate(fixture(name));
  if (n.kind !== 'message') throw new Error(`${name}: ${n.reason}`);
  return n;
};

describe('Telegram updates as the one InboundMessage shape', () => {
  test('text: the chat id is the address, the name and language come along, the dedupe key is chat and message id', () => {
    const { message: m, files } = message('text');
    expect(m).toMatchObject({
      channel: 'telegram', dedupeKey: 'telegram:5123456789:101', providerId: '5123456789:101',
      from: { address: '5123456789', name: 'Ayşe Yılmaz' }, text: 'Merhaba, siparişim nerede? Ğ ü ş ı İ ö ç', language: 'tr',
      sentAt: new Date(1764500000 * 1000).toISOString(),
    });
    expect(files).toEqual([]);
    expect(() => fitInbound(m)).not.toThrow(); // fits the schema every channel's messages go through
  });

  test('photo: the largest size is fetched, the caption is the text', () => {
    const { message: m, files } = message('photo');
    expect(m.text).toBe('Kutu ezik geldi');
    expect(files).toEqual([{ fileId: 'AgACAgIAAxkBAAIBQ2large', name: 'photo-102.jpg', contentType: 'image/jpeg', size: 51203 }]);
  });

  test('document and voice keep their names and types; location becomes a map link', () => {
    expect(message('document').files).toEqual([{ fileId: 'BQACAgIAAxkBAAIBRGdoc', name: 'fatura-2026-11.pdf', contentType: 'application/pdf', size: 2048 }]);
    expect(message('voice').files).toEqual([{ fileId: 'AwACAgIAAxkBAAIBRXvoice', name: 'voice-104.ogg', contentType: 'audio/ogg', size: 812 }]);
    expect(message('location').message.text).toBe('📍 41.008238,28.978359\nhttps://maps.google.com/?q=41.008238,28.978359');
  });

  test('a sticker is kept as a note, not dropped', () => {
    expect(message('sticker').message.text).toBe('[sticker 👍]');
  });

  test('edits and non-message updates are acknowledged, not stored', () => {
    expect(normalizeTelegramUpdate(fixture('edited'))).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/edited_message/) });
    expect(normalizeTelegramUpdate(fixture('member-update'))).toMatchObject({ kind: 'ignored' });
  });

  test('malformed updates are refused with the reason', () => {
    expect(() => normalizeTelegramUpdate(fixture('malformed'))).toThrow(new TelegramUpdateError('message.chat.id is required'));
    expect(() => normalizeTelegramUpdate({ message: {} })).toThrow(/update_id is required/);
    expect(() => normalizeTelegramUpdate(fixture('photo', (u) => { u.message.photo = [{ width: 1 }]; }))).toThrow(/photo without file_id/);
  });
});
