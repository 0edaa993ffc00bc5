import type { ChannelModule } from '../types';

// Placeholder replaced by the web chat channel work.
export const webchat: ChannelModule = {
  createAdapter: () => ({
    channel: 'webchat',
    async send() {
      throw new Error('web chat adapter not implemented');
    },
  }),
};
