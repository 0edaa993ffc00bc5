import type { InboundMessage } from '../../src/domain/messages';

/** A web chat message as the widget ingress builds it (Turkish text by default). */
export const webchatMessage = (id: string, address: string, text = 'Merhaba, siparişim nerede?'): InboundMessage => ({
  channel: 'webchat',
  dedupeKey: `webchat:${id}`,
  providerId: id,
  from: { address, name: 'Ayşe Yılmaz' },
  text,
  attachments: [],
  sentAt: new Date().toISOString(),
});
