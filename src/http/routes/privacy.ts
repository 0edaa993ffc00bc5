import { Types } from 'mongoose';
import { z } from 'zod';
import { erasurePreview } from '../../services/privacy/erase';
import { erasureState as erasureStateOf, lastErasure, requestErasure } from '../../services/privacy/erasure-requests';
import { exportableCustomer, writeCustomerArchive } from '../../services/privacy/export';
import { lastRetentionRun, retentionSettings, retentionSettingsSchema, setRetentionSettings } from '../../services/privacy/retention';
import { idParams, route } from '../route';
import { err } from '../schemas';

/**
 * GDPR requests (docs/privacy.md): a customer's data export, its erasure, and the retention setting. Admins only:
 * they act as the data protection officer's hands; agents and supervisors see none of these routes.
 */
const notFound = err('customer not found');
const erasureState = z.enum(['queued', 'running', 'failed']);
const preview = z.object({
  customerId: z.string(), confirmPhrase: z.string(), conversations: z.number(), unresolved: z.number(), identities: z.number(), erasedAt: z.string().nullable(),
  /** The erasure job, while one is queued or running (or failed: requesting again replaces it). */
  pending: erasureState.nullable(),
  /** The counts of the last erasure (from its audit record). */
  lastErasure: z.object({
    at: z.string(), conversationsClosed: z.number(), messages: z.number(), attachmentsRemoved: z.number(), identitiesRemoved: z.number(), mergedCustomers: z.number(), auditId: z.string(),
  }).nullable(),
});
const requested = z.object({ customerId: z.string(), state: erasureState });
const lastRun = z.object({ at: z.string(), cutoff: z.string(), conversations: z.number(), messages: z.number(), attachmentsRemoved: z.number(), days: z.number() }).nullable();
const actorOf = (agent: { id: string; name: string }) => ({ id: agent.id, name: agent.name });

export const privacyRoutes = [
  route({
    method: 'get', path: '/customers/:id/export', tag: 'privacy', access: 'admin', resource: 'customer', params: idParams,
    summary: 'Everything held about the customer as one ZIP (profile, identities, conversations, messages, CSAT, audit, files), streamed; recorded in the audit trail',
    responses: { 200: { description: 'application/zip' }, 404: notFound },
    async handler({ params, agent, deps, res }) {
      const id = new Types.ObjectId(params.id);
      await exportableCustomer(deps.models, id); // a 404 before the download starts
      res.status(200).set({
        'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="customer-${params.id}.zip"`, 'Cache-Control': 'no-store',
      });
      try {
        await writeCustomerArchive(deps.models, deps.blobs, id, actorOf(agent), res);
      } catch (error) {
        // Headers are gone: the reader sees a cut archive (which no unzip tool accepts), the log says why.
        deps.logger.error({ err: error, customerId: params.id }, 'customer export failed');
        res.destroy();
      }
      return { status: 200, streamed: true };
    },
  }),
  route({
    method: 'get', path: '/customers/:id/erasure', tag: 'privacy', access: 'admin', resource: 'customer', params: idParams,
    summary: 'What erasing the customer would touch, and the phrase that confirms it (its name, or its id when it has none)',
    responses: { 200: { description: 'preview', schema: preview }, 404: notFound, 409: err('merged into another customer') },
    async handler({ params, deps }) {
      const [base, pending, last] = await Promise.all([
        erasurePreview(deps.models, params.id), erasureStateOf(deps.queues.retention, params.id), lastErasure(deps.models, params.id),
      ]);
      return { status: 200, body: { ...base, pending, lastErasure: last } };
    },
  }),
  route({
    method: 'post', path: '/customers/:id/erase', tag: 'privacy', access: 'admin', resource: 'customer', params: idParams,
    summary: 'Erase the customer, once the confirmation matches: a job removes the content of its messages and files and its identities, anonymizes the profile and resolves open conversations; metrics are kept. Follow it with GET /customers/:id/erasure. Repeatable',
    body: z.object({ confirm: z.string().trim().min(1).max(300) }),
    responses: { 202: { description: 'the erasure job is queued or running', schema: requested }, 400: err('the confirmation does not match'), 404: notFound, 409: err('merged into another customer') },
    async handler({ params, body, agent, deps }) {
      return { status: 202, body: await requestErasure(deps.models, deps.queues.retention, actorOf(agent), params.id, body.confirm) };
    },
  }),
  route({
    method: 'get', path: '/admin/retention', tag: 'privacy', access: 'admin', resource: 'none',
    summary: 'The retention setting (resolved conversations older than N months lose their content) and its last run',
    responses: { 200: { description: 'setting', schema: z.object({ settings: retentionSettingsSchema, lastRun }) } },
    async handler({ deps }) {
      return { status: 200, body: { settings: await retentionSettings(deps.models), lastRun: await lastRetentionRun(deps.models) } };
    },
  }),
  route({
    method: 'put', path: '/admin/retention', tag: 'privacy', access: 'admin', resource: 'none', body: retentionSettingsSchema,
    summary: 'Change the retention setting (recorded in the audit trail)',
    responses: { 200: { description: 'saved', schema: retentionSettingsSchema } },
    async handler({ body, agent, deps }) {
      return { status: 200, body: await setRetentionSettings(deps.models, actorOf(agent), body) };
    },
  }),
  route({
    method: 'post', path: '/admin/retention/run', tag: 'privacy', access: 'admin', resource: 'none',
    summary: 'Run retention now (a job on the retention queue; the daily run happens anyway)',
    responses: { 202: { description: 'queued', schema: z.object({ jobId: z.string() }) } },
    async handler({ agent, deps }) {
      const job = await deps.queues.retention.add('run', { requestedBy: agent.id }, { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } });
      return { status: 202, body: { jobId: String(job.id) } };
    },
  }),
];
