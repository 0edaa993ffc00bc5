// Strings of customer segments (the Customers page's list and dialog, the inbox's segment views), merged into i18n.ts.
export const segmentsTr = {
  segments: 'Segmentler', segmentViews: 'Segmentler', segNone: 'Henüz segment yok. Müşterileri filtreleyip “Segment olarak kaydet” ile oluşturun.',
  segName: 'Ad', segNameHint: 'ör. VIP', segDescription: 'Açıklama', segFilter: 'Filtre', segCount: 'Müşteri', segDoes: 'Etkisi', segActions: 'İşlemler',
  segEveryone: 'Tüm müşteriler', segLastWithin: 'son iletişim son {{count}} gün içinde', segInactive: '{{count}} gündür iletişim yok',
  segFirstWithin: 'ilk görülme son {{count}} gün içinde', segIsView: 'Gelen kutusu görünümü', segPriority: 'Öncelik {{priority}}',
  segTeamRule: 'Ekip: {{team}}', segSlaRule: 'SLA', segShow: 'Müşterileri göster', segEdit: 'Düzenle', segRemove: 'Kaldır',
  segRemoveConfirm: '“{{name}}” segmenti kaldırılsın mı? Görünümü kaybolur, kuralı yeni konuşmalara uygulanmaz.',
  saveAsSegment: 'Segment olarak kaydet', segSaveTitle: 'Filtreyi segment olarak kaydet', segEditTitle: '“{{name}}” segmentini düzenle',
  segShowAsView: 'Gelen kutusunda görünüm olarak göster (açık konuşmaları ve sayısı)', segRule: 'Konuşma açıldığında',
  segRuleHelp: 'Bu segmentteki bir müşterinin konuşması açıldığında uygulanır. Birden çok segment eşleşirse sırası en küçük olanın kuralı geçerlidir.',
  segRulePriority: 'Öncelik', segRuleTeam: 'Ekip', segRuleNoTeam: 'Değiştirme', segRuleFirstResponse: 'İlk yanıt hedefi (dakika)',
  segRuleResolution: 'Çözüm hedefi (dakika)', segOrder: 'Sıra', segSaved: 'Segment kaydedildi.',
  lastWithinDays: 'Son iletişim (son … gün)', inactiveDays: 'İletişimsiz (… gündür)', days: 'gün',
};
export const segmentsEn: typeof segmentsTr = {
  segments: 'Segments', segmentViews: 'Segments', segNone: 'No segments yet. Filter the customers and use “Save as segment”.',
  segName: 'Name', segNameHint: 'e.g. VIP', segDescription: 'Description', segFilter: 'Filter', segCount: 'Customers', segDoes: 'Does', segActions: 'Actions',
  segEveryone: 'Every customer', segLastWithin: 'last contact within {{count}} days', segInactive: 'no contact for {{count}} days',
  segFirstWithin: 'first seen within {{count}} days', segIsView: 'Inbox view', segPriority: 'Priority {{priority}}',
  segTeamRule: 'Team: {{team}}', segSlaRule: 'SLA', segShow: 'Show customers', segEdit: 'Edit', segRemove: 'Remove',
  segRemoveConfirm: 'Remove the segment “{{name}}”? Its view goes, and its rule no longer applies to new conversations.',
  saveAsSegment: 'Save as segment', segSaveTitle: 'Save the filter as a segment', segEditTitle: 'Edit the segment “{{name}}”',
  segShowAsView: 'Show as an inbox view (its open conversations and their count)', segRule: 'When a conversation opens',
  segRuleHelp: 'Applied when a conversation opens for a customer in this segment. When several segments match, the rule of the one with the lowest order applies.',
  segRulePriority: 'Priority', segRuleTeam: 'Team', segRuleNoTeam: 'Leave as is', segRuleFirstResponse: 'First response target (minutes)',
  segRuleResolution: 'Resolution target (minutes)', segOrder: 'Order', segSaved: 'Segment saved.',
  lastWithinDays: 'Last contact (within … days)', inactiveDays: 'No contact (for … days)', days: 'days',
};
