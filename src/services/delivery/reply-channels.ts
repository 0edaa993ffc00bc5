import { Types } from 'mongoose';
import {
  channelDescriptor, channelDescriptors, type Channel, type OutboundPreparation, type ReplyAvailability, type ReplyContext, type UnavailableReason,
} from '../../domain/channels';
import type { Models, StoredConversation } from '../../store';

/**
 * The core side of each channel's reply rules (ChannelDescriptor.replyAvailability / prepareOutbound): it answers
 * the channel's questions from the store, and never knows which channel asks.
 */
function replyContext(m: Models, channel: Channel, customerId: Types.ObjectId | string, address: string, settings: Readonly<Record<string, unknown>>, now: Date): ReplyContext {
  return {
    address, settings, now,
    lastInboundSince: async (since) => (await m.messages.lastInboundAfter(new Types.ObjectId(customerId), channel, since))?.createdAt ?? null,
  };
}

/** One row of GET /customers/:id/channels: the channel's facts (route, window, templates) are spread in. */
export interface ChannelOption extends Record<string, unknown> {
  channel: Channel;
  address: string;
  available: boolean;
  /** Why not, in English (logs, API clients); `reasonText` has it in every console language. */
  reason?: string;
  reasonText?: UnavailableReason;
  /** False for an unofficial route (whatsapp-web.js) the console labels as such. */
  official: boolean;
}

const toOption = (channel: Channel, address: string, a: ReplyAvailability): ChannelOption => ({
  ...a.details, channel, address, available: a.available, official: a.official ?? true,
  ...(a.reason ? { reason: a.reason.en, reasonText: a.reason } : {}),
});

/** The channels an agent can reply on for this customer (one per channel it has an address on), and why not now. */
export async function customerChannels(
  m: Models, customerId: Types.ObjectId | string, settings: Readonly<Record<string, unknown>>, now = new Date(),
): Promise<ChannelOption[] | null> {
  if (!(await m.customers.exists(customerId))) return null;
  const identities = await m.identities.preferredOf(customerId);
  const out: ChannelOption[] = [];
  for (const d of channelDescriptors()) {
    const address = identities.find((i) => i.kind === d.identity.kind)?.address;
    if (!address) continue;
    out.push(toOption(d.name, address, await replyAvailabilityOf(m, d.name, customerId, address, settings, now)));
  }
  return out;
}

/** Whether a reply on the channel can go out now for this customer address (the channel's own rule). */
export async function replyAvailabilityOf(
  m: Models, channel: Channel, customerId: Types.ObjectId | string, address: string, settings: Readonly<Record<string, unknown>>, now = new Date(),
): Promise<ReplyAvailability> {
  const d = channelDescriptor(channel);
  return d.replyAvailability ? d.replyAvailability(replyContext(m, channel, customerId, address, settings, now)) : { available: true };
}

/** The channel's additions to an outbound message (email threading, a template's hints), or its refusal. */
export async function prepareOutbound(
  m: Models, channel: Channel, conversation: StoredConversation, input: { address: string; settings?: Readonly<Record<string, unknown>>; hints?: Record<string, string>; now?: Date },
): Promise<OutboundPreparation> {
  const d = channelDescriptor(channel);
  if (!d.prepareOutbound) return { threadHints: input.hints };
  const base = replyContext(m, channel, conversation.customerId, input.address, input.settings ?? {}, input.now ?? new Date());
  return d.prepareOutbound({
    ...base, hints: input.hints,
    async lastInboundInConversation() {
      const customer = await m.customers.byId(conversation.customerId, ['threadWeeks']);
      const last = await m.messages.lastInboundIn(conversation, channel, customer?.threadWeeks === true);
      return last ? { subject: last.subject ?? undefined, email: (last.email ?? undefined) as { messageId?: string; references?: string[] } | undefined } : null;
    },
  });
}
