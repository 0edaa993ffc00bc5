import type { TFunction } from 'i18next';
import type { Me, Settings, UiMessage } from './types';

// Desktop notification and a short tone for a new customer message, only while the tab is hidden and only for
// conversations that are the agent's own or nobody's.
const assignees = new Map<string, string | null>();

/** Remembers who each conversation is assigned to (fed by the conversation events the console receives). */
export const rememberAssignee = (conversationId: string, assigneeId: string | null | undefined) => assignees.set(conversationId, assigneeId ?? null);

function tone(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.3);
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio device: the notification alone must do */
  }
}

export function notifyNewMessage(m: UiMessage, me: Me, settings: Settings, t: TFunction): void {
  if (document.visibilityState !== 'hidden') return;
  const assignee = assignees.get(m.conversationId);
  if (assignee && assignee !== me.id) return;
  if (settings.sound) tone();
  if (!('Notification' in window)) return;
  const show = () => new Notification(t('newMessageFrom', { name: m.author.name ?? t('customer') }), { body: m.text.slice(0, 140), tag: m.conversationId });
  if (Notification.permission === 'granted') show();
  else if (Notification.permission === 'default') void Notification.requestPermission().then((p) => p === 'granted' && show());
}
