import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { api } from './api';
import type { Channel } from './types';

/** One row of `GET /api/customers/:id/channels`: the hub decides availability (Twilio set up, WhatsApp window). */
export interface ChannelOption {
  channel: Channel;
  address: string;
  available: boolean;
  reason?: string;
  official: boolean;
  route?: 'twilio' | 'wwebjs';
  windowClosesAt?: string | null;
}

/**
 * The customer's reply channels as the hub sees them. Refetched when `refreshKey` changes (a new WhatsApp message
 * reopens the 24-hour window). `undefined` while loading, 'failed' when the hub cannot answer.
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

/** The hub's reasons are English sentences (src/services/delivery/wa-window.ts); show the known ones in the agent's language. */
export function reasonText(reason: string, t: TFunction): string {
  if (/24-hour WhatsApp window/.test(reason)) return t('whatsappWindow');
  if (/Twilio is not configured/.test(reason)) return t('twilioNotConfigured');
  return reason;
}
