import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from './api';
import { reasonText, useChannelOptions } from './channel-options';
import { liveSocket } from './live';
import { cannedList, type Canned } from './shared-lists';
import { drafts } from './unread';
import { useChannels } from './channels';
import { useMentionPicker } from './mention-picker';
import type { Channel, ConversationView, Customer } from './types';

/** The "/shortcut" being typed at the end of the text, if any. */
const slashToken = (text: string) => /(?:^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(text)?.[1];

const clientId = () => `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

/** Reply (to the customer, on a channel) or private note (agents only): visibly different modes. */
export function Composer({ conversation, customer, defaultChannel, lastInboundAt, meId }: {
  conversation: ConversationView; customer: Customer | null; defaultChannel?: Channel; lastInboundAt?: string; meId: string;
}) {
  const { t, i18n } = useTranslation();
  const channels = useChannels();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState(() => drafts.get(conversation.id));
  const [channel, setChannel] = useState<Channel | undefined>(defaultChannel);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const typingSent = useRef(false);
  const stopTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const area = useRef<HTMLTextAreaElement>(null);
  const [files, setFiles] = useState<{ key: string; name: string }[]>([]);
  const [uploading, setUploading] = useState(false);
  const canned = cannedList.useList();
  const token = slashToken(text);
  const suggestions = token === undefined ? [] : canned.filter((c) => c.shortcut.startsWith(token.toLocaleLowerCase('tr-TR')) || c.title.toLocaleLowerCase('tr-TR').includes(token.toLocaleLowerCase('tr-TR'))).slice(0, 6);
  const insert = (c: Canned) => {
    const next = text.replace(/\/[\p{L}\p{N}_-]*$/u, c.text);
    setText(next);
    drafts.set(conversation.id, next);
    area.current?.focus();
  };

  useEffect(() => setText(drafts.get(conversation.id)), [conversation.id]);
  const mention = useMentionPicker(mode === 'note', text, meId);
  const insertMention = (a: Parameters<typeof mention.pick>[0]) => {
    const next = mention.pick(a);
    setText(next);
    drafts.set(conversation.id, next);
    area.current?.focus();
  };

  // Availability comes from the hub (GET /api/customers/:id/channels): each channel's own rules (Twilio set up, the
  // WhatsApp window), with the reason in the agent's language.
  const options = useChannelOptions(customer?.id, lastInboundAt);
  const why = (c: Channel) => {
    if (!options) return t('loading');
    // The hub could not say: offer the channels the customer has an address on and let the hub refuse the rest.
    if (options === 'failed') return customer?.identities.some((i) => i.kind === channels.find((x) => x.name === c)?.identityKind) ? '' : t('channelUnavailable', { channel: t(`channel_${c}`) });
    const o = options.find((x) => x.channel === c);
    if (!o) return t('channelUnavailable', { channel: t(`channel_${c}`) });
    return o.available ? '' : reasonText(o, i18n.language) || t('channelUnavailable', { channel: t(`channel_${c}`) });
  };
  // Channels the customer has an address on that cannot take a reply now: said plainly, not only inside the picker.
  const blocked = Array.isArray(options) ? options.filter((o) => !o.available) : [];
  const available = (c: Channel) => !why(c);
  // The default: the channel of the customer's last message, unless it cannot be used now (then the first that can).
  const preferred = defaultChannel && available(defaultChannel) ? defaultChannel : channels.map((c) => c.name).find(available);
  useEffect(() => setChannel(preferred), [preferred, conversation.id]);

  // Other agents see a note being typed too; `note` keeps it from the customer. "Stopped" always goes to both.
  const sendTyping = (typing: boolean) => {
    if (typingSent.current === typing) return;
    typingSent.current = typing;
    liveSocket().emit('typing', { conversationId: conversation.id, typing, ...(typing && mode === 'note' ? { note: true } : {}) });
  };
  useEffect(() => () => {
    clearTimeout(stopTimer.current);
    if (typingSent.current) liveSocket().emit('typing', { conversationId: conversation.id, typing: false });
    typingSent.current = false;
  }, [conversation.id]);

  function change(value: string) {
    setText(value);
    drafts.set(conversation.id, value);
    sendTyping(value.length > 0);
    clearTimeout(stopTimer.current);
    stopTimer.current = setTimeout(() => sendTyping(false), 3000);
  }

  // Files go up first (POST /api/attachments, raw bytes); the reply then carries their keys.
  async function attach(list: FileList | null) {
    if (!list?.length) return;
    setUploading(true);
    try {
      for (const file of Array.from(list)) {
        const res = await fetch(`/api/attachments?name=${encodeURIComponent(file.name)}`, {
          method: 'POST', credentials: 'same-origin', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file,
        });
        const body = (await res.json().catch(() => ({}))) as { storageKey?: string; error?: string };
        if (!res.ok || !body.storageKey) throw new Error(body.error ?? res.statusText);
        setFiles((prev) => [...prev, { key: body.storageKey!, name: file.name }]);
      }
      setError('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setUploading(false);
    }
  }

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    const withFiles = mode === 'reply' && files.length > 0;
    if ((!text.trim() && !withFiles) || busy || uploading) return;
    setBusy(true);
    try {
      if (mode === 'note') {
        const mentions = mention.mentionsIn(text);
        await api(`/conversations/${conversation.id}/notes`, { body: { text, ...(mentions.length ? { mentions } : {}) } });
        mention.reset();
      }
      else await api(`/conversations/${conversation.id}/reply`, { body: { text, channel, clientId: clientId(), attachments: files.map((f) => f.key) } });
      if (mode === 'reply') setFiles([]);
      setText('');
      drafts.set(conversation.id, '');
      sendTyping(false);
      setError('');
    } catch (err) {
      // A refused channel (it cannot send from this hub, the WhatsApp window closed) in the agent's language.
      // A refusal for the channel itself is said in the agent's language (the channel's own words), else the hub's message.
      const option = err instanceof ApiError && err.status === 422 && Array.isArray(options) ? options.find((o) => o.channel === channel && !o.available) : undefined;
      setError(option ? reasonText(option, i18n.language) : (err as Error).message);
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  }

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
    else if ((e.key === 'Tab' || e.key === 'Enter') && mention.matches[0]) {
      e.preventDefault();
      insertMention(mention.matches[0]);
    } else if ((e.key === 'Tab' || e.key === 'Enter') && suggestions[0]) {
      e.preventDefault();
      insert(suggestions[0]);
    }
  };

  return (
    <form className={`composer ${mode}`} onSubmit={submit} aria-label={mode === 'note' ? t('note') : t('reply')}>
      <div className="modes" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'reply'} className="mode-reply" onClick={() => setMode('reply')}>{t('reply')}</button>
        <button type="button" role="tab" aria-selected={mode === 'note'} className="mode-note" onClick={() => setMode('note')}>{t('note')}</button>
        {mode === 'reply' ? (
          <label className="channel">
            {t('sendVia')}
            <select value={channel ?? ''} onChange={(e) => setChannel(e.target.value as Channel)}>
              {channels.map(({ name: c }) => (
                <option key={c} value={c} disabled={!available(c)}>
                  {t(`channel_${c}`)}
                  {!available(c) ? ` (${why(c)})` : c === defaultChannel ? ` (${t('defaultChannelWhy', { channel: t(`channel_${c}`) })})` : ''}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="note-hint">{t('noteHint')}</span>
        )}
      </div>
      {mode === 'reply' && blocked.length > 0 && (
        <ul className="channel-blocked" aria-label={t('unavailableChannels')}>
          {blocked.map((o) => <li key={o.channel} data-channel={o.channel}>{t(`channel_${o.channel}`)}: {reasonText(o, i18n.language) || t('channelUnavailable', { channel: t(`channel_${o.channel}`) })}</li>)}
        </ul>
      )}
      {suggestions.length > 0 && (
        <ul className="canned" aria-label={t('canned')}>
          {suggestions.map((c) => (
            <li key={c.id}>
              <button type="button" onClick={() => insert(c)}><kbd>/{c.shortcut}</kbd> {c.title}</button>
            </li>
          ))}
        </ul>
      )}
      {mention.matches.length > 0 && (
        <ul className="canned mentions" aria-label={t('mentionAgents')}>
          {mention.matches.map((a) => (
            <li key={a.id}>
              <button type="button" onClick={() => insertMention(a)}>@{a.name}</button>
            </li>
          ))}
        </ul>
      )}
      <label className="sr-only" htmlFor="composer-text">{mode === 'note' ? t('note') : t('reply')}</label>
      <textarea
        id="composer-text" ref={area} rows={3} value={text} onChange={(e) => change(e.target.value)} onKeyDown={onKey}
        onBlur={() => sendTyping(false)} placeholder={mode === 'note' ? t('notePlaceholder') : t('replyPlaceholder')}
      />
      <div className="row">
        {mode === 'reply' && (
          <>
            <label className="attach">
              <span>{t('attach')}</span>
              <input type="file" multiple className="sr-only" onChange={(e) => { void attach(e.target.files); e.target.value = ''; }} />
            </label>
            <ul className="files" aria-label={t('attachments')}>
              {files.map((f) => (
                <li key={f.key} className="label">
                  {f.name}
                  <button type="button" aria-label={t('removeFile', { name: f.name })} onClick={() => setFiles((prev) => prev.filter((x) => x.key !== f.key))}>×</button>
                </li>
              ))}
              {uploading && <li className="muted">{t('uploading')}</li>}
            </ul>
          </>
        )}
        {error && <span role="alert" className="error">{error}</span>}
        <span className="spacer" />
        <button type="submit" className="primary" disabled={busy || uploading || (mode === 'reply' && !channel) || (!text.trim() && !(mode === 'reply' && files.length))}>{mode === 'note' ? t('addNote') : t('send')}</button>
      </div>
    </form>
  );
}
