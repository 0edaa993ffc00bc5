import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { liveSocket } from './live';

export type PresenceStatus = 'online' | 'away' | 'offline';
const IDLE_MS = 5 * 60_000;
const ACK_MS = 3000;
const CHOICE_KEY = 'kanal.presence';

/**
 * The agent's own presence. The hub side (routing) acknowledges `presence:set`; until a hub does, no ack comes
 * back and the control stays hidden. Idle for IDLE_MS -> away; activity brings an automatic away back online.
 */
export function Presence() {
  const { t } = useTranslation();
  // The agent's own choice survives a reload (an automatic away does not: it is not stored).
  const [status, setStatus] = useState<PresenceStatus>(() => (localStorage.getItem(CHOICE_KEY) as PresenceStatus | null) ?? 'online');
  const [supported, setSupported] = useState(false);
  const autoAway = useRef(false);
  const current = useRef(status);
  current.current = status;

  const send = (next: PresenceStatus) => {
    liveSocket().timeout(ACK_MS).emit('presence:set', { presence: next }, (err: Error | null, res?: { error?: string }) => {
      if (err || res?.error) return; // no presence backend (yet): keep quiet
      setSupported(true);
      setStatus(next);
    });
  };

  useEffect(() => {
    const socket = liveSocket();
    const announce = () => send(autoAway.current ? 'away' : current.current);
    // Once per connection: at once if already connected, else on connect (an emit now would be buffered and doubled).
    if (socket.connected) announce();
    socket.on('connect', announce);
    let timer = setTimeout(idle, IDLE_MS);
    function idle() {
      if (current.current !== 'online') return;
      autoAway.current = true;
      send('away');
    }
    const active = () => {
      clearTimeout(timer);
      timer = setTimeout(idle, IDLE_MS);
      if (autoAway.current) {
        autoAway.current = false;
        send('online');
      }
    };
    for (const ev of ['keydown', 'pointerdown', 'pointermove'] as const) addEventListener(ev, active, { passive: true });
    return () => {
      clearTimeout(timer);
      socket.off('connect', announce);
      for (const ev of ['keydown', 'pointerdown', 'pointermove'] as const) removeEventListener(ev, active);
    };
  }, []);

  if (!supported) return null;
  return (
    <label className="presence">
      <span className={`dot-status ${status}`} aria-hidden="true" />
      <span className="sr-only">{t('presence')}</span>
      <select value={status} onChange={(e) => { autoAway.current = false; localStorage.setItem(CHOICE_KEY, e.target.value); send(e.target.value as PresenceStatus); }}>
        {(['online', 'away', 'offline'] as const).map((s) => <option key={s} value={s}>{t(`presence_${s}`)}</option>)}
      </select>
    </label>
  );
}

/** `agent:presence` as the hub broadcasts it (branch routing: src/realtime presence handler). */
export interface PresenceEvent { agentId: string; presence: PresenceStatus; since: string }

/** Other agents' presence as the hub announces it (`agent:presence`), newest per agent. */
export function usePresenceOfOthers(onChange?: (p: PresenceEvent) => void): Record<string, { presence: PresenceStatus; since: string }> {
  const [map, setMap] = useState<Record<string, { presence: PresenceStatus; since: string }>>({});
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const socket = liveSocket();
    const on = (p: PresenceEvent) => {
      setMap((m) => ({ ...m, [p.agentId]: { presence: p.presence, since: p.since } }));
      latest.current?.(p);
    };
    socket.on('agent:presence', on);
    return () => void socket.off('agent:presence', on);
  }, []);
  return map;
}
