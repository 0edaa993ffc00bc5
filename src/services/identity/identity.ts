import { Types } from 'mongoose';
import { contactFieldOf, identityKindOf, normalizeAddress } from '../../domain/channels';
import { idForKey, isDuplicateKey, type StoredCustomer, type Models } from '../../store';
import type { IdentityKind } from '../../store/identities';
import { indexCustomer, indexNewCustomer } from '../search/search-index';
import type { VisitorProfile } from '../../domain/visitor';

export { identityKindOf, normalizeAddress };

/** The identity document's _id is derived from (kind, address): lookups and the upsert race both go by _id. */
export const identityId = (kind: IdentityKind, address: string) => idForKey('identity', `${kind}:${normalizeAddress(kind, address)}`);


/**
 * Finds the customer behind an address, creating both if new. Race-safe without transactions: the identity is
 * upserted with a fresh customer id; whoever wins the upsert decides the id, and the customer document is then
 * upserted by that id (idempotent, so a crash between the two writes heals itself on the retry).
 */
export async function resolveCustomer(
  m: Models,
  kind: IdentityKind,
  rawAddress: string,
  profile: { name?: string; verified?: boolean; language?: string; visitor?: VisitorProfile } = {},
): Promise<{ customerId: Types.ObjectId; created: boolean; customer: StoredCustomer | null }> {
  const address = normalizeAddress(kind, rawAddress);
  const _id = identityId(kind, address);
  // Most messages come from known customers: plain reads then, and upserts (serialized writes on FerretDB's
  // SQLite, findAndModify costing tens of ms under load) only for a first contact.
  let identity = await m.identities.byId(_id);
  let created = false;
  if (!identity) {
    const candidate = new Types.ObjectId();
    try {
      identity = await m.identities.createIfAbsent(_id, { kind, address, customerId: candidate, verified: profile.verified ?? false });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      identity = await m.identities.byId(_id); // lost the race: the winner's row is there now
    }
    if (!identity) throw new Error(`identity ${kind}:${address} vanished`);
    created = candidate.equals(identity.customerId);
  }
  const customerId = identity.customerId;
  const now = new Date();
  let customer = created ? null : await m.customers.byId(customerId);
  if (!customer) {
    // New, or the customer write of an earlier attempt never happened (crash between the two writes): upsert.
    const field = contactFieldOf(kind);
    const contact = field ? { [field]: address } : {};
    // Searchable before it exists: a failure here leaves no customer, so a retry comes back this way (search-index.ts).
    await indexNewCustomer(m, customerId, { name: profile.name, kind, address }, now);
    try {
      customer = await m.customers.createIfAbsent(customerId, { name: profile.name, language: profile.language, ...contact, ...(profile.visitor ? { visitor: profile.visitor } : {}) }, now);
    } catch (err) {
      // Two first messages raced on the same new customer id: the other insert won, so now it is a plain read.
      if (!isDuplicateKey(err)) throw err;
      customer = await m.customers.byId(customerId);
    }
  } else if (!customer.lastSeenAt || now.getTime() - new Date(customer.lastSeenAt).getTime() > LAST_SEEN_PRECISION_MS) {
    await m.customers.touchLastSeen(customerId, now);
  }
  return { customerId, created, customer };
}

/** lastSeenAt is kept to the minute: writing it on every message would double the writes of a busy chat. */
const LAST_SEEN_PRECISION_MS = 60_000;

/**
 * Links another address (e.g. the email a web chat visitor typed) to a customer. An address that already belongs
 * to someone else is left alone: merging two customers is an explicit agent action, never a side effect of input.
 */
export async function linkIdentity(
  m: Models,
  customerId: Types.ObjectId,
  kind: IdentityKind,
  rawAddress: string,
  verified = false,
): Promise<boolean> {
  const address = normalizeAddress(kind, rawAddress);
  const _id = identityId(kind, address);
  if (await m.identities.exists(_id)) return false; // the usual case: linked by an earlier message
  try {
    const inserted = await m.identities.insertIfAbsent(_id, { kind, address, customerId, verified });
    if (inserted && contactFieldOf(kind) === 'email') await m.customers.setEmailIfAbsent(customerId, address);
    if (inserted) await indexCustomer(m, customerId); // findable by the new address
    return inserted;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
