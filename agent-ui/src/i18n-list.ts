// Strings of the inbox list's rows, sorts, label views and personal saved views, and the visitor details in the
// customer sidebar; merged into i18n.ts.
export const listTr = {
  sortBy: 'Sırala', sort_newest: 'En yeni', sort_waiting: 'En uzun bekleyen', sort_priority: 'Öncelik',
  waitingFor: '{{time}} yanıt bekliyor', underAMinute: '<1 dk', moreLabels: '{{count}} etiket daha: {{labels}}',
  labelViews: 'Etiketler', myViews: 'Görünümlerim', saveView: 'Görünümü kaydet', saveViewTitle: 'Görünümü kaydet',
  saveViewHelp: 'Bu filtre yalnızca sizin için kaydedilir ve sol menüde görünür.', viewName: 'Ad', removeView: '“{{name}}” görünümünü kaldır',
  anyValue: 'Hepsi', anyStatus: 'Seçili durum', viewSaved: 'Görünüm kaydedildi.', noViewsYet: 'Henüz kayıtlı görünüm yok.',
  visitorDetails: 'Ziyaretçi', visitorPage: 'Sayfa', visitorReferrer: 'Geldiği yer', visitorBrowser: 'Tarayıcı', visitorLanguage: 'Tarayıcı dili',
  visitorLocalTime: 'Yerel saat', visitorCityGuess: 'saat diliminden tahmin', conversationLabels: 'Konuşmanın etiketleri', noLabels: 'Etiket yok',
  customerShortId: 'Müşteri {{id}}', identity_webchat_visitor: 'ziyaretçi', webchatVisitor: 'Canlı sohbet ziyaretçisi',
};
export const listEn: typeof listTr = {
  sortBy: 'Sort', sort_newest: 'Newest', sort_waiting: 'Oldest waiting', sort_priority: 'Priority',
  waitingFor: 'waiting for a reply for {{time}}', underAMinute: '<1 min', moreLabels: '{{count}} more labels: {{labels}}',
  labelViews: 'Labels', myViews: 'My views', saveView: 'Save view', saveViewTitle: 'Save this view',
  saveViewHelp: 'Saved for you only; it appears in the menu on the left.', viewName: 'Name', removeView: 'Remove the view “{{name}}”',
  anyValue: 'Any', anyStatus: 'The selected status', viewSaved: 'View saved.', noViewsYet: 'No saved views yet.',
  visitorDetails: 'Visitor', visitorPage: 'Page', visitorReferrer: 'Came from', visitorBrowser: 'Browser', visitorLanguage: 'Browser language',
  visitorLocalTime: 'Local time', visitorCityGuess: 'guessed from the time zone', conversationLabels: 'Conversation labels', noLabels: 'No labels',
  customerShortId: 'Customer {{id}}', identity_webchat_visitor: 'visitor', webchatVisitor: 'Web chat visitor',
};
