import type { Channel } from '../src/domain/channels';
import type { ChannelModule } from './types';
import { webchat } from './webchat';

/** The one registry to edit when a channel is added. */
export const channelModules: Partial<Record<Channel, ChannelModule>> = {
  webchat,
};
