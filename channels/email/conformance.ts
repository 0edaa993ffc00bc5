import nodemailer, { type Transporter } from 'nodemailer';
import { freePort, startSmtpSink } from '../../tests/helpers/email';
import type { ConformanceKit } from '../conformance-kit';

// Mail in through the built-in SMTP listener, out through a local relay (the sink) that keeps what it is given.
let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
let client: Transporter | undefined;

const mail = (from: string, to: string, text: string, n: number) => Buffer.from([
  `From: Müşteri ${n} <${from}>`, `To: ${to}`, `Subject: Sipariş ${n}`, `Message-ID: <conformance-${n}-${Date.now()}@example.com>`,
  'Date: Mon, 30 Nov 2026 09:00:00 +0300', 'Content-Type: text/plain; charset=utf-8', '', text, '',
].join('\r\n'));

export const kit: ConformanceKit = {
  async start() {
    sink = await startSmtpSink();
    const port = await freePort();
    client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    return {
      EMAIL_SMTP_PORT: String(port), EMAIL_SUPPORT_ADDRESSES: 'destek@kanal.test',
      EMAIL_OUTBOUND_HOST: '127.0.0.1', EMAIL_OUTBOUND_PORT: String(sink.port), EMAIL_OUTBOUND_USER: 'relay', EMAIL_OUTBOUND_PASS: 'secret',
      EMAIL_FROM_ADDRESS: 'destek@kanal.test',
    };
  },
  async stop() {
    client?.close();
    await sink?.close();
  },
  async receive(_hubUrl, n) {
    const address = `musteri${n}@example.com`;
    const text = `E-posta ile merhaba ${n}`;
    const info = await client!.sendMail({ envelope: { from: address, to: ['destek@kanal.test'] }, raw: mail(`Musteri${n}@Example.com`, 'destek@kanal.test', text, n) });
    if (!/^250/.test(String(info.response))) throw new Error(`SMTP answered ${info.response}`);
    return { address, text };
  },
  async refuse() {
    try {
      const info = await client!.sendMail({ envelope: { from: 'biri@example.com', to: ['yabanci@baska.test'] }, raw: mail('biri@example.com', 'yabanci@baska.test', 'merhaba', 0) });
      return { refused: false, detail: String(info.response) };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string };
      return { refused: (e.responseCode ?? 0) >= 500, detail: `${e.responseCode} ${e.response}` };
    }
  },
  delivered: (address) => sink?.mails.find((m) => m.rcpt.includes(address))?.parsed.text?.trim(),
};
