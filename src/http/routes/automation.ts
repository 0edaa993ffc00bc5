import { z } from 'zod';
import {
  AUTOMATION_EVENTS, CONDITION_TYPES, conditionSchema, MAX_CHAIN_DEPTH, RULE_ACTION_TYPES, RUN_STATUSES, TIME_TRIGGERS, ruleFieldsSchema, ruleInputSchema,
} from '../../domain/automation';
import { createRule, deleteRule, dryRun, getRule, listRules, RECENT_EVENTS_MAX, reorderRules, ruleLog, updateRule } from '../../services/automation';
import { idParams, objectId, route } from '../route';
import { err } from '../schemas';

// Automation rules (docs/automation.md): admins only (an API token needs the admin scope); every change audited.
const ruleView = ruleFieldsSchema.extend({ id: z.string(), position: z.number(), updatedAt: z.iso.datetime(), updatedBy: z.string() });
const eventView = z.object({ id: z.string(), type: z.string(), at: z.string(), conversationId: z.string(), chain: z.array(z.string()) }).loose();
const runView = z.object({
  id: z.string(), ruleId: z.string(), ruleName: z.string(), eventId: z.string(), eventType: z.string(), conversationId: z.string(), at: z.string(),
  status: z.enum(RUN_STATUSES), matched: z.array(z.string()), conditions: z.array(conditionSchema),
  actions: z.array(z.object({ type: z.string(), ok: z.boolean(), error: z.string().optional() })), depth: z.number(), note: z.string().optional(),
});
const notFound = err('rule not found');
const refused = err('an action names a webhook that does not exist');

export const automationRoutes = [
  route({
    method: 'get', path: '/admin/automation/vocabulary', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'What a rule can say: events, time triggers, condition and action types, the loop guard’s depth cap',
    responses: { 200: { description: 'the vocabulary', schema: z.object({ events: z.array(z.string()), timeTriggers: z.array(z.string()), conditions: z.array(z.string()), actions: z.array(z.string()), maxChainDepth: z.number(), recentEventsMax: z.number() }) } },
    async handler() {
      return { status: 200, body: { events: AUTOMATION_EVENTS, timeTriggers: TIME_TRIGGERS, conditions: CONDITION_TYPES, actions: RULE_ACTION_TYPES, maxChainDepth: MAX_CHAIN_DEPTH, recentEventsMax: RECENT_EVENTS_MAX } };
    },
  }),
  route({
    method: 'get', path: '/admin/automation/rules', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'The rules, in the order they run',
    responses: { 200: { description: 'rules', schema: z.array(ruleView) } },
    async handler({ deps }) {
      return { status: 200, body: await listRules(deps.models) };
    },
  }),
  route({
    method: 'post', path: '/admin/automation/rules', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'Create a rule (it runs last)', body: ruleInputSchema,
    responses: { 201: { description: 'created', schema: ruleView }, 400: err('bad rule'), 409: err('too many rules'), 422: refused },
    async handler({ body, agent, deps }) {
      return { status: 201, body: await createRule(deps.models, agent, body) };
    },
  }),
  route({
    method: 'get', path: '/admin/automation/rules/:id', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'One rule', params: idParams,
    responses: { 200: { description: 'the rule', schema: ruleView }, 404: notFound },
    async handler({ params, deps }) {
      return { status: 200, body: await getRule(deps.models, params.id) };
    },
  }),
  route({
    method: 'put', path: '/admin/automation/rules/:id', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'Replace a rule (its place in the order stays)', params: idParams, body: ruleInputSchema,
    responses: { 200: { description: 'updated', schema: ruleView }, 400: err('bad rule'), 404: notFound, 422: refused },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await updateRule(deps.models, agent, params.id, { input: body }) };
    },
  }),
  route({
    method: 'patch', path: '/admin/automation/rules/:id', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'Turn a rule on or off', params: idParams, body: z.object({ enabled: z.boolean() }).strict(),
    responses: { 200: { description: 'updated', schema: ruleView }, 404: notFound },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await updateRule(deps.models, agent, params.id, { enabled: body.enabled }) };
    },
  }),
  route({
    method: 'post', path: '/admin/automation/rules/:id/delete', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'Delete a rule (its log stays readable by id until it ages out)', params: idParams,
    responses: { 204: { description: 'deleted' }, 404: notFound },
    async handler({ params, agent, deps }) {
      await deleteRule(deps.models, agent, params.id);
      return { status: 204 };
    },
  }),
  route({
    method: 'post', path: '/admin/automation/order', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'Set the order the rules run in (every rule id once)', body: z.object({ ids: z.array(objectId).max(500) }).strict(),
    responses: { 200: { description: 'the rules in their new order', schema: z.array(ruleView) }, 400: err('the list does not name every rule exactly once') },
    async handler({ body, agent, deps }) {
      return { status: 200, body: await reorderRules(deps.models, agent, body.ids) };
    },
  }),
  route({
    method: 'post', path: '/admin/automation/dry-run', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'Evaluate a rule (saved or not) against the last events of its trigger, on the conversations as they are now; changes nothing',
    body: z.object({ rule: ruleInputSchema, limit: z.number().int().min(1).max(RECENT_EVENTS_MAX).default(50) }).strict(),
    responses: {
      200: { description: 'each event with whether it matched, why, and what the rule would have done', schema: z.object({ evaluated: z.number(), matches: z.array(z.object({ event: eventView, matched: z.boolean(), reasons: z.array(z.string()), failed: z.object({ group: z.enum(['all', 'any']), index: z.number() }).nullable(), wouldDo: z.array(z.string()) })) }) },
      400: err('bad rule'),
    },
    async handler({ body, deps }) {
      return { status: 200, body: await dryRun({ models: deps.models, redis: deps.redis, prefix: deps.config.QUEUE_PREFIX }, body.rule, body.limit) };
    },
  }),
  route({
    method: 'get', path: '/admin/automation/rules/:id/runs', tag: 'automation', access: 'admin', resource: 'none',
    summary: 'The rule’s log, newest first: what fired, on which conversation, which conditions matched, each action’s result; pass next as page for older runs',
    params: idParams, query: z.object({ page: z.coerce.number().int().min(0).optional() }),
    responses: { 200: { description: 'a page of runs', schema: z.object({ runs: z.array(runView), next: z.number().nullable() }) }, 404: notFound },
    async handler({ params, query, deps }) {
      return { status: 200, body: await ruleLog({ models: deps.models, redis: deps.redis, prefix: deps.config.QUEUE_PREFIX }, params.id, query.page) };
    },
  }),
];
