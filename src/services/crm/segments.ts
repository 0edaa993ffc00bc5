import { Types } from 'mongoose';
import type { AttributeDefinition } from '../../domain/attributes';
import type { SlaPolicy } from '../../domain/sla';
import { SEGMENTS_MAX, segmentInputSchema, type SegmentView } from '../../domain/segments';
import type { AuditActor, DirectoryQuery, Models, StoredConversation, StoredSegment } from '../../store';
import { audit } from '../audit';
import { directoryQuery } from './directory-query';
import { CrmError } from './errors';

/**
 * Segments: saved directory filters (src/domain/segments.ts). Membership is never stored per customer and never
 * computed by scanning: "is customer C in S" is the directory's keys checked for C alone (a SISMEMBER per equality
 * condition, a ZSCORE per range, all segments in one Redis pipeline: `segmentsOf`), and "how many" is the
 * directory's count of the filter. So a label, attribute or contact change is reflected at once, with no
 * per-segment bookkeeping to keep in step.
 */

/** Segments and customer attribute definitions change rarely and are read on every opening: kept this long per process. */
const CACHE_MS = 5_000;
interface Loaded {
  at: number;
  segments: StoredSegment[];
  /** Those with a rule or a view (what an opening evaluates), and those with a view (what a customer change restamps). */
  effective: StoredSegment[];
  views: StoredSegment[];
  defs: AttributeDefinition[];
}
const caches = new WeakMap<Models, Loaded>();

/** Every segment, in rule order (order, then name), and the customer attribute definitions their filters use. */
export async function loadSegments(m: Models): Promise<Loaded> {
  const hit = caches.get(m);
  if (hit && hit.at > Date.now() - CACHE_MS) return hit;
  const [segments, defs] = await Promise.all([m.segments.all(), m.attributeDefinitions.ofScope('customer')]);
  segments.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name, 'tr'));
  const loaded = { at: Date.now(), segments, effective: segments.filter((s) => s.rule || s.showAsView), views: segments.filter((s) => s.showAsView), defs };
  caches.set(m, loaded);
  return loaded;
}
/** A write clears this process's copy (others see the change within CACHE_MS). */
const forget = (m: Models) => caches.delete(m);

/** The segment's filter as a directory query; null when it no longer compiles (an attribute it names was removed). */
function queryOf(s: StoredSegment, defs: AttributeDefinition[], now: number): DirectoryQuery | null {
  try {
    return directoryQuery(s.filter, defs, now);
  } catch {
    return null;
  }
}

/**
 * The segments' directory queries, compiled once per minute (relative days are to the minute) for the same list:
 * an opening then costs its Redis pipeline, not a parse of every filter.
 */
const compiledCache = new WeakMap<StoredSegment[], { minute: number; list: { s: StoredSegment; q: DirectoryQuery }[] }>();
function compiledFor(segments: StoredSegment[], defs: AttributeDefinition[], now: number) {
  const minute = Math.floor(now / 60_000);
  const hit = compiledCache.get(segments);
  if (hit?.minute === minute) return hit.list;
  const list = segments.flatMap((s) => {
    const q = queryOf(s, defs, now);
    return q ? [{ s, q }] : [];
  });
  compiledCache.set(segments, { minute, list });
  return list;
}

/**
 * Which of `segments` the customer is in now, in the order given: one Redis pipeline for all of them (cost follows
 * their conditions, not the number of customers).
 */
export async function segmentsOf(m: Models, customerId: string, segments: StoredSegment[], defs: AttributeDefinition[], now = Date.now()): Promise<StoredSegment[]> {
  const compiled = compiledFor(segments, defs, now);
  const passes = await m.directory.passes(compiled.map((c) => c.q), customerId);
  return compiled.filter((_, i) => passes[i]).map((c) => c.s);
}

/**
 * The ids of every segment the customer is in now (what metric facts carry so reports split by segment): nothing
 * to do while there is no segment, else one Redis pipeline over all of them.
 */
export async function segmentIdsOf(m: Models, customerId: string): Promise<string[]> {
  const { segments, defs } = await loadSegments(m);
  if (!segments.length) return [];
  return (await segmentsOf(m, customerId, segments, defs)).map((s) => String(s._id));
}

type OpeningFields = Partial<Pick<StoredConversation, 'segments' | 'ruleSegmentId' | 'priority' | 'teamId'>>;
/**
 * What a conversation opening (or reopening) for this customer carries from segments, written by the opening's own
 * write (no write of its own): the view segments the customer is in (`segments`), and the first matching rule's
 * `ruleSegmentId`, `priority` and `teamId` (the team only while nobody has it). Empty while no segment has a rule
 * or a view (no Redis round trip then); otherwise one Redis pipeline for all of them.
 */
