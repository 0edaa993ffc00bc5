import { z } from 'zod';
import { ATTRIBUTE_SCOPES, attributeDefinitionFields, attributeDefinitionSchema, attributeKeySchema } from '../../domain/attributes';
import { HEALTH_STATES } from '../../domain/customer-health';
import { directoryFilterSchema, directoryPageSchema } from '../../domain/directory';
import { seesDirectory } from '../../services/access';
import { definitionAudit, listDefinitions, putDefinition, removeDefinition, setConversationAttributes, setCustomerAttributes } from '../../services/crm/attributes';
import { customersCsv, directoryOptions, listCustomers } from '../../services/crm/directory';
import { bulkLabelAs, importCustomersAs, recordCustomerExport } from '../../services/crm/audited';
import type { AgentView } from '../../services/agents/agents';
import type { HubDeps } from '../../deps';
import { KanalError } from '../../domain/errors';
import { idParams, objectId, route } from '../route';
import { err } from '../schemas';

/** CSV import bodies are read up to this size (about 20k rows of contact fields and a few attributes). */
const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

const definitionView = attributeDefinitionSchema;
const scopeParams = z.object({ scope: z.enum(ATTRIBUTE_SCOPES) });
const keyParams = scopeParams.extend({ key: attributeKeySchema });
const attributesBody = z.object({ attributes: z.record(z.string(), z.unknown()) });
const attributesResult = z.object({ attributes: z.record(z.string(), z.unknown()) });
const customerRow = z.object({
  id: z.string(), name: z.string().optional(), email: z.string().optional(), phone: z.string().optional(), language: z.string().optional(),
  labels: z.array(z.string()), attributes: z.record(z.string(), z.unknown()), firstSeenAt: z.string().optional(), lastContactAt: z.string().optional(),
  conversations: z.number(), channels: z.array(z.string()),
  health: z.object({ state: z.enum(HEALTH_STATES), reasons: z.array(z.object({ code: z.string() }).passthrough()) }).nullable(),
});
const importLine = z.object({ line: z.number(), email: z.string().optional(), phone: z.string().optional(), customerId: z.string().optional() });
const importReport = z.object({
  dryRun: z.boolean(), written: z.boolean(), created: z.array(importLine), updated: z.array(importLine),
  merged: z.array(z.object({ line: z.number(), into: z.number() })), rejected: z.array(z.object({ line: z.number(), reason: z.string() })),
});
const labelChange = z.object({ add: z.array(z.string().trim().min(1).max(80)).max(20).default([]), remove: z.array(z.string().trim().min(1).max(80)).max(20).default([]) });

const actorOf = (agent: AgentView) => ({ id: agent.id, name: agent.name });
async function requireDirectory(deps: HubDeps, agent: AgentView): Promise<void> {
  if (!(await seesDirectory(deps.models, agent))) throw new KanalError('forbidden', 'the customer directory is for agents who see every conversation (team access is on)');
}

