import { useEffect, useState } from 'react';
import { api } from './api';
import type { Channel } from './types';

/** One row of `GET /api/customers/:id/channels`: the hub decides availability (Twilio set up, WhatsApp window). */
export interface ChannelOption {
  channel: Channel;
  address: string;
  available: boolean;
  reason?: string;
  /** The reason in every console language (the channel's own words, from the hub's registry). */
  reasonText?: { code: string; tr: string; en: string };
  official: boolean;
  route?: 'twilio' | 'wwebjs';
  windowClosesAt?: string | null;
}

/**
 * The customer's reply channels as the hub sees them. Refetched when `refreshKey` changes (a new customer message
 * may make a channel available again: the WhatsApp window). `undefined` while loading, 'failed' when the hub cannot answer.
 */
export function useChannelOptions(customerId: string | undefined, refreshKey?: string): ChannelOption[] | 'failed' | undefined {
  const [options, setOptions] = useState<ChannelOption[] | 'failed' | undefined>(undefined);
  useEffect(() => {
    if (!customerId) return setOptions(undefined);
    let live = true;
    api<ChannelOption[]>(`/customers/${customerId}/channels`).then((o) => live && setOptions(o), () => live && setOptions('failed'));
    return () => void (live = false);
  }, [customerId, refreshKey]);
  return options;
}

/** Why a channel cannot take a reply now, in the agent's language (the hub's English sentence otherwise). */
export function reasonText(option: ChannelOption, language: string): string {
  const localized = option.reasonText;
  return (localized ? (language.startsWith('tr') ? localized.tr : localized.en) : option.reason) ?? '';
}
