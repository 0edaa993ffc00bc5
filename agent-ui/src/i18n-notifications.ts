/** The bell (Notifications.tsx). */
export const notificationsEn = {
  notifications: 'Notifications', notificationsUnread_one: '{{count}} unread notification', notificationsUnread_other: '{{count}} unread notifications',
  notificationsNone: 'Nothing new. Mentions and conversations assigned to you appear here.',
  notificationsMarkAll: 'Mark all read', notificationsMore: 'Older',
  notifMention: '{{name}} mentioned you', notifAssignedBy: '{{name}} assigned you a conversation', notifRouted: 'A conversation was assigned to you',
  notifWith: 'with {{customer}}', notifUnread: 'unread',
};
type Dict = typeof notificationsEn;
export const notificationsTr: Dict = {
  notifications: 'Bildirimler', notificationsUnread_one: '{{count}} okunmamış bildirim', notificationsUnread_other: '{{count}} okunmamış bildirim',
  notificationsNone: 'Yeni bir şey yok. Sizden bahsedilen notlar ve size atanan konuşmalar burada görünür.',
  notificationsMarkAll: 'Tümünü okundu say', notificationsMore: 'Daha eski',
  notifMention: '{{name}} sizden bahsetti', notifAssignedBy: '{{name}} size bir konuşma atadı', notifRouted: 'Size bir konuşma atandı',
  notifWith: '{{customer}} ile', notifUnread: 'okunmadı',
};
