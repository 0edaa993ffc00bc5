// Strings of hand-offs (assign picker, bulk actions, the reopened event, the auto-assign setting), merged into i18n.ts.
export const handoffsEn = {
  handoff: 'Hand off…', handoffAgents: 'Colleagues', handoffTeams: 'Teams', handoffLoad: '{{load}}/{{capacity}} conversations',
  handoffCurrent: 'Current', handoffAgentsOnly: 'Agents can only assign to themselves; supervisors assign to anyone.',
  handoffTeamRule: 'Agents can move only their own conversations, only to their teams.',
  selectConversationRow: 'Select {{name}}', bulkActions: 'Actions on selected conversations', bulkSelected: '{{count}} selected',
  bulkAssign: 'Assign to…', bulkLabel: 'Label', bulkAddLabel: 'Add label', bulkClear: 'Clear selection',
  bulkDone: 'Done for {{count}} conversations.', bulkFailed: '{{failed}} of {{total}} failed: {{error}}',
  event_reopened: 'The customer wrote again: reopened (was {{status}})',
  handoffSettings: 'Hand-offs', handoffAutoAssign: 'An agent who replies to an unassigned conversation takes it',
  handoffSettingsHelp: 'Teams without their own setting use the default (on).', handoffSaved: 'Saved.',
};
export const handoffsTr: typeof handoffsEn = {
  handoff: 'Devret…', handoffAgents: 'Ekip arkadaşları', handoffTeams: 'Ekipler', handoffLoad: '{{load}}/{{capacity}} konuşma',
  handoffCurrent: 'Şu anki', handoffAgentsOnly: 'Temsilciler yalnızca kendilerine atayabilir; yöneticiler herkese atar.',
  handoffTeamRule: 'Temsilciler yalnızca kendi konuşmalarını, yalnızca kendi ekiplerine taşıyabilir.',
  selectConversationRow: '{{name}} konuşmasını seç', bulkActions: 'Seçili konuşmalarda işlemler', bulkSelected: '{{count}} seçili',
  bulkAssign: 'Şuna ata…', bulkLabel: 'Etiket', bulkAddLabel: 'Etiket ekle', bulkClear: 'Seçimi temizle',
  bulkDone: '{{count}} konuşmada yapıldı.', bulkFailed: '{{total}} konuşmanın {{failed}} tanesinde olmadı: {{error}}',
  event_reopened: 'Müşteri yeniden yazdı: konuşma yeniden açıldı (önceki durum: {{status}})',
  handoffSettings: 'Devir', handoffAutoAssign: 'Atanmamış bir konuşmayı yanıtlayan temsilci konuşmayı üstlenir',
  handoffSettingsHelp: 'Kendi ayarı olmayan ekipler varsayılanı (açık) kullanır.', handoffSaved: 'Kaydedildi.',
};
