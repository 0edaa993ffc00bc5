import { useEffect, useState } from 'react';
import { api } from './api';
import i18n from './i18n';
import type { Channel } from './types';

/** One row of `GET /api/channels`: the hub's channel registry, in console order. */
export interface ChannelInfo {
  name: Channel;
  label: { tr: string; en: string };
  colour: string;
  background: string;
  /** Channels of one kind share the customer's address (SMS and WhatsApp: the phone number). */
  identityKind: string;
}

let loading: Promise<ChannelInfo[]> | undefined;

/**
 * The channel list, fetched once per console: each channel's label becomes the `channel_<name>` translation and its
 * colours the `.ch-<name>` badge style, so a channel added on the hub needs nothing in the console.
 */
export function loadChannels(): Promise<ChannelInfo[]> {
  loading ??= api<ChannelInfo[]>('/channels').then(present, (err: unknown) => {
    loading = undefined; // asked again by the next component that needs it
    throw err;
  });
  return loading;
}

const cssColour = (v: string) => (/^#[0-9a-fA-F]{3,8}$/.test(v) ? v : 'inherit');

function present(list: ChannelInfo[]): ChannelInfo[] {
  for (const c of list) {
    i18n.addResource('tr', 'translation', `channel_${c.name}`, c.label.tr);
    i18n.addResource('en', 'translation', `channel_${c.name}`, c.label.en);
  }
  const style = document.getElementById('channel-colours') ?? document.head.appendChild(Object.assign(document.createElement('style'), { id: 'channel-colours' }));
  style.textContent = list.filter((c) => /^[a-z][a-z0-9-]*$/.test(c.name))
    .map((c) => `.ch-${c.name} { background: ${cssColour(c.background)}; color: ${cssColour(c.colour)}; }`).join('\n');
  return list;
}

/** The registered channels ([] until the hub has answered). */
export function useChannels(): ChannelInfo[] {
  const [channels, setChannels] = useState<ChannelInfo[]>([]);
  useEffect(() => {
    let live = true;
    loadChannels().then((list) => live && setChannels(list), () => {});
    return () => void (live = false);
  }, []);
  return channels;
}
