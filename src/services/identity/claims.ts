import type { Types } from 'mongoose';
import type { Channel } from '../../domain/channels';
import type { Models } from '../../store';
import { indexCustomer } from '../search/search-index';
import { contactFieldOf, kindsWithContact } from '../../domain/channels';
import { identityId, identityKindOf, linkIdentity, normalizeAddress } from './identity';

/**
 * Addresses a sender gave along with a message (a web chat visitor's pre-chat email). Only a proven one becomes an
 * identity of the sender's customer: an identity decides where later messages from that address land and which
 * channels agents reply on, so an address anyone could type (someone else's) must never become one. An unproven
 * email stays a claim on the customer, shown to agents with a merge suggestion when another customer owns it.
 */
export interface ClaimedAddress {
  channel: Channel;
  address: string;
  /** Proven by the channel: a host-signed widget email (strict identity mode, emailHash). */
  verified?: boolean;
}

/** Links a proven address, or records an unproven email as the customer's claim. Idempotent. */
export async function recordClaimedAddress(m: Models, customerId: Types.ObjectId, claim: ClaimedAddress): Promise<void> {
  const kind = identityKindOf(claim.channel);
  if (claim.verified) {
    await linkIdentity(m, customerId, kind, claim.address, true);
    return;
  }
  // Only an email is kept (the only kind a form asks for); other unproven addresses are not kept at all.
  if (contactFieldOf(kind) !== 'email') return;
  const address = normalizeAddress(kind, claim.address);
  // Already this customer's own (proven) address: nothing to claim.
  if ((await m.identities.byId(identityId(kind, address)))?.customerId.equals(customerId)) return;
  if (await m.customers.setUnverifiedEmail(customerId, address)) await indexCustomer(m, customerId);
}

/** The identity kind of email addresses (the email channel's). */
const emailKind = () => kindsWithContact('email')[0] ?? 'email';

/** What the console shows beside a customer whose claimed email belongs to another customer. */
export interface MergeSuggestion {
  reason: 'unverified_email';
  /** The address this customer claimed. */
  address: string;
  /** The customer whose identity that address is (the one to merge with, if an agent confirms it is one person). */
  customerId: string;
  name?: string;
}

/**
 * Suggestions for one customer, found when asked (one `_id` read of the address's identity, one of its customer),
 * so a claim made before or after the owner first wrote both show up, and a merge makes them disappear.
 */
export async function mergeSuggestionsFor(m: Models, customer: { _id: Types.ObjectId; unverifiedEmail?: string | null }): Promise<MergeSuggestion[]> {
  const address = customer.unverifiedEmail;
  if (!address) return [];
  const owner = await m.identities.byId(identityId(emailKind(), address));
  if (!owner || owner.customerId.equals(customer._id)) return [];
  const other = await m.customers.byId(owner.customerId, ['name', 'mergedInto']);
  if (!other || other.mergedInto) return [];
  return [{ reason: 'unverified_email', address, customerId: String(other._id), ...(other.name ? { name: other.name } : {}) }];
}

/** The key a worker remembers a recorded claim by, so a chatting visitor costs no write per message. */
export const claimKey = (customerId: Types.ObjectId, claim: ClaimedAddress) =>
  claim.verified
    ? String(identityId(identityKindOf(claim.channel), claim.address))
    : `claim:${String(customerId)}:${normalizeAddress(identityKindOf(claim.channel), claim.address)}`;
