export type Locale = 'tr' | 'en';

const tr = {
  launcher: 'Sohbet',
  title: 'Bize yazın',
  subtitle: 'Genellikle birkaç dakika içinde yanıt veriyoruz',
  close: 'Kapat',
  placeholder: 'Mesajınızı yazın…',
  send: 'Gönder',
  name: 'Adınız',
  email: 'E-posta',
  start: 'Sohbete başla',
  skip: 'Atla',
  prechat: 'Size ulaşabilmemiz için adınızı ve e-postanızı bırakabilirsiniz (isteğe bağlı).',
  typing: 'Temsilci yazıyor…',
  typingNamed: (n: string) => `${n} yazıyor…`,
  pending: 'Gönderiliyor…',
  failed: 'Gönderilemedi',
  retry: 'Tekrar dene',
  offline: 'Bağlantı yok, yeniden bağlanılıyor…',
  unauthorized: 'Sohbet şu anda kullanılamıyor.',
  slowDown: 'Çok fazla istek gönderildi, birazdan yeniden denenecek…',
  you: 'Siz',
  agent: 'Temsilci',
  empty: 'Merhaba! Size nasıl yardımcı olabiliriz?',
  csatQuestion: 'Görüşmemizi nasıl değerlendirirsiniz?',
  csatComment: 'Yorumunuz (isteğe bağlı)',
  csatSend: 'Gönder',
  csatThanks: (n: number) => `Teşekkürler! Puanınız: ${n}/5`,
  csatError: 'Gönderilemedi, tekrar deneyin',
};
const en: typeof tr = {
  launcher: 'Chat',
  title: 'Message us',
  subtitle: 'We usually reply within a few minutes',
  close: 'Close',
  placeholder: 'Type your message…',
  send: 'Send',
  name: 'Your name',
  email: 'Email',
  start: 'Start chat',
  skip: 'Skip',
  prechat: 'Leave your name and email so we can reach you (optional).',
  typing: 'Agent is typing…',
  typingNamed: (n: string) => `${n} is typing…`,
  pending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  offline: 'Offline, reconnecting…',
  unauthorized: 'Chat is not available right now.',
  slowDown: 'Too many requests, retrying shortly…',
  you: 'You',
  agent: 'Agent',
  empty: 'Hello! How can we help you?',
  csatQuestion: 'How would you rate our conversation?',
  csatComment: 'Your comment (optional)',
  csatSend: 'Send',
  csatThanks: (n: number) => `Thank you! Your rating: ${n}/5`,
  csatError: 'Not sent, please try again',
};

export type Strings = typeof tr;

export function pickStrings(locale: unknown, navigatorLanguage: string | undefined): Strings {
  if (locale === 'tr' || locale === 'en') return locale === 'tr' ? tr : en;
  return navigatorLanguage?.toLowerCase().startsWith('tr') ? tr : en;
}
