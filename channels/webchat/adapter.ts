import { WidgetEvents } from '../../src/domain/events';
import type { ChannelAdapter } from '../../src/domain/messages';
import type { AdapterContext } from '../types';
import { visitorAttachments } from './files';
import type { VisitorMessage } from './ingress';

/**
 * Publishes an agent reply to the visitor's room through Redis. There is no provider to fail: a visitor who is
 * offline gets the message from `history` when they come back.
 */
export function createAdapter(ctx: AdapterContext): ChannelAdapter {
  return {
    channel: 'webchat',
    async send(outbound) {
      const payload: VisitorMessage = {
        id: outbound.messageId,
        direction: 'out',
        text: outbound.text,
        authorName: outbound.author.name,
        createdAt: new Date().toISOString(),
        status: 'sent',
      };
      const attachments = visitorAttachments(outbound.attachments, ctx.env.WIDGET_TOKEN_SECRET ?? '');
      if (attachments.length) payload.attachments = attachments;
      ctx.visitors.toVisitor(outbound.to, WidgetEvents.message, payload);
      return { providerId: `webchat:${outbound.messageId}` };
    },
  };
}
