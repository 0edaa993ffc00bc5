import { useTranslation } from 'react-i18next';
import type { ConversationView } from './types';

const SOON_MS = 30 * 60_000;

/** Inbox row badge: "SLA breached", or the next due time when it is within 30 minutes; nothing otherwise. */
export function SlaBadge({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  const sla = conversation.sla;
  if (!sla) return null;
  const dues = [sla.firstResponseDueAt, sla.nextResponseDueAt, sla.resolutionDueAt].filter((d): d is string => Boolean(d)).map((d) => new Date(d).getTime());
  const next = dues.length ? Math.min(...dues) : undefined;
  const now = Date.now();
  if (sla.breaches.length || (!sla.paused && next !== undefined && next <= now)) return <span className="label danger sla-badge">{t('slaBreachedBadge')}</span>;
  if (!sla.paused && next !== undefined && next - now < SOON_MS) {
    const at = new Date(next).toLocaleTimeString(t('locale'), { hour: '2-digit', minute: '2-digit' });
    return <span className="label warn sla-badge">{t('slaDue', { time: at })}</span>;
  }
  return null;
}
