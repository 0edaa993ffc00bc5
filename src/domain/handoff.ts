import { z } from 'zod';

/** A team's hand-off settings (stored in `teampolicies.handoff`; teams without their own use the default's). */
export const handoffSettingsSchema = z.object({
  /** On by default: an agent who replies to an unassigned conversation takes it, so the customer is not left to routing. */
  autoAssignOnReply: z.boolean().default(true),
});
export type HandoffSettings = z.output<typeof handoffSettingsSchema>;
export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = handoffSettingsSchema.parse({});
