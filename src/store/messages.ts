import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CHANNELS } from '../domain/channels';

const attachmentSchema = new Schema(
  { name: String, contentType: String, size: Number, url: String, storageKey: String },
  { _id: false },
);

const messageSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    kind: { type: String, enum: ['message', 'note', 'event'], default: 'message' },
    channel: { type: String, enum: CHANNELS, required: true },
    author: {
      type: { type: String, enum: ['customer', 'agent', 'system'], required: true },
      id: String,
      name: String,
    },
    text: { type: String, default: '' },
    html: String,
    subject: String,
    attachments: { type: [attachmentSchema], default: [] },
    /** Always set: `<channel>:<provider id>` inbound, `out:<uuid>` (client-supplied or generated) for ours. */
    dedupeKey: { type: String, required: true },
    providerId: { type: String, default: null },
    /** Where an outbound message goes (address on its channel). */
    to: String,
    threadHints: { type: Schema.Types.Mixed },
    /** Email only (see EmailMeta): quoted history, auto-reply marker, Message-ID / In-Reply-To / References. */
    email: { type: Schema.Types.Mixed },
    sentAt: Date,
    delivery: {
      status: { type: String, enum: ['queued', 'sent', 'delivered', 'read', 'failed', 'received'], required: true },
      error: String,
      attempts: { type: Number, default: 0 },
      at: Date,
    },
  },
  { timestamps: true, minimize: false },
);
// Serves: idempotent ingest and replies; a redelivered webhook or retried job hits this and changes nothing.
messageSchema.index({ dedupeKey: 1 }, { unique: true });
// Serves: the unified thread of a customer across conversations and channels, in time order, paginated.
messageSchema.index({ customerId: 1, createdAt: -1, _id: -1 });
// Serves: delivery receipts, bounces and acks, which name our message by the provider's id; and email threading,
// the In-Reply-To/References of a reply naming an earlier mail by its Message-ID (an email's providerId).
messageSchema.index({ providerId: 1 });
// Serves: one conversation's messages.
messageSchema.index({ conversationId: 1, createdAt: -1 });

export type MessageDoc = InferSchemaType<typeof messageSchema>;
const define = (db: Connection) => db.model('Message', messageSchema);
/** The model on this connection (registered once per connection). */
export const messageModel = (db: Connection) => (db.models.Message as ReturnType<typeof define> | undefined) ?? define(db);
