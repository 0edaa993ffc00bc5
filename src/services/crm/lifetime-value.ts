import type { Money } from '../../domain/attributes';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import { CrmError } from './errors';

/**
 * Lifetime value (issue 14, "Customer health and lifetime view"): which customer attribute of the currency type holds
 * a customer's lifetime value, chosen by an admin (or null: none shown). The amounts themselves are ordinary
 * attribute values (set by CSV import, the API, the sidebar or the widget's signed identity), so segment conditions
 * (`<key>>=1000`) and the directory's sort (`attr:<key>`) already serve them from the directory index.
 */
const SETTING = 'customerValueAttribute';

/** The attribute key in effect, if it still names a customer currency attribute (one removed later means none). */
export async function lifetimeValueAttribute(m: Models): Promise<{ key: string; label: string; currency: string } | null> {
  const key = await m.settings.get(SETTING);
  if (typeof key !== 'string') return null;
  const def = (await m.attributeDefinitions.ofScope('customer')).find((d) => d.key === key && d.type === 'currency');
  return def ? { key: def.key, label: def.label, currency: def.currency ?? '' } : null;
}

/** An admin chooses the attribute (audited); a key that is not a customer currency attribute is a 400. */
export async function setLifetimeValueAttribute(m: Models, actor: AuditActor, key: string | null) {
  if (key !== null) {
    const def = (await m.attributeDefinitions.ofScope('customer')).find((d) => d.key === key);
    if (!def) throw new CrmError(`no such customer attribute: ${key}`);
    if (def.type !== 'currency') throw new CrmError(`${key} is ${def.type}: lifetime value needs a currency attribute`);
  }
  const before = await m.settings.get(SETTING);
  await m.settings.set(SETTING, key);
  await audit(m, actor, 'settings.customer_value_changed', { type: 'settings', id: null, name: 'lifetime value' }, { attribute: before ?? null }, { attribute: key });
  return lifetimeValueAttribute(m);
}

/** The customer's lifetime value with its currency (null: no attribute chosen, or no amount on this customer). */
export function lifetimeValueOf(attributes: Record<string, unknown> | null | undefined, attr: { key: string; currency: string } | null): Money | null {
  const v = attr ? attributes?.[attr.key] : undefined;
  if (v && typeof v === 'object' && typeof (v as Money).amount === 'number') return { amount: (v as Money).amount, currency: (v as Money).currency || attr!.currency };
  return null;
}
