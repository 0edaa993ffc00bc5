import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { crmEn, crmTr } from './i18n-crm';
import { healthEn, healthTr } from './i18n-health';
import { segmentsEn, segmentsTr } from './i18n-segments';
import { opsEn, opsTr } from './i18n-ops';
import { integrationsEn, integrationsTr } from './i18n-integrations';
import { automationEn, automationTr } from './i18n-automation';
import { auditEn, auditTr } from './i18n-audit';
import { csatEn, csatTr } from './i18n-csat';
import { widgetEn, widgetTr } from './i18n-widget';
import { handoffsEn, handoffsTr } from './i18n-handoffs';
import { privacyEn, privacyTr } from './i18n-privacy';
import { macrosEn, macrosTr } from './i18n-macros';
import { notificationsEn, notificationsTr } from './i18n-notifications';
import { settingsEn, settingsTr } from './i18n-settings';
import { eventsEn, eventsTr } from './i18n-events';
import { datesEn, datesTr } from './i18n-dates';
import { crmReportsEn, crmReportsTr } from './i18n-crm-reports';
import { listEn, listTr } from './i18n-list';
import { browserLanguage } from './console-language';

// Turkish first; every string the console shows lives here in both languages.
const en = {
  appName: 'Kanal',
  signIn: 'Sign in', signOut: 'Sign out', email: 'Email', password: 'Password', signInFailed: 'Sign-in failed: {{error}}',
  views: 'Views', mine: 'Mine', unassigned: 'Unassigned', all: 'All', status: 'Status', channels: 'Channels', teams: 'Teams',
  status_open: 'Open', status_pending: 'Pending', status_snoozed: 'Snoozed', status_resolved: 'Resolved',
  noTeam: 'No team',
  nothingAssigned: 'Nothing is assigned to you right now.',
  workFromTeams: 'New conversations of your teams ({{teams}}) are assigned to you while you are online and have room. Meanwhile you can take one from Unassigned or No team.',
  workWithoutTeam: 'You are not in a team yet, so no conversations are routed to you. Take one from Unassigned or No team, or ask an admin to add you to a team.',
  conversations: 'Conversations', noConversations: 'No conversations here.', loadMore: 'Load more', loadOlder: 'Load older messages',
  unread: 'Unread', selectConversation: 'Select a conversation on the left.', customer: 'Customer', you: 'You', system: 'System',
  delivery_queued: 'Queued', delivery_sent: 'Sent', delivery_delivered: 'Delivered', delivery_read: 'Read', delivery_failed: 'Failed', delivery_received: 'Received',
  retry: 'Retry', failedReason: 'Failed: {{reason}}',
  conversationStarted: 'Conversation started', reply: 'Reply', note: 'Private note', send: 'Send', addNote: 'Add note',
  replyPlaceholder: 'Write a reply to the customer…', notePlaceholder: 'Write a note only agents can see…',
  noteHint: 'Private: the customer never sees notes.', sendVia: 'Send via', channelUnavailable: 'no {{channel}} address for this customer',
  unavailableChannels: 'Channels that cannot take a reply now',
  defaultChannelWhy: 'the customer last wrote on {{channel}}',
  typing: '{{name}} is typing…', customerTyping: 'The customer is typing…',
  viewingOne: '{{names}} is viewing', viewingMany: '{{names}} are viewing', viewingMore: '{{names}} and {{count}} others',
  mentionedYou: '{{name}} mentioned you in a note', openConversation: 'Open conversation', mentionAgents: 'Mention an agent',
  settings: 'Settings', language: 'Language', sound: 'Notification sound', soundOn: 'Play a sound for new messages', close: 'Close', save: 'Save',
  loadImages: 'Load remote images', imagesBlocked: 'Remote images are blocked.', showQuoted: 'Show quoted text', autoSubmitted: 'Automatic reply',
  attachments: 'Attachments', subject: 'Subject', emailBody: 'Email content',
  assign: 'Assign', assignToMe: 'Assign to me', unassign: 'Unassign', assignee: 'Assignee', nobody: 'Nobody', resolve: 'Resolve', reopen: 'Reopen',
  snoozeUntil: 'Snooze until', snooze: 'Snooze', setStatus: 'Status', labels: 'Labels', addLabel: 'Add label', removeLabel: 'Remove label {{label}}',
  identities: 'Identities', tags: 'Tags', attributes: 'Attributes', editName: 'Edit name', name: 'Name',
  error: 'Something went wrong: {{error}}', loading: 'Loading…', offline: 'Connection lost; reconnecting…',
  newMessageFrom: 'New message from {{name}}', skipToContent: 'Skip to conversation',
  presence: 'Presence', presence_online: 'Online', presence_away: 'Away', presence_offline: 'Offline',
  admin: 'Agents and teams', backToInbox: 'Back to the inbox', agents: 'Agents', role: 'Role', role_agent: 'Agent', role_supervisor: 'Supervisor', role_admin: 'Admin',
  addAgent: 'Add agent', addTeam: 'Add team', locale: 'en-GB', attach: 'Attach files', removeFile: 'Remove {{name}}', uploading: 'Uploading…',
  event_assigned: '{{actor}} assigned this to {{assignee}}', event_took: '{{actor}} took this', event_unassigned: '{{actor}} unassigned this',
  event_routed: 'Routed to {{assignee}} in team {{team}} ({{policy}})', event_queued: 'Waiting in team {{team}}, position {{position}} ({{policy}})',
  event_snoozeEnded: 'Snooze ended: open again',
  priority: 'Priority', priority_low: 'Low priority', priority_normal: 'Normal priority', priority_high: 'High priority', priority_urgent: 'Urgent', priorityValue: 'Priority {{value}}',
  event_status: '{{actor}} set the status to {{status}}', event_status_until: '{{actor}} set the status to {{status}} until {{until}}',
  cancel: 'Cancel', pastConversations: 'Conversations', merge: 'Merge with another customer', mergeFind: 'Name, email or phone',
  find: 'Find', mergeConfirm: 'Merge these customers?', mergeFrom: 'Moves from', mergeInto: 'Into', mergeDo: 'Merge', undo: 'Undo', undone: 'undone',
  history: 'History', audit_customer_merge: 'Merged a customer', audit_customer_merge_undo: 'Undid a merge', audit_customer_rename: 'Renamed',
  identity_email: 'Email', identity_phone: 'Phone', identity_webchat: 'Web chat',
  unverifiedEmail: 'Typed in the chat, not verified', unverifiedEmailHelp: 'Anyone can type any address: replies never go there and mail from it is not joined to this customer.',
  mergeSuggestion: 'This address belongs to {{name}}. The same person?', mergeSuggestionReview: 'Compare and merge', showCustomer: 'Customer details', hideCustomer: 'Hide details',
  search: 'Search', searchPlaceholder: 'Search customers and messages (/)', customers: 'Customers', messages: 'Messages', noResults: 'Nothing found.',
  shortcuts: 'Keyboard shortcuts', key_jk: 'Next / previous conversation', key_enter: 'Open the conversation', key_e: 'Resolve', key_a: 'Assign to me',
  key_slash: 'Search', key_help: 'This help', key_send: 'Send (in the composer)', canned: 'Canned responses', key_canned: 'Canned response (type /shortcut in the composer, Tab inserts)',
  account: 'Account', changePassword: 'Change password', currentPassword: 'Current password', newPassword: 'New password',
  passwordHint: 'At least 10 characters (spaces at either end do not count), not a common password.',
  passwordChanged: 'Password changed. Your other sessions were signed out.', wrongCurrentPassword: 'The current password is wrong.',
  passwordRefused: 'Password not changed: {{error}}', signOutEverywhere: 'Sign out everywhere',
  signOutEverywhereHint: 'Ends every session of your account on every device, this one included.',
};
type Dict = typeof en;
const tr: Dict = {
  appName: 'Kanal',
  signIn: 'Giriş yap', signOut: 'Çıkış yap', email: 'E-posta', password: 'Parola', signInFailed: 'Giriş başarısız: {{error}}',
  views: 'Görünümler', mine: 'Bana atanan', unassigned: 'Atanmamış', all: 'Tümü', status: 'Durum', channels: 'Kanallar', teams: 'Ekipler',
  status_open: 'Açık', status_pending: 'Beklemede', status_snoozed: 'Ertelendi', status_resolved: 'Çözüldü',
  noTeam: 'Ekipsiz',
  nothingAssigned: 'Şu an size atanmış konuşma yok.',
  workFromTeams: 'Ekiplerinizin ({{teams}}) yeni konuşmaları, çevrimiçi olduğunuz ve yeriniz olduğu sürece size atanır. Bu arada Atanmamış veya Ekipsiz görünümünden konuşma alabilirsiniz.',
  workWithoutTeam: 'Henüz bir ekipte değilsiniz, bu yüzden size konuşma yönlendirilmiyor. Atanmamış veya Ekipsiz görünümünden konuşma alın ya da bir yöneticiden sizi bir ekibe eklemesini isteyin.',
  conversations: 'Konuşmalar', noConversations: 'Burada konuşma yok.', loadMore: 'Daha fazla', loadOlder: 'Daha eski mesajlar',
  unread: 'Okunmamış', selectConversation: 'Soldan bir konuşma seçin.', customer: 'Müşteri', you: 'Siz', system: 'Sistem',
  delivery_queued: 'Sırada', delivery_sent: 'Gönderildi', delivery_delivered: 'İletildi', delivery_read: 'Okundu', delivery_failed: 'Başarısız', delivery_received: 'Alındı',
  retry: 'Yeniden dene', failedReason: 'Başarısız: {{reason}}',
  conversationStarted: 'Konuşma başladı', reply: 'Yanıt', note: 'Özel not', send: 'Gönder', addNote: 'Not ekle',
  replyPlaceholder: 'Müşteriye yanıt yazın…', notePlaceholder: 'Yalnızca temsilcilerin göreceği bir not yazın…',
  noteHint: 'Özel: müşteri notları asla görmez.', sendVia: 'Gönderim kanalı', channelUnavailable: 'bu müşterinin {{channel}} adresi yok',
  unavailableChannels: 'Şu an yanıt gönderilemeyen kanallar',
  defaultChannelWhy: 'müşteri en son {{channel}} üzerinden yazdı',
  typing: '{{name}} yazıyor…', customerTyping: 'Müşteri yazıyor…',
  viewingOne: '{{names}} görüntülüyor', viewingMany: '{{names}} görüntülüyor', viewingMore: '{{names}} ve {{count}} kişi daha',
  mentionedYou: '{{name}} bir notta sizden bahsetti', openConversation: 'Konuşmayı aç', mentionAgents: 'Bir temsilciden bahsedin',
  settings: 'Ayarlar', language: 'Dil', sound: 'Bildirim sesi', soundOn: 'Yeni mesajlarda ses çal', close: 'Kapat', save: 'Kaydet',
  loadImages: 'Uzak görselleri yükle', imagesBlocked: 'Uzak görseller engellendi.', showQuoted: 'Alıntıyı göster', autoSubmitted: 'Otomatik yanıt',
  attachments: 'Ekler', subject: 'Konu', emailBody: 'E-posta içeriği',
  assign: 'Ata', assignToMe: 'Bana ata', unassign: 'Atamayı kaldır', assignee: 'Atanan', nobody: 'Kimse', resolve: 'Çöz', reopen: 'Yeniden aç',
  snoozeUntil: 'Şu zamana kadar ertele', snooze: 'Ertele', setStatus: 'Durum', labels: 'Etiketler', addLabel: 'Etiket ekle', removeLabel: '{{label}} etiketini kaldır',
  identities: 'Kimlikler', tags: 'Etiketler', attributes: 'Özellikler', editName: 'Adı düzenle', name: 'Ad',
  error: 'Bir sorun oluştu: {{error}}', loading: 'Yükleniyor…', offline: 'Bağlantı koptu; yeniden bağlanılıyor…',
  newMessageFrom: '{{name}} kişisinden yeni mesaj', skipToContent: 'Konuşmaya atla',
  presence: 'Durum', presence_online: 'Çevrimiçi', presence_away: 'Uzakta', presence_offline: 'Çevrimdışı',
  admin: 'Temsilciler ve ekipler', backToInbox: 'Gelen kutusuna dön', agents: 'Temsilciler', role: 'Rol', role_agent: 'Temsilci', role_supervisor: 'Süpervizör', role_admin: 'Yönetici',
  addAgent: 'Temsilci ekle', addTeam: 'Ekip ekle', locale: 'tr-TR', attach: 'Dosya ekle', removeFile: '{{name}} dosyasını kaldır', uploading: 'Yükleniyor…',
  event_assigned: '{{actor}} konuşmayı {{assignee}} adlı temsilciye atadı', event_took: '{{actor}} konuşmayı üstlendi', event_unassigned: '{{actor}} atamayı kaldırdı',
  event_routed: '{{team}} ekibinde {{assignee}} adlı temsilciye yönlendirildi ({{policy}})', event_queued: '{{team}} ekibinde {{position}}. sırada bekliyor ({{policy}})',
  event_snoozeEnded: 'Erteleme bitti: yeniden açık',
  priority: 'Öncelik', priority_low: 'Düşük öncelik', priority_normal: 'Normal öncelik', priority_high: 'Yüksek öncelik', priority_urgent: 'Acil', priorityValue: 'Öncelik {{value}}',
  event_status: '{{actor}} durumu “{{status}}” yaptı', event_status_until: '{{actor}} durumu {{until}} tarihine kadar “{{status}}” yaptı',
  cancel: 'Vazgeç', pastConversations: 'Konuşmalar', merge: 'Başka bir müşteriyle birleştir', mergeFind: 'Ad, e-posta veya telefon',
  find: 'Bul', mergeConfirm: 'Bu müşteriler birleştirilsin mi?', mergeFrom: 'Taşınan', mergeInto: 'Hedef', mergeDo: 'Birleştir', undo: 'Geri al', undone: 'geri alındı',
  history: 'Geçmiş', audit_customer_merge: 'Müşteri birleştirildi', audit_customer_merge_undo: 'Birleştirme geri alındı', audit_customer_rename: 'Ad değişti',
  identity_email: 'E-posta', identity_phone: 'Telefon', identity_webchat: 'Canlı sohbet',
  unverifiedEmail: 'Sohbette yazıldı, doğrulanmadı', unverifiedEmailHelp: 'Herkes herhangi bir adres yazabilir: yanıtlar bu adrese gitmez ve bu adresten gelen e-postalar bu müşteriye eklenmez.',
  mergeSuggestion: 'Bu adres {{name}} adlı müşteriye ait. Aynı kişi mi?', mergeSuggestionReview: 'Karşılaştır ve birleştir', showCustomer: 'Müşteri ayrıntıları', hideCustomer: 'Ayrıntıları gizle',
  search: 'Ara', searchPlaceholder: 'Müşteri ve mesaj ara (/)', customers: 'Müşteriler', messages: 'Mesajlar', noResults: 'Sonuç yok.',
  shortcuts: 'Klavye kısayolları', key_jk: 'Sonraki / önceki konuşma', key_enter: 'Konuşmayı aç', key_e: 'Çöz', key_a: 'Bana ata',
  key_slash: 'Ara', key_help: 'Bu yardım', key_send: 'Gönder (yazma alanında)', canned: 'Hazır yanıtlar', key_canned: 'Hazır yanıt (yazma alanında /kısayol, Tab ekler)',
  account: 'Hesap', changePassword: 'Parolayı değiştir', currentPassword: 'Mevcut parola', newPassword: 'Yeni parola',
  passwordHint: 'En az 10 karakter (baştaki ve sondaki boşluklar sayılmaz), yaygın bir parola olmamalı.',
  passwordChanged: 'Parola değişti. Diğer oturumlarınız kapatıldı.', wrongCurrentPassword: 'Mevcut parola yanlış.',
  passwordRefused: 'Parola değişmedi: {{error}}', signOutEverywhere: 'Her yerden çıkış yap',
  signOutEverywhereHint: 'Hesabınızın bu dahil tüm cihazlardaki bütün oturumlarını kapatır.',
};

void i18n.use(initReactI18next).init({
  resources: { en: { translation: { ...en, ...opsEn, ...integrationsEn, ...csatEn, ...crmEn, ...handoffsEn, ...auditEn, ...privacyEn, ...macrosEn, ...healthEn, ...settingsEn, ...segmentsEn, ...eventsEn, ...datesEn, ...notificationsEn, ...crmReportsEn, ...widgetEn, ...listEn, ...automationEn } }, tr: { translation: { ...tr, ...opsTr, ...integrationsTr, ...csatTr, ...crmTr, ...handoffsTr, ...auditTr, ...privacyTr, ...macrosTr, ...healthTr, ...settingsTr, ...segmentsTr, ...eventsTr, ...datesTr, ...notificationsTr, ...crmReportsTr, ...widgetTr, ...listTr, ...automationTr } } },
  lng: browserLanguage(), // until the signed-in agent's setting arrives (App.tsx)
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
  // Channel labels arrive from the hub (GET /api/channels, channels.ts) after start: re-render when they are added.
  react: { bindI18nStore: 'added' },
});

export default i18n;
