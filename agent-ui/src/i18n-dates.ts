// Dates and times in the agent's language: the date field (DateField.tsx) and the snooze presets (Actions.tsx),
// merged into i18n.ts. Turkish first.
export const datesTr = {
  datePattern: 'gg.aa.yyyy', dateTimePattern: 'gg.aa.yyyy ss:dd', dateEmpty: 'seçilmedi', dateTimeEmpty: 'seçilmedi',
  previousMonth: 'Önceki ay', nextMonth: 'Sonraki ay', timeOfDay: 'Günün saati', pickHour: 'Saat', pickMinute: 'Dakika',
  clearDate: 'Temizle', done: 'Tamam',
  snoozeFor: 'Ertele…', snoozePreset_in1h: '1 saat', snoozePreset_tomorrow: 'Yarın {{time}}', snoozePreset_nextWeek: '{{day}} {{time}}',
  snoozeCustom: 'Başka bir zaman', snoozeHours: 'Ekibin çalışma saatlerine göre ({{zone}})', snoozePast: 'Geçmiş bir zamana ertelenemez.',
};
type Dict = typeof datesTr;
export const datesEn: Dict = {
  datePattern: 'dd/mm/yyyy', dateTimePattern: 'dd/mm/yyyy hh:mm', dateEmpty: 'not set', dateTimeEmpty: 'not set',
  previousMonth: 'Previous month', nextMonth: 'Next month', timeOfDay: 'Time of day', pickHour: 'Hour', pickMinute: 'Minute',
  clearDate: 'Clear', done: 'Done',
  snoozeFor: 'Snooze…', snoozePreset_in1h: '1 hour', snoozePreset_tomorrow: 'Tomorrow {{time}}', snoozePreset_nextWeek: '{{day}} {{time}}',
  snoozeCustom: 'Another time', snoozeHours: 'In the team’s business hours ({{zone}})', snoozePast: 'A snooze cannot end in the past.',
};
