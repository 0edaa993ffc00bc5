import { useTranslation } from 'react-i18next';
import { ChannelBadge } from './ChannelBadge';
import { customerLabel } from './list-order';
import { labelList, labelStyle } from './shared-lists';
import { SlaBadge } from './SlaBadge';
import { duration, unitsOf } from './time';
import type { ConversationView } from './types';

/** Priority names of the console's four levels (Actions.tsx); other values set through the API show as numbers. */
const LEVEL: Record<number, string> = { [-10]: 'low', 10: 'high', 20: 'urgent' };
const SHOWN_LABELS = 2;
const waitText = (ms: number, t: (k: string) => string) => (ms < 60_000 ? t('underAMinute') : duration(ms, unitsOf(t)));

/**
 * One conversation in the list, two lines: who (priority marker, name) and how long they have waited (or when it
 * last moved); then the channel, the last message, the first two labels (+n) and the SLA state. `now` ticks in
 * the list, so every row's wait is live with one timer.
 */
export function InboxRowBody({ c, now, unread }: { c: ConversationView; now: number; unread: boolean }) {
  const { t, i18n } = useTranslation();
  const known = labelList.useList();
  const labels = c.labels ?? [];
  const level = LEVEL[c.priority] ?? (c.priority > 20 ? 'urgent' : c.priority > 0 ? 'high' : c.priority < 0 ? 'low' : undefined);
  const waiting = c.waitingSince && c.status !== 'resolved' ? now - new Date(c.waitingSince).getTime() : null;
  const at = new Date(c.lastActivityAt);
  const today = at.toDateString() === new Date(now).toDateString();
  const when = at.toLocaleString(t('locale'), today ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' });
  const rest = labels.slice(SHOWN_LABELS);
  return (
    <>
      <div className="line1">
        {unread && <span className="dot" aria-label={t('unread')} />}
        {level && level !== 'normal' && (
          <span className={`prio prio-${level}`} data-priority={level} role="img" aria-label={t(`priority_${level}`)} title={t(`priority_${level}`)} />
        )}
        <span className="name">{customerLabel(c, i18n.language, t)}</span>
        {waiting !== null ? (
          // Whole minutes: the list ticks every 15 s, so seconds would always be stale.
          <span className="wait" title={t('waitingFor', { time: waitText(waiting, t) })}>{waitText(waiting, t)}</span>
        ) : (
          <time dateTime={c.lastActivityAt}>{when}</time>
        )}
      </div>
      <div className="line2">
        {c.lastInboundChannel && <ChannelBadge channel={c.lastInboundChannel} />}
        <span className="preview">{c.lastMessagePreview ?? ''}</span>
        {labels.length > 0 && (
          <span className="row-labels">
            {labels.slice(0, SHOWN_LABELS).map((l) => (
              <span key={l} className="label" style={labelStyle(known.find((k) => k.name === l)?.colour)}>{l}</span>
            ))}
            {rest.length > 0 && <span className="more-labels" title={t('moreLabels', { count: rest.length, labels: rest.join(', ') })}>+{rest.length}</span>}
          </span>
        )}
        <SlaBadge conversation={c} />
      </div>
    </>
  );
}
