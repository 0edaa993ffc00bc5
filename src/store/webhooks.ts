import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../domain/webhooks';

/** Outgoing webhook subscriptions an admin registered: a URL, the events it wants, the secret deliveries are signed with. */
const webhookSchema = new Schema(
  {
    url: { type: String, required: true, maxlength: 2048 },
    description: { type: String, default: '', maxlength: 200 },
    events: { type: [String], enum: WEBHOOK_EVENTS, required: true },
    /** HMAC-SHA256 key of the signatures; readable by admins (receivers need it), never logged. */
    secret: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    /** Why it was turned off by the hub (repeated failures), shown to admins; null when an admin turned it off or it is on. */
    disabledReason: { type: String, default: null },
    /** An admin allowed a loopback or private-network URL (an on-premises receiver); refused otherwise. */
    allowPrivate: { type: Boolean, default: false },
    createdBy: { id: String, name: String },
  },
  { timestamps: true },
);

type WebhookDoc = InferSchemaType<typeof webhookSchema>;
const define = (db: Connection) => db.model('Webhook', webhookSchema, 'webhooks');
/** The model on this connection (registered once per connection). */
export const webhookModel = (db: Connection) => (db.models.Webhook as ReturnType<typeof define> | undefined) ?? define(db);

export type StoredWebhook = Omit<WebhookDoc, 'events'> & { _id: Types.ObjectId; events: WebhookEvent[]; createdAt: Date; updatedAt: Date };
export type WebhookFields = Pick<StoredWebhook, 'url' | 'description' | 'events' | 'enabled' | 'allowPrivate'>;

/** Every query and write of `webhooks`: a handful per install, read whole (and cached by the sender); writes by `_id`. */
export function webhookRepo(model: ReturnType<typeof webhookModel>) {
  return {
    /** Index: none, the whole (small) collection, oldest first. */
    all: async (): Promise<StoredWebhook[]> => (await model.find().lean<StoredWebhook[]>()).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
    /** Index: `_id`. */
    byId: (id: Types.ObjectId): Promise<StoredWebhook | null> => model.findById(id).lean<StoredWebhook | null>(),
    create: async (fields: WebhookFields & { secret: string; createdBy: { id: string; name: string } }): Promise<StoredWebhook> =>
      (await model.create(fields)).toObject() as StoredWebhook,
    /** Index: `_id`. The webhook after the change; null when gone. */
    update: (id: Types.ObjectId, set: Partial<WebhookFields & { secret: string; disabledReason: string | null }>): Promise<StoredWebhook | null> =>
      model.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<StoredWebhook | null>(),
    /** Index: `_id`. Turns it off with a reason unless it is off already: whether this call did. */
    disable: async (id: Types.ObjectId, reason: string): Promise<boolean> =>
      (await model.updateOne({ _id: id, enabled: true }, { $set: { enabled: false, disabledReason: reason } })).modifiedCount === 1,
    /** Index: `_id`. */
    remove: async (id: Types.ObjectId): Promise<boolean> => (await model.deleteOne({ _id: id })).deletedCount > 0,
  };
}
