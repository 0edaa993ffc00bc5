import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelSetup as Setup, SetupSection } from '../../src/domain/channel-setup';
import { api } from './api';
import { useChannels } from './channels';
import { CopyField } from './CopyField';
import { WhatsAppSessions } from './WhatsAppSession';
import { WidgetGreeting } from './WidgetGreeting';
import { WidgetSetup } from './WidgetSetup';

const OnOff = ({ on }: { on: boolean }) => {
  const { t } = useTranslation();
  return <strong className={on ? 'ok' : 'muted'}>{on ? t('configured') : t('notConfigured')}</strong>;
};

/** The card of a channel that describes its own setup (ChannelModule.setup on the hub): labels come in both languages. */
function SectionCard({ section }: { section: SetupSection }) {
  const { t, i18n } = useTranslation();
  const say = (text: { tr: string; en: string }) => (i18n.language.startsWith('tr') ? text.tr : text.en);
  const id = `setup-${section.channel}`;
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id}>{t(`channel_${section.channel}`, { defaultValue: section.channel })}</h2>
      <p><OnOff on={section.configured} /></p>
      {!section.configured && section.hint && <p className="muted">{say(section.hint)}</p>}
      <dl>
        {section.items.filter((i) => !i.copy).map((i) => <div key={i.label.en}><dt>{say(i.label)}</dt><dd><code>{i.value}</code></dd></div>)}
      </dl>
      {section.items.filter((i) => i.copy).map((i) => <CopyField key={i.label.en} label={say(i.label)} value={i.value} />)}
    </section>
  );
}

/** Admin: what each channel needs, from GET /api/admin/channels (settings live in the hub's environment). */
export function ChannelSetup() {
  const { t } = useTranslation();
  const [setup, setSetup] = useState<Setup | null | undefined>(undefined);
  useChannels(); // the channels' labels, for the cards they describe themselves
  useEffect(() => void api<Setup>('/admin/channels').then(setSetup, () => setSetup(null)), []);
  if (setup === undefined) return <p>{t('loading')}</p>;
  if (setup === null) return <p role="status">{t('notAvailable')}</p>;
  const { email, twilio, whatsapp, webchat } = setup;
  return (
    <div className="channel-setup">
      {!setup.publicUrlConfigured && <p className="warn-box" role="note">{t('publicUrlMissing')}</p>}
      <section aria-labelledby="setup-email" className="card">
        <h2 id="setup-email">{t('emailSetup')}</h2>
        <h3>{t('supportAddresses')}</h3>
        {email.supportAddresses.length ? <ul className="addresses">{email.supportAddresses.map((a) => <li key={a}><code>{a}</code></li>)}</ul> : <p className="muted">{t('noSupportAddresses')}</p>}
        <dl>
          <dt>{t('smtpIntake')}</dt><dd><OnOff on={email.smtp.enabled} />{email.smtp.enabled && <> · <code>{email.smtp.host}:{email.smtp.port}</code></>}</dd>
          <dt>{t('imapIntake')}</dt><dd><OnOff on={email.imap.enabled} />{email.imap.enabled && <> · <code>{email.imap.user}@{email.imap.host}/{email.imap.mailbox}</code></>}</dd>
          <dt>{t('outboundRelay')}</dt><dd><OnOff on={email.outbound.enabled} />{email.outbound.host && <> · <code>{email.outbound.host}</code></>}</dd>
          {email.outbound.fromAddress && <><dt>{t('fromAddress')}</dt><dd><code>{email.outbound.fromAddress}</code></dd></>}
          {email.outbound.replyDomain && <><dt>{t('replyDomain')}</dt><dd><code>{email.outbound.replyDomain}</code></dd></>}
        </dl>
      </section>
      <section aria-labelledby="setup-twilio" className="card">
        <h2 id="setup-twilio">{t('twilioSetup')}</h2>
        <p className="twilio-state"><OnOff on={twilio.configured} /></p>
        <dl>
          <dt>{t('smsNumber')}</dt><dd>{twilio.fromNumber ? <code>{twilio.fromNumber}</code> : '–'}</dd>
          <dt>{t('messagingService')}</dt><dd>{twilio.messagingServiceSid ? <code>{twilio.messagingServiceSid}</code> : '–'}</dd>
          <dt>{t('whatsappNumber')}</dt><dd>{twilio.whatsappFrom ? <code>{twilio.whatsappFrom}</code> : '–'}</dd>
        </dl>
        <p className="muted">{t('twilioHowTo')}</p>
        <CopyField label={t('webhookMessages')} value={twilio.webhooks.messages} />
        <CopyField label={t('webhookStatus')} value={twilio.webhooks.status} />
      </section>
      <section aria-labelledby="setup-whatsapp" className="card">
        <h2 id="setup-whatsapp">{t('whatsappSetup')}</h2>
        <p>{t('whatsappRoute')}: <strong>{t(`route_${whatsapp.route}`)}</strong>{whatsapp.official && <> · {t('templates')}: {whatsapp.templates}</>}</p>
        {whatsapp.route === 'wwebjs' && <><p className="warn-box" role="note">{t('unofficialWarning')}</p><WhatsAppSessions /></>}
      </section>
      <section aria-labelledby="setup-webchat" className="card">
        <h2 id="setup-webchat">{t('webchatSetup')}</h2>
        <WidgetSetup snippet={webchat.snippet} strictIdentity={webchat.strictIdentity} />
        <WidgetGreeting />
      </section>
      {setup.sections.map((s) => <SectionCard key={s.channel} section={s} />)}
    </div>
  );
}
