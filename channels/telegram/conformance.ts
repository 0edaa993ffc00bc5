import { httpRefusal, type ConformanceKit } from '../conformance-kit';
import { fixture, postUpdate, TelegramStandin } from './standin';

const standin = new TelegramStandin();

export const kit: ConformanceKit = {
  async start() {
    await standin.start();
    return { TELEGRAM_BOT_TOKEN: standin.token, TELEGRAM_WEBHOOK_SECRET: standin.secret, TELEGRAM_API_URL: standin.url };
  },
  stop: () => standin.stop(),
  async receive(hubUrl, n) {
    const chatId = 610000 + n;
    const text = `Telegram'dan merhaba ${n}`;
    const res = await postUpdate(hubUrl, fixture('text', (u) => { u.update_id = 990000 + n; u.message.chat.id = chatId; u.message.text = text; }), standin.secret);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return { address: String(chatId), text };
  },
  async refuse(hubUrl) {
    const res = await postUpdate(hubUrl, fixture('malformed'), standin.secret);
    return httpRefusal(res);
  },
  delivered: (address) => standin.callsOf('sendMessage').find((c) => c.fields.chat_id === address)?.fields.text,
};
