import type { Logger } from 'pino';
import { channelDescriptors, contactFieldOf, kindsWithContact } from '../../domain/channels';
import type { Models, StoredIdentity } from '../../store';
import { audit } from '../audit';
import { indexCustomer } from '../search/search-index';

const DONE = 'prechatEmailsDemoted';
/** Who the audit log names for these changes. */
const CLAIMS_MIGRATION_ACTOR = { id: 'migration', name: 'Kanal' };

/**
 * Before claims existed (src/services/identity/claims.ts), an email a web chat visitor typed became an identity of
 * the visitor's customer: anyone could have pre-claimed someone else's address that way. One pass, once per store,
 * turns each such identity back into what it should have been, a claim (`unverifiedEmail`), so the owner's next
 * mail makes or finds the owner's customer. An identity is taken for one of those when it is an unverified email
 * identity added to a customer known before only by addresses that are no contact (a visitor id), and that customer
 * never received mail at all: an address that wrote is kept (and if the owner's mail already landed in a visitor's customer, that
 * needs an agent's split: docs/operations.md, "Pre-chat emails"). Every change is audited. Returns the number changed.
 */
export async function demotePrechatEmailsOnce(m: Models, logger: Logger): Promise<number> {
  if (await m.settings.get(DONE)) return 0;
  let changed = 0;
  for (const kind of kindsWithContact('email')) {
    const channels = channelDescriptors().filter((d) => d.identity.kind === kind).map((d) => d.name);
    await m.identities.eachUnverified(kind, 200, async (batch) => {
      for (const identity of batch) if (await demoteIfPrechat(m, identity, channels)) changed++;
    });
  }
  await m.settings.set(DONE, new Date().toISOString());
  if (changed) logger.info({ identities: changed }, 'pre-chat emails linked before claims existed are claims now');
  return changed;
}

async function demoteIfPrechat(m: Models, identity: StoredIdentity, emailChannels: string[]): Promise<boolean> {
  const { customerId } = identity;
  const siblings = await m.identities.ofCustomer(customerId);
  const at = identity.createdAt?.getTime() ?? 0;
  // Known before only by addresses that are no contact (a web chat visitor id): the email came later, typed in a chat.
  // A customer known first by email or phone got it from a mail or a CSV import (which matches by email or phone).
  const before = siblings.filter((s) => !s._id.equals(identity._id) && (s.createdAt?.getTime() ?? 0) <= at);
  if (!before.length || before.some((s) => contactFieldOf(s.kind) !== undefined)) return false;
  for (const channel of emailChannels) if (await m.messages.hasInbound(customerId, channel)) return false;
  if (!(await m.identities.removeOfCustomerById(identity._id, customerId))) return false;
  const customer = await m.customers.clearEmailIf(customerId, identity.address);
  await m.customers.setUnverifiedEmail(customerId, identity.address);
  await indexCustomer(m, customerId);
  await audit(m, CLAIMS_MIGRATION_ACTOR, 'customer.claim_demoted', { type: 'customer', id: customerId, name: customer?.name ?? '' },
    { identity: identity.address }, { unverifiedEmail: identity.address });
  return true;
}
