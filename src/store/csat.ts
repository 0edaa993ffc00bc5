import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const CSAT_STATUSES = ['scheduled', 'asked', 'answered', 'unsent'] as const;
export type CsatStatus = (typeof CSAT_STATUSES)[number];

/**
 * One satisfaction survey and its response per conversation: `_id` is the conversation's id, so "one response per
 * conversation" is the unique `_id` itself and every lookup from a conversation is an `_id` read. Written only by
 * src/services/csat; each write is one conditional single-document update (status or `rev` guards, no transactions).
 */
const csatSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    /** The assignee when the conversation was resolved: whose CSAT this is in reports. */
    agentId: { type: Schema.Types.ObjectId, default: null },
    /** The channel the survey goes out on (the one the customer last wrote on). */
    channel: { type: String, required: true },
    language: { type: String, default: 'en' },
    status: { type: String, enum: CSAT_STATUSES, required: true },
    /** Why a survey was not sent (`unsent`): no address, WhatsApp window closed and no template, ... */
    reason: { type: String, default: null },
    /** The second question this team asked when the survey went out. */
    secondQuestion: { type: String, enum: ['none', 'text', 'nps'], default: 'none' },
    reminderHours: { type: Number, default: 0 },
    scheduledAt: { type: Date, required: true },
    askedAt: { type: Date, default: null },
    /** After this the survey can no longer be answered (the link has expired, replies are ordinary messages). */
    expiresAt: { type: Date, default: null },
    remindedAt: { type: Date, default: null },
    /**
     * `phone:<E.164>` while a survey sent by SMS or WhatsApp can be answered by a reply: the inbound worker finds the
     * pending survey of a sender by this equality (a customer has a few surveys in all).
     */
    replyKey: { type: String, default: null },
    score: { type: Number, default: null },
    comment: { type: String, default: null },
    nps: { type: Number, default: null },
    followUp: { type: String, default: null },
    /** Where the answer came from: webchat, email (the survey page), sms, whatsapp. */
    via: { type: String, default: null },
    firstAnsweredAt: { type: Date, default: null },
    answeredAt: { type: Date, default: null },
    /** Compare-and-set counter of answers: each change applies only on top of the one it was computed from. */
    rev: { type: Number, default: 0 },
  },
  { timestamps: true, minimize: false, versionKey: false },
);
// Serves: a customer's surveys (the frequency cap when a survey is scheduled; the profile's CSAT history): `ofCustomer`.
csatSchema.index({ customerId: 1 });
// Serves: the pending survey of an SMS/WhatsApp sender whose reply may be an answer: `byReplyKey`.
csatSchema.index({ replyKey: 1 });

type CsatDoc = InferSchemaType<typeof csatSchema>;
const define = (db: Connection) => db.model('Csat', csatSchema, 'csat');
/** The model on this connection (registered once per connection). */
export const csatModel = (db: Connection) => (db.models.Csat as ReturnType<typeof define> | undefined) ?? define(db);

export type StoredCsat = Omit<CsatDoc, 'status'> & { _id: Types.ObjectId; status: CsatStatus; createdAt: Date; updatedAt: Date };
export type NewCsat = Pick<StoredCsat, '_id' | 'customerId' | 'teamId' | 'agentId' | 'channel' | 'language' | 'secondQuestion' | 'reminderHours' | 'scheduledAt'>;
export type CsatAnswerFields = Pick<StoredCsat, 'score' | 'comment' | 'nps' | 'followUp' | 'via' | 'answeredAt' | 'firstAnsweredAt'>;

const oid = (id: Types.ObjectId | string) => new Types.ObjectId(id);

/** Every query and write of `csat`: by `_id` (the conversation), `customerId` or `replyKey`; all equalities. */
export function csatRepo(model: Model<CsatDoc>) {
  const update = (filter: Record<string, unknown>, set: Record<string, unknown>) =>
    model.findOneAndUpdate(filter, { $set: set }, { new: true }).lean<StoredCsat | null>();
  return {
    /** Index: `_id`. The conversation's survey, null when it has none. */
    byId: (conversationId: Types.ObjectId | string) =>
      Types.ObjectId.isValid(conversationId) ? model.findById(oid(conversationId)).lean<StoredCsat | null>() : Promise.resolve(null),
    /** Index: `customerId`. Every survey of one customer (one per resolved conversation at most), unsorted. */
    ofCustomer: (customerId: Types.ObjectId | string) => model.find({ customerId: oid(customerId) }).lean<StoredCsat[]>(),
    /** Index: `replyKey`. The surveys a phone sender may be answering (expired ones are filtered by the caller). */
    byReplyKey: (replyKey: string) => model.find({ replyKey }).lean<StoredCsat[]>(),
    /** Index: `_id` (unique). Creates the conversation's survey; null when it already has one (one per conversation). */
    async schedule(doc: NewCsat): Promise<StoredCsat | null> {
      try {
        return (await model.create({ ...doc, status: 'scheduled' })).toObject() as StoredCsat;
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return null;
        throw err;
      }
    },
    /** Index: `_id`. Drops a survey that was never sent (its conversation was reopened before the delay ran out). */
    async dropScheduled(conversationId: Types.ObjectId): Promise<boolean> {
      return (await model.deleteOne({ _id: conversationId, status: 'scheduled' })).deletedCount > 0;
    },
    /** Index: `_id`. scheduled -> asked (or unsent); null when another job got there first. */
    markSent: (conversationId: Types.ObjectId, set: Partial<Pick<StoredCsat, 'status' | 'reason' | 'askedAt' | 'expiresAt' | 'replyKey' | 'channel'>>) =>
      update({ _id: conversationId, status: 'scheduled' }, set),
    /** Index: `_id`. Claims the single reminder of a survey still unanswered; null when answered or reminded already. */
    claimReminder: (conversationId: Types.ObjectId, at: Date) => update({ _id: conversationId, status: 'asked', remindedAt: null }, { remindedAt: at }),
    /**
     * Index: `_id`. Removes what the customer wrote (comment, follow-up) and the address a reply is matched by;
     * the score stays for reports. A survey still scheduled is dropped (it would go to an erased customer).
     */
    async scrub(conversationId: Types.ObjectId): Promise<void> {
      await model.deleteOne({ _id: conversationId, status: 'scheduled' });
      await model.updateOne({ _id: conversationId }, { $set: { comment: null, followUp: null, replyKey: null } });
    },
    /** Index: `_id`. Stores an answer computed from revision `rev`; null when another answer came in between. */
    answer: (conversationId: Types.ObjectId, rev: number, fields: CsatAnswerFields) =>
      update({ _id: conversationId, rev }, { ...fields, status: 'answered', rev: rev + 1 }),
  };
}