export async function openingFields(m: Models, customerId: unknown, current?: { assigneeId?: unknown; segments?: string[]; ruleSegmentId?: string | null }): Promise<OpeningFields> {
  const { effective: relevant, defs } = await loadSegments(m);
  if (!relevant.length) return current?.segments?.length || current?.ruleSegmentId ? { segments: [], ruleSegmentId: null } : {};
  const member = await segmentsOf(m, String(customerId), relevant, defs);
  const ruled = member.find((s) => s.rule);
  const out: OpeningFields = { segments: member.filter((s) => s.showAsView).map((s) => String(s._id)), ruleSegmentId: ruled ? String(ruled._id) : null };
  if (ruled?.rule?.priority !== undefined) out.priority = ruled.rule.priority;
  if (ruled?.rule?.teamId && !current?.assigneeId) out.teamId = new Types.ObjectId(ruled.rule.teamId);
  return out;
}

export const toSegmentView = (s: StoredSegment, count?: number): SegmentView => ({
  id: String(s._id), name: s.name, description: s.description ?? '', filter: s.filter, showAsView: Boolean(s.showAsView), rule: s.rule ?? null,
  order: s.order ?? 100, createdAt: s.createdAt?.toISOString(), updatedAt: s.updatedAt?.toISOString(), ...(count !== undefined ? { count } : {}),
});

/** How many customers are in the segment now (the directory's count of its filter; 0 when it no longer compiles). */
async function liveCount(m: Models, s: StoredSegment, defs: AttributeDefinition[]): Promise<number> {
  const q = queryOf(s, defs, Date.now());
  return q ? m.directory.count(q) : 0;
}

/** Every segment in rule order, each with its live count when asked. */
export async function listSegments(m: Models, withCounts: boolean): Promise<SegmentView[]> {
  const { segments, defs } = await loadSegments(m);
  return Promise.all(segments.map(async (s) => toSegmentView(s, withCounts ? await liveCount(m, s, defs) : undefined)));
}

export async function getSegment(m: Models, id: string): Promise<SegmentView> {
  const s = await m.segments.byId(id);
  if (!s) throw new CrmError('segment not found', 404);
  return toSegmentView(s, await liveCount(m, s, await m.attributeDefinitions.ofScope('customer')));
}

/** Checks what the store cannot: the filter compiles against today's attributes, the rule's team exists. */
async function checked(m: Models, input: unknown) {
  const seg = segmentInputSchema.parse(input);
  directoryQuery(seg.filter, await m.attributeDefinitions.ofScope('customer')); // a 400 naming the bad condition
  if (seg.rule?.teamId && !(await m.teams.byId(seg.rule.teamId))) throw new CrmError('the rule names a team that does not exist', 422);
  return seg;
}

/** Creates a segment (supervisors and admins; audited). */
export async function createSegment(m: Models, actor: AuditActor, input: unknown): Promise<SegmentView> {
  const seg = await checked(m, input);
  if ((await m.segments.all()).length >= SEGMENTS_MAX) throw new CrmError(`there are ${SEGMENTS_MAX} segments already; remove one first`, 409);
  const stored = await m.segments.create(seg);
  forget(m);
  await audit(m, actor, 'segment.created', { type: 'segment', id: stored._id, name: stored.name }, {}, seg);
  return getSegment(m, String(stored._id));
}

/** Replaces a segment's definition (audited with the fields that changed). */
export async function updateSegment(m: Models, actor: AuditActor, id: string, input: unknown): Promise<SegmentView> {
  const seg = await checked(m, input);
  const done = await m.segments.replace(id, seg);
  if (!done) throw new CrmError('segment not found', 404);
  forget(m);
  const { _id, createdAt, updatedAt, ...before } = done.before;
  await audit(m, actor, 'segment.updated', { type: 'segment', id: _id, name: seg.name }, before, seg);
  return getSegment(m, id);
}

/**
 * Removes a segment (audited with its definition). Conversations stamped with it keep the id until their customer
 * changes; its view is gone from the console, and its SLA policy stops applying to new openings.
 */
export async function removeSegment(m: Models, actor: AuditActor, id: string): Promise<void> {
  const before = await m.segments.remove(id);
  if (!before) throw new CrmError('segment not found', 404);
  forget(m);
  const { _id, createdAt, updatedAt, ...definition } = before;
  await audit(m, actor, 'segment.removed', { type: 'segment', id: _id, name: before.name }, definition, {});
}

/** The SLA policy of the segment whose rule applied to the conversation (null: the team's applies). */
export async function segmentSlaPolicy(m: Models, ruleSegmentId: string | null | undefined): Promise<SlaPolicy | null> {
  if (!ruleSegmentId) return null;
  const { segments } = await loadSegments(m);
  return segments.find((s) => String(s._id) === ruleSegmentId)?.rule?.sla ?? null;
}

/** Whether any segment carries an SLA policy (the inbound hooks then run the SLA clocks even with no team setting). */
export async function anySegmentSla(m: Models): Promise<boolean> {
  return (await loadSegments(m)).segments.some((s) => s.rule?.sla);
}
