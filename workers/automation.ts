import type { Job } from 'bullmq';
import type { AutomationJob } from '../src/queues';
import { processAutomationJob, type RunnerDeps } from '../src/services/automation';

/** Queue `automation`: one event through the rules, or one time rule's timer (src/services/automation/run.ts). */
export function automationProcessor(d: RunnerDeps) {
  return (job: Job<AutomationJob>) => processAutomationJob(d, job.data);
}
