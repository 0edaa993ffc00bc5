import { useTranslation } from 'react-i18next';
import { ChannelBadge } from './ChannelBadge';
import { EmailBody } from './EmailBody';
import { eventText } from './events';
import type { DeliveryStatus, Me, UiMessage } from './types';

/** The out-of-hours reply (author id AUTO_REPLY_AUTHOR of src/domain/thread-events.ts; older ones carry only its English name). */
const isAutoReply = (a: UiMessage['author']) => a.type === 'system' && (a.id === 'auto-reply' || a.name === 'Auto-reply');

const ticks: Record<DeliveryStatus, string> = { queued: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!', received: '' };

/** Only links the hub hands out (relative) or https; never javascript: or data: from a stored document. */
const safeUrl = (url?: string) => (url && (/^\/(?!\/)/.test(url) || /^https:\/\//i.test(url)) ? url : undefined);
const size = (n: number) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`);

export function MessageItem({ message: m, me, customerName, onRetry, hit }: { message: UiMessage; me: Me; customerName?: string; onRetry: (id: string) => Promise<void>; hit?: boolean }) {
  const { t } = useTranslation();
  const time = new Date(m.createdAt).toLocaleString(t('locale'), { hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' });
  if (m.erased && !m.text) {
    // Erased or past retention (docs/privacy.md): the envelope stays, its content is gone.
    return (
      <div className="event erased" data-kind={m.kind}>
        <span>{t('messageErased')}</span> <time dateTime={m.createdAt}>{time}</time>
      </div>
    );
  }
  if (m.kind === 'event') {
    return (
      <div className="event" data-kind="event">
        <span>{eventText(m, t)}</span> <time dateTime={m.createdAt}>{time}</time>
      </div>
    );
  }
  const author = m.author.type === 'customer' ? m.author.name ?? customerName ?? t('customer') : m.author.id === me.id ? t('you') : isAutoReply(m.author) ? t('autoReplyAuthor') : m.author.name ?? t('system');
  const cls = m.kind === 'note' ? 'note' : m.direction;
  return (
    <article className={`msg ${cls}${hit ? ' hit' : ''}`} data-id={m.id} data-kind={m.kind} aria-label={`${author}, ${time}`}>
      <header>
        <span className="author">{author}</span>
        {m.kind === 'note' ? <span className="badge note-badge">{t('note')}</span> : <ChannelBadge channel={m.channel} />}
        {m.email?.autoSubmitted && <span className="badge auto">{t('autoSubmitted')}</span>}
        <time dateTime={m.createdAt}>{time}</time>
      </header>
      {m.subject && <p className="subject"><span className="sr-only">{t('subject')}: </span>{m.subject}</p>}
      {m.html ? <EmailBody html={m.html} /> : <p className="text">{m.text}</p>}
      {m.email?.quotedText && (
        <details className="quoted">
          <summary>{t('showQuoted')}</summary>
          <pre>{m.email.quotedText}</pre>
        </details>
      )}
      {m.attachments.length > 0 && (
        <ul className="attachments" aria-label={t('attachments')}>
          {m.attachments.map((a, i) => {
            const href = safeUrl(a.url);
            return (
              <li key={i}>
                {href ? <a href={href} download={a.name} rel="noopener noreferrer">{a.name}</a> : <span>{a.name}</span>} <small>{a.contentType} · {size(a.size)}</small>
              </li>
            );
          })}
        </ul>
      )}
      {m.direction === 'out' && m.kind === 'message' && (
        <footer className={`delivery ${m.delivery.status}`}>
          <span aria-hidden="true" className="ticks">{ticks[m.delivery.status]}</span> {t(`delivery_${m.delivery.status}`)}
          {m.delivery.status === 'failed' && (
            <>
              {m.delivery.error && <span className="reason"> · {t('failedReason', { reason: m.delivery.error })}</span>}
              <button type="button" className="retry" onClick={() => void onRetry(m.id)}>{t('retry')}</button>
            </>
          )}
        </footer>
      )}
    </article>
  );
}
