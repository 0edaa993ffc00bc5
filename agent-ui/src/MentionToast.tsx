import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { liveSocket } from './live';

interface Mention { conversationId: string; messageId: string; from: { id: string; name: string }; preview: string }

/**
 * "Ali Demir mentioned you in a note": the hub sends note:mention to the mentioned agent's own room only. The toast
 * stays until opened or dismissed (a mention asks for an answer); a desktop notification too while the tab is hidden.
 */
export function MentionToast({ onOpen }: { onOpen: (conversationId: string, messageId: string) => void }) {
  const { t } = useTranslation();
  const [mention, setMention] = useState<Mention | null>(null);

  useEffect(() => {
    const socket = liveSocket();
    const onMention = (m: Mention) => {
      setMention(m);
      if (document.visibilityState === 'hidden' && 'Notification' in window && Notification.permission === 'granted') {
        new Notification(t('mentionedYou', { name: m.from.name }), { body: m.preview, tag: `mention:${m.messageId}` });
      }
    };
    socket.on('note:mention', onMention);
    return () => {
      socket.off('note:mention', onMention);
    };
  }, [t]);

  if (!mention) return null;
  return (
    <div className="toast mention-toast" role="status">
      <span className="toast-body">
        {t('mentionedYou', { name: mention.from.name })}
        {mention.preview && <span className="note">{mention.preview}</span>}
      </span>
      <button type="button" data-action="open-mention" onClick={() => { onOpen(mention.conversationId, mention.messageId); setMention(null); }}>{t('openConversation')}</button>
      <button type="button" className="dismiss" aria-label={t('close')} onClick={() => setMention(null)}>×</button>
    </div>
  );
}
