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

/** An email as the SMTP/IMAP intake builds it (`conversationId` is set there only from a verified reply token). */
export const emailMessage = (id: string, address: string, text = 'Siparişim hâlâ gelmedi.'): InboundMessage => ({
  channel: 'email',
  dedupeKey: `email:<${id}@mail.example>`,
  providerId: `<${id}@mail.example>`,
  from: { address, name: 'Ayşe Yılmaz' },
  subject: 'Sipariş',
  text,
  attachments: [],
  sentAt: new Date().toISOString(),
});
