import type { Channel } from '../../domain/channels';
import { csatTexts } from '../../domain/csat';
import type { Models, StoredConversation } from '../../store';
import { prepareOutbound } from '../delivery/reply-channels';
import { renderTemplate, TemplateError, type WhatsAppTemplates } from '../delivery/wa-window';

/**
 * How a survey (or its reminder) reads on each channel kind: one small function per kind, so channel internals stay
 * untouched; a channel without its own (a newly registered one) gets the signed link. Web chat and email carry the signed link (the widget turns it into an inline rating; email opens the
 * survey page); SMS and WhatsApp ask for a reply of 1-5, which the inbound worker reads as the answer
 * (csat-replies.ts). Official WhatsApp outside its 24-hour window can only send an approved template.
 */
export interface SurveyMessage {
  text: string;
  /** Shown as the message's author (the widget shows it above the rating). */
  author: string;
  subject?: string;
  threadHints?: Record<string, string>;
  /** The survey can be answered by a reply from this phone (`phone:<E.164>`). */
  replyKey?: string;
}
export type SurveyPlan = { send: SurveyMessage } | { unsent: string };

export interface SenderInput {
  m: Models;
  conversation: StoredConversation;
  language: string;
  link: string;
  reminder: boolean;
  /** The customer's address on the channel (identity address). */
  to: string;
  customerName: string;
  whatsapp: { route: 'twilio' | 'wwebjs'; templates: WhatsAppTemplates };
  now: Date;
}

/** The WhatsApp template a survey outside the window uses (WHATSAPP_TEMPLATES; variables: customer, link). */
export const CSAT_TEMPLATE = 'csat_survey';

const withLink = (template: string, link: string) => template.replace('{link}', link);

/** The channel's own rules for an outbound message (its threading headers, WhatsApp's window) as for a reply. */
const channelRules = (channel: Channel, { m, conversation, to, whatsapp, now }: SenderInput) =>
  prepareOutbound(m, channel, conversation, { address: to, settings: { WHATSAPP_ROUTE: whatsapp.route }, now });

async function linkSender({ language, link, reminder }: SenderInput): Promise<SurveyPlan> {
  const t = csatTexts(language);
  return { send: { text: withLink(reminder ? t.remindLink : t.askLink, link), author: t.author } };
}

const senders: Partial<Record<Channel, (input: SenderInput) => Promise<SurveyPlan>>> = {
  webchat: linkSender,
  async email(input) {
    const { language, link, reminder } = input;
    const t = csatTexts(language);
    const prepared = await channelRules('email', input);
    const threading = 'refused' in prepared ? {} : prepared;
    return { send: { text: withLink(reminder ? t.remindLink : t.askLink, link), author: t.author, subject: t.subject, threadHints: { ...threading.threadHints, autoReply: 'true' } } };
  },
  async sms({ language, reminder, to }) {
    const t = csatTexts(language);
    return { send: { text: reminder ? t.remindReply : t.askReply, author: t.author, replyKey: `phone:${to}` } };
  },
  async whatsapp(input) {
    const { language, reminder, to, link, customerName, whatsapp } = input;
    const t = csatTexts(language);
    const replyKey = `phone:${to}`;
    if ('refused' in (await channelRules('whatsapp', input))) { // outside the 24-hour window (official route)
      if (!whatsapp.templates[CSAT_TEMPLATE]) return { unsent: `outside the 24-hour WhatsApp window and no ${CSAT_TEMPLATE} template is configured` };
      try {
        const rendered = renderTemplate(whatsapp.templates, CSAT_TEMPLATE, { customer: customerName, link });
        return { send: { text: rendered.text, author: t.author, threadHints: rendered.threadHints, replyKey } };
      } catch (err) {
        if (err instanceof TemplateError) return { unsent: err.message };
        throw err;
      }
    }
    return { send: { text: reminder ? t.remindReply : t.askReply, author: t.author, replyKey } };
  },
};

export const planSurveyMessage = (channel: Channel, input: SenderInput): Promise<SurveyPlan> => (senders[channel] ?? linkSender)(input);
