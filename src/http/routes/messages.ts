import { retryMessage } from '../../services/conversations/inbox';
import { idParams, route } from '../route';
import { err, messageViewSchema } from '../schemas';

export const messageRoutes = [
  route({
    method: 'post', path: '/messages/:id/retry', tag: 'messages', access: 'agent', resource: 'message',
    summary: 'Send a failed outbound message again', params: idParams,
    responses: {
      202: { description: 'queued again', schema: messageViewSchema },
      404: err('message not found'), 409: err('the message is not a failed outbound message'),
    },
    async handler({ params, deps }) {
      return { status: 202, body: await retryMessage(deps.models, deps.events, deps.queues, params.id) };
    },
  }),
];
