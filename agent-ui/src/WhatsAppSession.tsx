import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';
import { api } from './api';
import { liveSocket } from './live';

/** GET /api/admin/whatsapp/sessions and socket `whatsapp.session` (src/http/routes/whatsapp.ts). */
interface Session { account: string; state: string; qr?: string; reason?: string; at?: string; unofficial: true }

/** The pairing QR as an image: the session reports the raw QR string, which is drawn here (data: URL, CSP allows it). */
function QrImage({ text }: { text: string }) {
  const { t } = useTranslation();
  const [src, setSrc] = useState('');
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { margin: 2, width: 264, errorCorrectionLevel: 'L' }).then((url) => live && setSrc(url), () => live && setSrc(''));
    return () => void (live = false);
  }, [text]);
  return src ? <img className="qr" src={src} width={264} height={264} alt={t('qrAlt')} /> : null;
}

/** whatsapp-web.js sessions, live: waiting for scan (with the QR), paired, disconnected. Marked unofficial. */
export function WhatsAppSessions() {
  const { t } = useTranslation();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  useEffect(() => {
    api<Session[]>('/admin/whatsapp/sessions').then(setSessions, () => setSessions([]));
    const socket = liveSocket();
    const on = (s: Session) => setSessions((prev) => [...(prev ?? []).filter((p) => p.account !== s.account), s]);
    socket.on('whatsapp.session', on);
    return () => void socket.off('whatsapp.session', on);
  }, []);
  if (!sessions) return <p>{t('loading')}</p>;
  if (!sessions.length) return <p className="muted">{t('noSessions')}</p>;
  return (
    <ul className="wa-sessions">
      {sessions.map((s) => (
        <li key={s.account} className={`wa-session ${s.state}`}>
          <p>
            {t('account')}: <strong>{s.account}</strong> · <span className="label warn">{t('unofficial')}</span>{' '}
            <span role="status" className={`wa-state ${s.state}`}>{t(`wa_${s.state}`, { defaultValue: s.state })}</span>
            {s.reason && <span className="muted"> · {s.reason}</span>}
          </p>
          {s.state === 'waiting_for_scan' && s.qr && (
            <figure>
              <QrImage text={s.qr} />
              <figcaption>{t('scanQr')}</figcaption>
            </figure>
          )}
        </li>
      ))}
    </ul>
  );
}
