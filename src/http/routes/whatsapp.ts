import { z } from 'zod';
import { sessionStatusKey } from '../../services/delivery/wa-session-status';
import { route } from '../route';

export const sessionViewSchema = z.object({
  account: z.string(),
  state: z.enum(['not_started', 'starting', 'waiting_for_scan', 'paired', 'disconnected', 'stopped']),
  qr: z.string().optional(),
  reason: z.string().optional(),
  at: z.iso.datetime().optional(),
  unofficial: z.literal(true),
});

export const whatsappRoutes = [
  route({
    method: 'get', path: '/admin/whatsapp/sessions', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'whatsapp-web.js sessions (unofficial route): state and, while waiting for a scan, the pairing QR. Live updates: socket event whatsapp.session',
    responses: { 200: { description: 'one entry per configured account', schema: z.array(sessionViewSchema) } },
    async handler({ deps }) {
      const account = deps.config.WWEBJS_ACCOUNT;
      if (deps.config.WHATSAPP_ROUTE !== 'wwebjs') return { status: 200, body: [] };
      const raw = await deps.redis.get(sessionStatusKey(deps.config.QUEUE_PREFIX, account));
      const status = raw ? (JSON.parse(raw) as Record<string, unknown>) : { account, state: 'not_started' };
      return { status: 200, body: [{ ...status, unofficial: true }] };
    },
  }),
];