/** Reads a raw request body as UTF-8 text, refusing more than `max` bytes. */
async function bodyText(req: NodeJS.ReadableStream, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new KanalError('payload_too_large', `the file is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const crmRoutes = [
  route({
    method: 'get', path: '/attribute-definitions/:scope', tag: 'attributes', access: 'agent', resource: 'none', // definitions hold no customer data
    summary: 'The typed custom attributes defined for customers or conversations', params: scopeParams,
    responses: { 200: { description: 'definitions by key', schema: z.array(definitionView) } },
    async handler({ params, deps }) {
      return { status: 200, body: await listDefinitions(deps.models, params.scope) };
    },
  }),
  route({
    method: 'put', path: '/attribute-definitions/:scope/:key', tag: 'attributes', access: 'admin', resource: 'none',
    summary: 'Define or change a typed attribute (text, number, date, boolean, list, currency, url); the type cannot change; audited',
    params: keyParams, body: attributeDefinitionFields.omit({ key: true, scope: true }),
    responses: { 200: { description: 'the definition', schema: definitionView }, 409: err('the attribute has another type') },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await putDefinition(deps.models, actorOf(agent), { ...body, ...params }) };
    },
  }),
  route({
    method: 'post', path: '/attribute-definitions/:scope/:key/remove', tag: 'attributes', access: 'admin', resource: 'none',
    summary: 'Remove a definition (stored values stay, unshown); audited', params: keyParams,
    responses: { 204: { description: 'removed' }, 404: err('no such attribute') },
    async handler({ params, agent, deps }) {
      await removeDefinition(deps.models, actorOf(agent), params.scope, params.key);
      return { status: 204 };
    },
  }),
  route({
    method: 'get', path: '/attribute-definitions/:scope/:key/audit', tag: 'attributes', access: 'admin', resource: 'none',
    summary: 'Who defined, changed or removed the attribute, with the definition before, newest first', params: keyParams,
    responses: { 200: { description: 'entries', schema: z.array(z.object({ action: z.string(), actor: z.object({ id: z.string(), name: z.string() }).partial(), at: z.string(), before: z.unknown() })) } },
    async handler({ params, deps }) {
      return { status: 200, body: await definitionAudit(deps.models, params.scope, params.key) };
    },
  }),
  // A customer's or a conversation's attributes: each value checked against its definition; null clears one.
  ...([['customer', setCustomerAttributes], ['conversation', setConversationAttributes]] as const).map(([scope, set]) =>
    route({
      method: 'patch', path: `/${scope}s/:id/attributes`, tag: 'attributes', access: 'agent', resource: scope,
      summary: `Set a ${scope}'s attributes (each checked against its definition; null clears one)`, params: idParams, body: attributesBody,
      responses: { 200: { description: 'all attributes after', schema: attributesResult }, 404: err(`${scope} not found`), 422: err('a value does not fit its type, or no such attribute') },
      async handler({ params, body, deps }) {
        return { status: 200, body: { attributes: await set(deps.models, params.id, body.attributes, deps.events) } };
      },
    }),
  ),
  route({
    method: 'get', path: '/directory/customers', tag: 'customers', access: 'agent', resource: 'none', // checks the directory access itself
    summary: 'The Customers directory: search, filter (label, language, channel, first seen, last contact, conversations, attr=key:value|key>=v|key<=v), sort and page',
    query: directoryPageSchema,
    responses: {
      200: { description: 'a page; pass next as cursor for the following one', schema: z.object({ items: z.array(customerRow), total: z.number(), next: z.string().nullable() }) },
      403: err('team-restricted agents see customers through their conversations'),
    },
    async handler({ query, agent, deps }) {
      await requireDirectory(deps, agent);
      return { status: 200, body: await listCustomers(deps.models, query) };
    },
  }),
  route({
    method: 'get', path: '/directory/options', tag: 'customers', access: 'agent', resource: 'none',
    summary: 'What the directory filters offer: channels customers used, and how many customers there are',
    responses: { 200: { description: 'options', schema: z.object({ channels: z.array(z.string()), total: z.number() }) } },
    async handler({ agent, deps }) {
      await requireDirectory(deps, agent);
      return { status: 200, body: await directoryOptions(deps.models) };
    },
  }),
  route({
    method: 'get', path: '/directory/customers.csv', tag: 'customers', access: 'agent', resource: 'none',
    summary: 'The filtered directory as CSV (UTF-8 with BOM), streamed', query: directoryFilterSchema,
    responses: { 200: { description: 'text/csv' } },
    async handler({ query, agent, deps, res }) {
      await requireDirectory(deps, agent);
      const lines = customersCsv(deps.models, query);
      const first = await lines.next(); // a bad filter fails here, before the headers go out
      await recordCustomerExport(deps.models, actorOf(agent), query);
      res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="customers.csv"', 'Cache-Control': 'no-store' });
      if (!first.done) res.write(first.value);
      for await (const chunk of lines) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      res.end();
      return { status: 200, streamed: true };
    },
  }),
  route({
    method: 'post', path: '/directory/labels', tag: 'customers', access: 'supervisor', resource: 'none',
    summary: 'Bulk label: add and remove labels on the given customers, or on every customer of a filter (at most 10,000)',
    body: z.union([
      labelChange.extend({ ids: z.array(objectId).min(1).max(1000) }),
      labelChange.extend({ filter: directoryFilterSchema }),
    ]),
    responses: { 200: { description: 'customers changed', schema: z.object({ changed: z.number() }) }, 413: err('the filter matches too many customers') },
    async handler({ agent, body, deps }) {
      const target = 'ids' in body ? { ids: body.ids } : { filter: body.filter };
      return { status: 200, body: await bulkLabelAs(deps.models, actorOf(agent), target, body.add, body.remove) };
    },
  }),
  route({
    method: 'post', path: '/directory/import', tag: 'customers', access: 'supervisor', resource: 'none', rawBody: true,
    summary: 'CSV import (body: the file, text/csv): upsert by email or phone (E.164); columns name, email, phone, language, labels (a|b) and customer attribute keys. dryRun=true reports what would be created, updated, merged or rejected and why; a file with a rejected line writes nothing (422 with the report)',
    query: z.object({ dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }),
    responses: {
      200: { description: 'the report (written: true unless a dry run)', schema: importReport },
      400: err('not a CSV of customers (unknown column, no email or phone column)'),
      413: err('too large'),
      422: { description: 'rejected lines: nothing was written', schema: importReport },
    },
    async handler({ agent, query, req, deps }) {
      const csv = await bodyText(req, IMPORT_MAX_BYTES);
      const report = await importCustomersAs(deps.models, actorOf(agent), csv, { dryRun: query.dryRun, defaultRegion: deps.config.PHONE_DEFAULT_REGION });
      return { status: !report.dryRun && !report.written ? 422 : 200, body: report };
    },
  }),
];
