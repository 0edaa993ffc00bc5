import type { Channel } from '../src/domain/channels';
import type { ChannelModule } from './types';
import { email } from './email';
import { sms } from './sms';
import { webchat } from './webchat';
import { whatsapp } from './whatsapp';

/** The one registry to edit when a channel is added. */
export const channelModules: Partial<Record<Channel, ChannelModule>> = {
  webchat,
  email,
  sms,
  whatsapp,
};
