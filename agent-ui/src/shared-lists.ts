import { useEffect, useState, type CSSProperties } from 'react';
import { api } from './api';
import { liveSocket } from './live';

export interface Canned { id: string; shortcut: string; title: string; text: string; language?: string }
export interface LabelInfo { name: string; colour: string | null; conversations: number }

/**
 * Lists every screen of the console shares and an admin may change at any time (canned responses for "/", label
 * colours): fetched once, fetched again when the hub says they changed (`settings:changed`, sent to every agent on
 * any node) or when this console changed them itself.
 */
function sharedList<T>(path: string, what: string) {
  let current: Promise<T[]> | undefined;
  const listeners = new Set<(items: T[]) => void>();
  const load = () => (current ??= api<T[]>(path).catch(() => []));
  const refresh = () => {
    current = undefined;
    void load().then((items) => listeners.forEach((l) => l(items)));
  };
  // The socket is made anew after a sign-out and sign-in: listen on the current one.
  let listeningOn: ReturnType<typeof liveSocket> | undefined;
  const listen = () => {
    const socket = liveSocket();
    if (listeningOn === socket) return;
    listeningOn = socket;
    socket.on('settings:changed', (p: { what?: string }) => { if (p?.what === what) refresh(); });
  };
  function useList(): T[] {
    const [items, setItems] = useState<T[]>([]);
    useEffect(() => {
      listen();
      listeners.add(setItems);
      void load().then(setItems);
      return () => void listeners.delete(setItems);
    }, []);
    return items;
  }
  return { useList, refresh };
}

export const cannedList = sharedList<Canned>('/canned', 'canned');
export const labelList = sharedList<LabelInfo>('/labels', 'labels');

/** A label's colour as chip styles (text stays readable on light and dark colours). */
export function labelStyle(colour: string | null | undefined): CSSProperties | undefined {
  if (!colour) return undefined;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  const light = 0.299 * r! + 0.587 * g! + 0.114 * b! > 150;
  return { background: colour, color: light ? '#111' : '#fff', borderColor: colour };
}
