import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { SegmentInput } from '../domain/segments';

/**
 * Customer segments (src/domain/segments.ts), one document each. They are few (at most SEGMENTS_MAX, typically tens),
 * so every read is of the whole collection (or one by `_id`), and services keep them for a few seconds; no other
 * index. Membership is not stored here: it is evaluated against the customer directory (Redis) when needed.
 */
const segmentSchema = new Schema(
  {
    name: { type: String, required: true },
    description: { type: String, default: '' },
    /** The directory filter as validated (segmentFilterSchema's output). */
    filter: { type: Schema.Types.Mixed, required: true },
    showAsView: { type: Boolean, default: false },
    /** Priority, team and SLA policy applied when a conversation opens for a member (null: none). */
    rule: { type: Schema.Types.Mixed, default: null },
    order: { type: Number, default: 100 },
  },
  { timestamps: true, minimize: false },
);

/** A stored segment: its definition as validated, and the store's fields. */
export type StoredSegment = SegmentInput & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

const define = (db: Connection) => db.model('Segment', segmentSchema, 'segments');
/** The model on this connection (registered once per connection). */
export const segmentModel = (db: Connection) => (db.models.Segment as ReturnType<typeof define> | undefined) ?? define(db);

/** Every query and write of `segments`: by `_id`, or all of them (a handful). */
export function segmentRepo(model: Model<InferSchemaType<typeof segmentSchema>>) {
  return {
    /** Every segment (reads the few documents of the collection). */
    all: (): Promise<StoredSegment[]> => model.find({}).lean<StoredSegment[]>(),
    /** One segment (index: `_id`); null when gone or malformed. */
    byId: (id: string): Promise<StoredSegment | null> =>
      Types.ObjectId.isValid(id) ? model.findById(new Types.ObjectId(id)).lean<StoredSegment | null>() : Promise.resolve(null),
    /** Creates one: the stored document. */
    create: async (input: SegmentInput): Promise<StoredSegment> => (await model.create(input)).toObject() as unknown as StoredSegment,
    /** Replaces one (index: `_id`): the document before and after, null when gone. */
    replace: async (id: string, input: SegmentInput): Promise<{ before: StoredSegment; after: StoredSegment } | null> => {
      if (!Types.ObjectId.isValid(id)) return null;
      const before = await model.findOneAndUpdate({ _id: new Types.ObjectId(id) }, { $set: input }).lean<StoredSegment | null>();
      return before ? { before, after: { ...before, ...input, updatedAt: new Date() } as StoredSegment } : null;
    },
    /** Removes one (index: `_id`): the one removed, null if there was none. */
    remove: (id: string): Promise<StoredSegment | null> =>
      Types.ObjectId.isValid(id) ? model.findOneAndDelete({ _id: new Types.ObjectId(id) }).lean<StoredSegment | null>() : Promise.resolve(null),
  };
}
