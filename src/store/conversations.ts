import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CHANNELS } from '../domain/channels';
import { addSlaFields } from './sla';

const conversationSchema = new Schema(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    /**
     * Enforces "at most one unresolved conversation per customer" without transactions or partial indexes
     * (neither exists on FerretDB): the customer id while unresolved, `resolved:<own id>` once resolved.
     */
    openKey: { type: String, required: true },
    status: { type: String, enum: ['open', 'pending', 'snoozed', 'resolved'], default: 'open' },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    priority: { type: Number, default: 0 },
    /** Skills an agent must all have to be routed this conversation (src/services/routing-policy.ts). */
    requiredSkills: { type: [String], default: [] },
    lastInboundChannel: { type: String, enum: CHANNELS },
    lastMessagePreview: { type: String, maxlength: 200 },
    snoozedUntil: { type: Date, default: null },
    openedAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
    lastInboundAt: { type: Date, default: null },
    lastOutboundAt: { type: Date, default: null },
    firstResponseAt: { type: Date, default: null },
    /** Since when the customer waits for an answer; absent while the last word is ours (so `$min` can set it). */
    waitingSince: { type: Date },
    resolvedAt: { type: Date, default: null },
    /** Free labels agents attach (lowercased, Turkish-aware); see src/services/labels.ts. */
    labels: { type: [String], default: [] },
  },
  { timestamps: true },
);
addSlaFields(conversationSchema);
// Serves: finding a customer's unresolved conversation on every inbound message (race-safe upsert key).
conversationSchema.index({ openKey: 1 }, { unique: true });
// Serves: the inbox list, newest activity first, with cursor pagination.
conversationSchema.index({ lastActivityAt: -1, _id: -1 });
// Serves: "Mine" and per-status views of the inbox.
conversationSchema.index({ assigneeId: 1, status: 1, lastActivityAt: -1 });
// Serves: a customer's past conversations (sidebar, reopen rule).
conversationSchema.index({ customerId: 1, openedAt: -1 });

export type ConversationDoc = InferSchemaType<typeof conversationSchema>;
const define = (db: Connection) => db.model('Conversation', conversationSchema);
/** The model on this connection (registered once per connection). */
export const conversationModel = (db: Connection) => (db.models.Conversation as ReturnType<typeof define> | undefined) ?? define(db);
