import type { ConversationSlaView, SlaKind } from '../../domain/sla';

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

/** The console's view of a stored conversation `sla` (null when no SLA clock ever ran). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toSlaView(sla: any): ConversationSlaView | null {
  if (!sla) return null;
  return {
    firstResponseDueAt: iso(sla.firstResponseDueAt),
    nextResponseDueAt: iso(sla.nextResponseDueAt),
    resolutionDueAt: iso(sla.resolutionDueAt),
    paused: Boolean(sla.paused),
    breaches: (sla.breaches ?? []).map((b: { kind: SlaKind; dueAt: Date; at: Date }) => ({ kind: b.kind, dueAt: iso(b.dueAt)!, at: iso(b.at)! })),
  };
}
