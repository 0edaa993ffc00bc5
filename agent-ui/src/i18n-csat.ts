// Strings of the satisfaction survey screens (sidebar history, team settings, reports), merged into i18n.ts.
export const csatEn = {
  csat: 'Satisfaction (CSAT)', csatNone: 'No surveys yet.', csatSummary: '{{answered}} answers · average {{avg}} · CSAT {{pct}}',
  csat_scheduled: 'Scheduled', csat_asked: 'Asked, no answer yet', csat_answered: 'Answered', csat_unsent: 'Not sent',
  csatScore: '{{score}}/5', csatVia: 'via {{channel}}', csatNps: 'NPS {{nps}}/10', csatReminded: 'reminded',
  csatSettings: 'Satisfaction surveys', csatSettingsHelp: 'Sent when a conversation is resolved, on the channel the customer used. Teams without their own settings use the default.',
  csatTeam: 'Settings of', csatDefault: 'Default (all teams)', csatEnabled: 'Send a survey when a conversation is resolved',
  csatDelay: 'Delay after resolving (minutes)', csatFrequency: 'At most one survey per customer every (days, 0 = no limit)',
  csatReminder: 'Reminder after (hours, 0 = none)', csatSecond: 'Second question', csatSecond_none: 'None', csatSecond_text: 'Free text', csatSecond_nps: 'NPS (0-10)',
  csatSource_team: 'This team has its own settings.', csatSource_default: 'Uses the default settings.', csatSource_none: 'Built-in settings (on, no delay).',
  event_csat: 'Customer rated the conversation: {{score}}/5 {{stars}} ({{channel}}){{rest}}',
  event_csat_changed: 'Customer changed their rating: {{score}}/5 {{stars}} ({{channel}}){{rest}}',
  csatSaved: 'Saved.', csatRate: 'CSAT (4-5 of all answers)', csatResponseRate: 'Survey response rate', csatCounts: '{{answered}} of {{asked}} answered',
};
export const csatTr: typeof csatEn = {
  csat: 'Memnuniyet (CSAT)', csatNone: 'Henüz anket yok.', csatSummary: '{{answered}} yanıt · ortalama {{avg}} · CSAT {{pct}}',
  csat_scheduled: 'Planlandı', csat_asked: 'Soruldu, yanıt yok', csat_answered: 'Yanıtlandı', csat_unsent: 'Gönderilmedi',
  csatScore: '{{score}}/5', csatVia: '{{channel}} ile', csatNps: 'NPS {{nps}}/10', csatReminded: 'hatırlatıldı',
  csatSettings: 'Memnuniyet anketleri', csatSettingsHelp: 'Konuşma çözüldüğünde, müşterinin kullandığı kanaldan gönderilir. Kendi ayarı olmayan ekipler varsayılanı kullanır.',
  csatTeam: 'Ayarları', csatDefault: 'Varsayılan (tüm ekipler)', csatEnabled: 'Konuşma çözüldüğünde anket gönder',
  csatDelay: 'Çözümden sonra bekleme (dakika)', csatFrequency: 'Müşteri başına en fazla bir anket (gün, 0 = sınır yok)',
  csatReminder: 'Hatırlatma (saat sonra, 0 = yok)', csatSecond: 'İkinci soru', csatSecond_none: 'Yok', csatSecond_text: 'Serbest metin', csatSecond_nps: 'NPS (0-10)',
  csatSource_team: 'Bu ekibin kendi ayarları var.', csatSource_default: 'Varsayılan ayarları kullanıyor.', csatSource_none: 'Hazır ayarlar (açık, beklemesiz).',
  event_csat: 'Müşteri görüşmeyi değerlendirdi: {{score}}/5 {{stars}} ({{channel}}){{rest}}',
  event_csat_changed: 'Müşteri puanını değiştirdi: {{score}}/5 {{stars}} ({{channel}}){{rest}}',
  csatSaved: 'Kaydedildi.', csatRate: 'CSAT (tüm yanıtlarda 4-5 oranı)', csatResponseRate: 'Anket yanıt oranı', csatCounts: '{{asked}} anketin {{answered}} tanesi yanıtlandı',
};
