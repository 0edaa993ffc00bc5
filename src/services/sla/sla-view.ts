import type { ConversationSlaView } from '../../domain/sla';
import type { ConversationSla } from '../../store';

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

/** The console's view of a stored conversation `sla` (null when no SLA clock ever ran). */
export function toSlaView(sla: ConversationSla | null | undefined): ConversationSlaView | null {
  if (!sla) return null;
  return {
    firstResponseDueAt: iso(sla.firstResponseDueAt),
    nextResponseDueAt: iso(sla.nextResponseDueAt),
    resolutionDueAt: iso(sla.resolutionDueAt),
    paused: Boolean(sla.paused),
    breaches: (sla.breaches ?? []).map((b) => ({ kind: b.kind, dueAt: iso(b.dueAt)!, at: iso(b.at)! })),
  };
}
