import { z } from 'zod';
import { DEFAULT_HEALTH_RULES, HEALTH_REASONS, HEALTH_STATES, healthRulesSchema } from '../../domain/customer-health';
import { listCustomers } from '../../services/crm/directory';
import { customerHealth, healthRules, retentionReport, setHealthRules } from '../../services/crm/health';
import { lifetimeValueAttribute, setLifetimeValueAttribute } from '../../services/crm/lifetime-value';
import { idParams, route } from '../route';
import { err } from '../schemas';

const reasonSchema = z.object({
  code: z.enum(HEALTH_REASONS), at: z.string().optional(), count: z.number().optional(), score: z.number().optional(),
  days: z.number().optional(), baselineDays: z.number().optional(),
});
const stateSchema = z.enum(HEALTH_STATES);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const rulesView = z.object({ rules: healthRulesSchema, defaults: healthRulesSchema });
const valueView = z.object({ attribute: z.object({ key: z.string(), label: z.string(), currency: z.string() }).nullable() });
const atRiskRow = z.object({
  id: z.string(), name: z.string().optional(), email: z.string().optional(), phone: z.string().optional(), lastContactAt: z.string().optional(),
  conversations: z.number(), channels: z.array(z.string()), state: stateSchema, reasons: z.array(reasonSchema),
});

/** Customer health (docs/metrics.md, "Customer health"): one customer's, the at-risk list, and the rules. */
export const customerHealthRoutes = [
  route({
    method: 'get', path: '/customers/:id/health', tag: 'customers', access: 'agent', resource: 'customer',
    summary: "The customer's health (healthy, at_risk, churned; null before they wrote) with the reasons that fired, contacts, last contact, their own interval between conversations and median first response time",
    params: idParams,
    responses: {
      200: {
        description: 'health evaluated now',
        schema: z.object({
          state: stateSchema.nullable(), reasons: z.array(reasonSchema), contacts: z.number(), lastContactAt: z.string().nullable(),
          baselineDays: z.number().nullable(), medianFirstResponseMs: z.number().nullable(),
          lifetimeValue: z.object({ amount: z.number(), currency: z.string() }).nullable(),
        }),
      },
      404: err('customer not found'),
    },
    async handler({ params, deps }) {
      return { status: 200, body: await customerHealth(deps.models, params.id) };
    },
  }),
  route({
    method: 'get', path: '/supervisor/customers-at-risk', tag: 'customers', access: 'supervisor', resource: 'none',
    summary: 'Customers at risk (or churned) with the reasons, most recent contact first, paged from the directory index; and how many customers are in each state',
    query: z.object({
      state: z.enum(['at_risk', 'churned']).default('at_risk'),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: z.string().regex(/^\d{1,7}$/).optional(),
    }),
    responses: {
      200: {
        description: 'a page; pass next as cursor for the following one',
        schema: z.object({ items: z.array(atRiskRow), total: z.number(), next: z.string().nullable(), counts: z.record(stateSchema, z.number()) }),
      },
    },
    async handler({ query, deps }) {
      const page = await listCustomers(deps.models, { health: query.state, sort: 'last', dir: 'desc', attr: [], limit: query.limit, cursor: query.cursor });
      const items = page.items.map((r) => ({
        id: r.id, name: r.name, email: r.email, phone: r.phone, lastContactAt: r.lastContactAt, conversations: r.conversations, channels: r.channels,
        state: r.health?.state ?? query.state, reasons: r.health?.reasons ?? [],
      }));
      return { status: 200, body: { items, total: page.total, next: page.next, counts: await deps.models.health.counts() } };
    },
  }),
  route({
    method: 'get', path: '/reports/retention', tag: 'reports', access: 'supervisor', resource: 'none',
    summary: 'Customer retention and attrition over whole UTC months (from, to: YYYY-MM, at most 12), against the period of as many months just before',
    query: z.object({ from: month, to: month }),
    responses: {
      200: {
        description: 'docs/metrics.md, "Retention and attrition"',
        schema: z.object({
          period: z.object({ from: z.string(), to: z.string() }), previous: z.object({ from: z.string(), to: z.string() }),
          previousActive: z.number(), active: z.number(), retained: z.number(), lost: z.number(), returningOrNew: z.number(),
          retention: z.number().nullable(), attrition: z.number().nullable(),
        }),
      },
      400: err('bad months'),
    },
    async handler({ query, deps }) {
      return { status: 200, body: await retentionReport(deps.models, query.from, query.to) };
    },
  }),
  route({
    method: 'get', path: '/admin/customer-health', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'The customer health rules in effect and their defaults',
    responses: { 200: { description: 'rules', schema: rulesView } },
    async handler({ deps }) {
      return { status: 200, body: { rules: await healthRules(deps.models, { fresh: true }), defaults: DEFAULT_HEALTH_RULES } };
    },
  }),
  route({
    method: 'put', path: '/admin/customer-health', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Change the customer health rules (every rule, with its thresholds); audited; every customer is evaluated again within seconds',
    body: healthRulesSchema,
    responses: { 200: { description: 'rules', schema: rulesView }, 400: err('a threshold out of range or a missing rule') },
    async handler({ agent, body, deps }) {
      return { status: 200, body: { rules: await setHealthRules(deps.models, { id: agent.id, name: agent.name }, body), defaults: DEFAULT_HEALTH_RULES } };
    },
  }),
  route({
    method: 'get', path: '/admin/customer-value', tag: 'admin', access: 'admin', resource: 'none',
    summary: "Which customer currency attribute is the lifetime value shown on profiles (null: none)",
    responses: { 200: { description: 'the attribute', schema: valueView } },
    async handler({ deps }) {
      return { status: 200, body: { attribute: await lifetimeValueAttribute(deps.models) } };
    },
  }),
  route({
    method: 'put', path: '/admin/customer-value', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Choose the customer currency attribute that holds the lifetime value (or null); audited',
    body: z.object({ key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).nullable() }).strict(),
    responses: { 200: { description: 'the attribute', schema: valueView }, 400: err('not a customer currency attribute') },
    async handler({ agent, body, deps }) {
      return { status: 200, body: { attribute: await setLifetimeValueAttribute(deps.models, { id: agent.id, name: agent.name }, body.key) } };
    },
  }),
];
