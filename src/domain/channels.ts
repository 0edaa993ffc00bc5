// What the core knows about channels. The list itself lives in one place, channels/index.ts (the registry), which
// registers every channel module here when it is loaded; the core reads names, identity kinds, labels and the
// channel's own rules from here and never names a channel itself (docs/channels.md).

/** A channel's name as the registry declares it ('webchat', 'email', 'telegram' ...). */
export type Channel = string;

/** Text shown to people, in every console language. */
export interface LocalizedText {
  tr: string;
  en: string;
}

/** Why a reply cannot go out on a channel now: a stable code, and the reason in every console language. */
export interface UnavailableReason extends LocalizedText {
  code: string;
}

/**
 * The code of every "this hub cannot send on the channel at all" reason (its settings are missing): the reply API
 * refuses such a reply before storing it, whatever the channel. Other reasons (a closed window) are the channel's own.
 */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';

/** Whether a reply on this channel can be delivered now, with the channel's own facts for the console. */
export interface ReplyAvailability {
  available: boolean;
  reason?: UnavailableReason;
  /** False for an unofficial route (whatsapp-web.js) the console labels as such. */
  official?: boolean;
  /** Channel facts the console may show (WhatsApp: route, windowClosesAt, templates). */
  details?: Record<string, unknown>;
}

/** What a channel's rules may ask about one customer and reply; the core answers from the store. */
export interface ReplyContext {
  /** The customer's address on this channel (normalized identity address). */
  address: string;
  /** The validated configuration (the channel reads its own keys, see ChannelModule.config). */
  settings: Readonly<Record<string, unknown>>;
  now: Date;
  /** When the customer last wrote on this channel since `since`; null when not since then. */
  lastInboundSince(since: Date): Promise<Date | null>;
}

export interface OutboundContext extends ReplyContext {
  /** The agent's or template's channel data (a WhatsApp template's contentSid). */
  hints?: Record<string, string>;
  /** The customer's last stored inbound message on this channel in the conversation (email threading). */
  lastInboundInConversation(): Promise<{ subject?: string; email?: { messageId?: string; references?: string[] } } | null>;
}

/** What the channel adds to an outbound message, or why it refuses it before it is stored (HTTP 422). */
export type OutboundPreparation = { threadHints?: Record<string, string> } | { refused: UnavailableReason };

/**
 * How the customer's address on this channel becomes an identity. Channels that share a kind share identities
 * (SMS and WhatsApp: one E.164 number, one customer).
 */
export interface IdentitySpec {
  kind: string;
  /** The customer contact field an address of this kind fills when the customer is created. */
  contact?: 'email' | 'phone';
  /** Addresses of this kind compare equal after this (email: lowercase). Default: trimmed. */
  normalize?(address: string): string;
}

/** The console's presentation of a channel: its name in every language and its badge colours. */
export interface ChannelPresentation {
  label: LocalizedText;
  /** CSS colours of the channel's badge: text and background. */
  colour: string;
  background: string;
}

/** The part of a channel module the core uses (channels/types.ts adds ingress, adapter, config, setup). */
export interface ChannelDescriptor {
  readonly name: Channel;
  readonly identity: IdentitySpec;
  readonly presentation: ChannelPresentation;
  /** Can a reply go out on this channel now (Twilio configured, WhatsApp window)? Default: available. */
  replyAvailability?(ctx: ReplyContext): ReplyAvailability | Promise<ReplyAvailability>;
  /** Adds channel data to an agent's or automatic reply before it is stored, or refuses it. */
  prepareOutbound?(ctx: OutboundContext): OutboundPreparation | Promise<OutboundPreparation>;
  /** When set, agent typing is relayed to the customer's live session (web chat). */
  readonly liveTyping?: boolean;
}

/** The shape of a channel name (and identity kind): what the store checks without knowing the registry. */
export const CHANNEL_NAME = /^[a-z][a-z0-9-]{1,31}$/;

const registry = new Map<Channel, ChannelDescriptor>();

/** Called by channels/index.ts with every channel module, in the console's order. */
export function registerChannels(descriptors: readonly ChannelDescriptor[]): void {
  registry.clear();
  for (const d of descriptors) {
    if (!CHANNEL_NAME.test(d.name)) throw new Error(`channel name ${JSON.stringify(d.name)}: lowercase letters, digits and -`);
    if (registry.has(d.name)) throw new Error(`channel ${d.name} registered twice`);
    registry.set(d.name, d);
  }
}

export class UnknownChannelError extends Error {
  constructor(readonly channel: string) {
    super(registry.size === 0
      ? `channel ${JSON.stringify(channel)}: no channel is registered (the process must import channels/index.ts)`
      : `unknown channel ${JSON.stringify(channel)}; registered: ${[...registry.keys()].join(', ')}`);
    this.name = 'UnknownChannelError';
  }
}

export const channelNames = (): Channel[] => [...registry.keys()];
export const channelDescriptors = (): ChannelDescriptor[] => [...registry.values()];
export const isChannel = (name: unknown): name is Channel => typeof name === 'string' && registry.has(name);

export function channelDescriptor(name: Channel): ChannelDescriptor {
  const d = registry.get(name);
  if (!d) throw new UnknownChannelError(name);
  return d;
}

/** The identity kinds of the registered channels (several channels may share one). */
export const identityKinds = (): string[] => [...new Set(channelDescriptors().map((d) => d.identity.kind))];

export const identityKindOf = (channel: Channel): string => channelDescriptor(channel).identity.kind;

/** The spec of an identity kind: the first registered channel of that kind declares it. */
function identitySpecOf(kind: string): IdentitySpec | undefined {
  return channelDescriptors().find((d) => d.identity.kind === kind)?.identity;
}

export function normalizeAddress(kind: string, address: string): string {
  const spec = identitySpecOf(kind);
  return spec?.normalize ? spec.normalize(address.trim()) : address.trim();
}

/** The customer contact field ('email' | 'phone') an address of this kind fills, if any. */
export const contactFieldOf = (kind: string): 'email' | 'phone' | undefined => identitySpecOf(kind)?.contact;

/** Identity kinds whose addresses fill a contact field (search indexes them as emails or phone numbers). */
export const kindsWithContact = (field: 'email' | 'phone'): string[] => identityKinds().filter((k) => contactFieldOf(k) === field);

/** A web chat-like channel whose live session receives agent typing. */
export const liveTypingChannels = (): Channel[] => channelDescriptors().filter((d) => d.liveTyping).map((d) => d.name);

/** Where notes, events and metric facts of a conversation no customer has written in yet are filed: the first channel. */
export function fallbackChannel(): Channel {
  const first = channelNames()[0];
  if (!first) throw new UnknownChannelError('(none)');
  return first;
}
