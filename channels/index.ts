import { registerChannels } from '../src/domain/channels';
import type { ChannelModule } from './types';
import { email } from './email';
import { sms } from './sms';
import { telegram } from './telegram';
import { webchat } from './webchat';
import { whatsapp } from './whatsapp';

/**
 * The one registry to edit when a channel is added (docs/channels.md): every list of channels elsewhere (domain
 * validation, identity kinds, config, API schemas, the console's channel list) is derived from it. The order is the
 * console's order.
 */
const modules = [webchat, email, sms, whatsapp, telegram] as const satisfies readonly ChannelModule[];

export const channelModules: readonly ChannelModule[] = modules;
registerChannels(channelModules);

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ConfigShapeOf<M> = M extends { config: infer S } ? S : unknown;

/** Every channel's settings, composed into the root config schema (src/config). */
export const channelConfigShape = Object.assign({}, ...modules.map((m) => ('config' in m ? m.config : {}))) as UnionToIntersection<ConfigShapeOf<(typeof modules)[number]>>;
