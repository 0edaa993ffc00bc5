import { Types } from 'mongoose';
import {
  attributeDefinitionSchema, checkAttributeValues, type AttributeDefinition, type AttributeScope, type AttributeValue,
} from '../../domain/attributes';
import { idForKey, type AuditActor, type Models } from '../../store';
import { resolveCustomer } from '../identity/identity';
import type { EventPublisher } from '../events';
import { CrmError } from './errors';

/** Audit subject of a definition: a stable id per scope and key (the audit trail keys entries by ObjectId). */
const auditSubject = (scope: AttributeScope, key: string) => idForKey('attribute-definition', `${scope}:${key}`);

export const listDefinitions = (m: Models, scope: AttributeScope): Promise<AttributeDefinition[]> => m.attributeDefinitions.ofScope(scope);

/**
 * Creates or changes a definition (admins; recorded in the audit trail with the definition before). A type cannot
 * change once defined: stored values of the old type would no longer match it.
 */
export async function putDefinition(m: Models, actor: AuditActor, input: unknown): Promise<AttributeDefinition> {
  const def = attributeDefinitionSchema.parse(input);
  const current = await m.attributeDefinitions.get(def.scope, def.key);
  if (current && current.type !== def.type) throw new CrmError(`the type of ${def.key} is ${current.type}; define a new attribute instead`, 409);
  const before = await m.attributeDefinitions.put(def);
  const action = before ? 'attribute.update' : 'attribute.define';
  await m.audit.record({
    action, actor, subjectId: auditSubject(def.scope, def.key), before: { definition: before, after: def },
    subjectType: 'attribute', subjectName: `${def.scope}.${def.key}`, after: { definition: def }, summary: `${actor.name}: ${action} attribute "${def.scope}.${def.key}"`,
  });
  return def;
}

/** Removes a definition (admins; audited). Stored values stay on the documents, unshown, until it is defined again. */
export async function removeDefinition(m: Models, actor: AuditActor, scope: AttributeScope, key: string): Promise<void> {
  const before = await m.attributeDefinitions.remove(scope, key);
  if (!before) throw new CrmError('no such attribute', 404);
  await m.audit.record({
    action: 'attribute.remove', actor, subjectId: auditSubject(scope, key), before: { definition: before },
    subjectType: 'attribute', subjectName: `${scope}.${key}`, summary: `${actor.name}: attribute.remove attribute "${scope}.${key}"`,
  });
}

/** The definitions' audit trail entries of one attribute, newest first. */
export async function definitionAudit(m: Models, scope: AttributeScope, key: string) {
  return (await m.audit.ofSubject(auditSubject(scope, key))).map((e) => ({
    action: e.action, actor: e.actor ?? {}, at: e.at.toISOString(), before: e.before,
  }));
}

/** Checks values against the scope's definitions: what to set and clear, or a 422 naming each bad key and why. */
export async function checkedValues(m: Models, scope: AttributeScope, input: Record<string, unknown>): Promise<{ set: Record<string, AttributeValue>; unset: string[] }> {
  const checked = checkAttributeValues(await m.attributeDefinitions.ofScope(scope), input);
  if (!checked.ok) throw new CrmError(checked.errors.map((e) => `${e.key}: ${e.message}`).join('; '), 422, checked.errors);
  return checked;
}

/**
 * Sets a customer's attributes (null or '' clears one); the customer directory follows the write, and observers
 * (automation rules on `customer.attribute_changed`) are told which keys were written.
 */
export async function setCustomerAttributes(m: Models, customerId: string, input: Record<string, unknown>, events?: EventPublisher | null): Promise<Record<string, unknown>> {
  const { set, unset } = await checkedValues(m, 'customer', input);
  const doc = await m.customers.setAttributes(new Types.ObjectId(customerId), set, unset);
  if (!doc) throw new CrmError('customer not found', 404);
  events?.customerAttributesChanged(customerId, [...Object.keys(set), ...unset]);
  return doc.attributes ?? {};
}

/** Sets a conversation's attributes (null or '' clears one). */
export async function setConversationAttributes(m: Models, conversationId: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { set, unset } = await checkedValues(m, 'conversation', input);
  const doc = await m.conversations.setAttributes(conversationId, set, unset);
  if (!doc) throw new CrmError('conversation not found', 404);
  return doc.attributes ?? {};
}

/**
 * The web chat's signed attributes for a visitor: on the customer behind the visitor's identity, created now if the
 * signed-in user has not written yet (the host vouched for who they are).
 */
export async function applyWidgetAttributes(m: Models, visitorId: string, input: Record<string, unknown>, events?: EventPublisher | null): Promise<void> {
  const { customerId } = await resolveCustomer(m, 'webchat', visitorId, { verified: true });
  const keys = await applySignedAttributes(m, customerId, input);
  events?.customerAttributesChanged(String(customerId), keys);
}

/**
 * Attributes the host site signed into a web chat identity: only keys defined for customers and valid for their
 * type are kept (an unsigned or invalid value is never trusted, and one bad key does not drop the others).
 */
export async function applySignedAttributes(m: Models, customerId: Types.ObjectId, input: Record<string, unknown>): Promise<string[]> {
  const defs = await m.attributeDefinitions.ofScope('customer');
  const set: Record<string, AttributeValue> = {};
  for (const [key, raw] of Object.entries(input)) {
    const one = checkAttributeValues(defs, { [key]: raw });
    if (one.ok) Object.assign(set, one.set);
  }
  if (Object.keys(set).length) await m.customers.setAttributes(customerId, set);
  return Object.keys(set);
}
