import { identityKindOf, type Channel } from '../../domain/channels';
import type { Models } from '../../store';
import { identityId } from '../identity/identity';
import { recordClaimedAddress } from '../identity/claims';

/**
 * A visitor who wrote while nobody could answer leaves an email to be answered at. Anyone can type any address, so
 * it is stored as the customer's unverified email (a claim the console shows, with a merge suggestion when another
 * customer owns it; src/services/identity/claims.ts), never as an identity replies would go to unasked.
 * 'no_customer': the visitor has not written yet (their first message makes the customer).
 */
export async function leaveVisitorEmail(m: Models, channel: Channel, visitorId: string, email: string): Promise<'stored' | 'no_customer'> {
  const identity = await m.identities.byId(identityId(identityKindOf(channel), visitorId));
  if (!identity) return 'no_customer';
  await recordClaimedAddress(m, identity.customerId, { channel: 'email', address: email, verified: false });
  return 'stored';
}
