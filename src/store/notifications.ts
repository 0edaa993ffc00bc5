import { Schema, Types, type Connection } from 'mongoose';
import { isDuplicateKey } from './connection';
import { idForKey } from './keys';

/**
 * An agent's notifications (the console's bell): someone @mentioned them in a note, or a conversation was assigned to
 * them. Kept so an agent who was offline finds them later, not only as a live toast.
 *
 * Every read is one pushed-down equality: `wk` (`<agentId>|<Monday of the UTC week>`) selects one agent's week,
 * ordered here (a week holds at most a few hundred for the busiest agent); the list walks weeks back from the newest.
 * Writes go by `_id`, deterministic from what the notification is about, so a retried job inserts it once.
 * The unread count is a counter in `notification_states` (one document per agent), moved by the same writes.
 */
const notificationSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    agentId: { type: Schema.Types.ObjectId, required: true },
    /** `<agentId>|<YYYY-MM-DD of the week's Monday, UTC>`. */
    wk: { type: String, required: true },
    kind: { type: String, enum: ['mention', 'assigned'], required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    /** The note that mentions (kind `mention`). */
    messageId: { type: Schema.Types.ObjectId, default: null },
    /** Who caused it; null for the hub itself (routing). */
    from: { type: { id: String, name: String }, default: null, _id: false },
    /**
     * The conversation's customer. Nothing of the customer is copied here (name, the note's words): the bell reads
     * them when it lists, so an erasure or retention run that empties them leaves nothing behind in notifications.
     */
    customerId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'notifications' },
);
// Serves: an agent's notifications one week at a time, newest week first (`ofWeek`).
notificationSchema.index({ wk: 1 });

const stateSchema = new Schema(
  {
    /** The agent's id. */
    _id: { type: Schema.Types.ObjectId, required: true },
    unread: { type: Number, default: 0 },
    /** Everything up to here counts as read ("mark all read"). */
    readUpTo: { type: Date, default: null },
  },
  { versionKey: false, collection: 'notification_states' },
);

const define = (db: Connection) => db.model('Notification', notificationSchema);
export const notificationModel = (db: Connection) => (db.models.Notification as ReturnType<typeof define> | undefined) ?? define(db);
const defineState = (db: Connection) => db.model('NotificationState', stateSchema);
export const notificationStateModel = (db: Connection) => (db.models.NotificationState as ReturnType<typeof defineState> | undefined) ?? defineState(db);

export type NotificationKind = 'mention' | 'assigned';
export interface StoredNotification {
  _id: Types.ObjectId;
  agentId: Types.ObjectId;
  wk: string;
  kind: NotificationKind;
  conversationId: Types.ObjectId;
  messageId: Types.ObjectId | null;
  from: { id: string; name: string } | null;
  customerId: Types.ObjectId | null;
  at: Date;
  readAt: Date | null;
}
export type NewNotification = Omit<StoredNotification, '_id' | 'wk' | 'readAt'> & { key: string };

const DAY = 86_400_000;
/** The UTC Monday of `at`'s week, `YYYY-MM-DD`. */
export function weekOfNotification(at: Date): string {
  const day = Math.floor(at.getTime() / DAY);
  const monday = day - ((day + 3) % 7); // 1970-01-01 was a Thursday
  return new Date(monday * DAY).toISOString().slice(0, 10);
}
export const previousWeek = (week: string): string => new Date(Date.parse(`${week}T00:00:00Z`) - 7 * DAY).toISOString().slice(0, 10);
const weekKey = (agentId: Types.ObjectId | string, week: string) => `${String(agentId)}|${week}`;

export function notificationRepo(model: ReturnType<typeof notificationModel>, states: ReturnType<typeof notificationStateModel>) {
  const oid = (id: Types.ObjectId | string) => new Types.ObjectId(id);
  return {
    /**
     * Stores a notification once (its `key` names what it is about) and counts it unread. Index: `_id`, then the
     * agent's state by `_id`. Returns the stored notification, or null when it was stored before.
     */
    async add(n: NewNotification): Promise<StoredNotification | null> {
      const { key, ...fields } = n;
      const doc: StoredNotification = { ...fields, _id: idForKey('notification', key), wk: weekKey(n.agentId, weekOfNotification(n.at)), readAt: null };
      try {
        await model.collection.insertOne(doc as never);
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
      await states.updateOne({ _id: n.agentId }, { $inc: { unread: 1 } }, { upsert: true });
      return doc;
    },
    /** One week of the agent's notifications, newest first (index: `wk`; ordered here). */
    ofWeek: async (agentId: Types.ObjectId | string, week: string): Promise<StoredNotification[]> =>
      (await model.find({ wk: weekKey(agentId, week) }).lean<StoredNotification[]>()).sort((a, b) => b.at.getTime() - a.at.getTime() || (String(b._id) < String(a._id) ? -1 : 1)),
    /** The agent's unread count and read watermark (index: `_id`). */
    state: async (agentId: Types.ObjectId | string): Promise<{ unread: number; readUpTo: Date | null }> => {
      const s = await states.findById(oid(agentId)).lean<{ unread?: number; readUpTo?: Date | null } | null>();
      return { unread: Math.max(0, s?.unread ?? 0), readUpTo: s?.readUpTo ?? null };
    },
    /**
     * Marks one of the agent's notifications read, if it was unread (index: `_id`; the agent and the unread state are
     * checked on that one document). Returns whether it changed.
     */
    async markRead(agentId: Types.ObjectId | string, id: Types.ObjectId, at: Date): Promise<boolean> {
      const { readUpTo } = await this.state(agentId);
      const changed = await model.updateOne({ _id: id, agentId: oid(agentId), readAt: null, ...(readUpTo ? { at: { $gt: readUpTo } } : {}) }, { $set: { readAt: at } });
      if (!changed.modifiedCount) return false;
      await states.updateOne({ _id: oid(agentId), unread: { $gt: 0 } }, { $inc: { unread: -1 } });
      return true;
    },
    /** Everything until `at` counts as read (index: `_id` of the agent's state). */
    markAllRead: async (agentId: Types.ObjectId | string, at: Date): Promise<void> => {
      await states.updateOne({ _id: oid(agentId) }, { $set: { unread: 0, readUpTo: at } }, { upsert: true });
    },
  };
}
export type NotificationRepo = ReturnType<typeof notificationRepo>;
