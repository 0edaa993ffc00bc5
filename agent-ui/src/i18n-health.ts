// Strings of customer health (sidebar, Customers page, admin rules), merged into i18n.ts.
export const healthTr = {
  health: 'Müşteri sağlığı', health_healthy: 'Sağlıklı', health_at_risk: 'Risk altında', health_churned: 'Kaybedildi', health_none: 'Henüz yazmadı',
  healthAny: 'Tümü', sort_health: 'Sağlık', customersAtRisk: 'Risk altındaki müşteriler', healthReasons: 'Nedenler',
  reason_negative_csat: 'Olumsuz memnuniyet puanı ({{score}}/5, {{date}})',
  reason_repeated_reopens: 'Son dönemde {{count}} kez yeniden açtı (son: {{date}})',
  reason_long_waits: '{{count}} kez uzun süre yanıt bekledi (son: {{date}})',
  reason_contact_drop: '{{days}} gündür yazmıyor; genelde {{baseline}} günde bir yazar',
  reason_no_contact: '{{days}} gündür iletişim yok',
  healthContacts: 'Konuşma', healthLastContact: 'Son iletişim', healthRhythm: 'Olağan aralık', healthRhythmDays: '{{days}} gün',
  healthMedianFrt: 'Medyan ilk yanıt süresi',
};
export const healthEn: typeof healthTr = {
  health: 'Customer health', health_healthy: 'Healthy', health_at_risk: 'At risk', health_churned: 'Churned', health_none: 'Has not written yet',
  healthAny: 'Any', sort_health: 'Health', customersAtRisk: 'Customers at risk', healthReasons: 'Reasons',
  reason_negative_csat: 'Negative satisfaction score ({{score}}/5, {{date}})',
  reason_repeated_reopens: 'Reopened {{count}} times recently (last: {{date}})',
  reason_long_waits: 'Waited long for an answer {{count}} times (last: {{date}})',
  reason_contact_drop: 'Silent for {{days}} days; usually writes every {{baseline}} days',
  reason_no_contact: 'No contact for {{days}} days',
  healthContacts: 'Conversations', healthLastContact: 'Last contact', healthRhythm: 'Usual interval', healthRhythmDays: '{{days}} days',
  healthMedianFrt: 'Median first response time',
};
