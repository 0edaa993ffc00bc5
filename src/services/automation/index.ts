// Automation rules (docs/automation.md): event → conditions → actions, run in the worker from what the hub publishes.
export { automationDepsOf, type AutomationDeps, type RunnerDeps } from './deps';
export { automationObserver } from './observer';
export { processAutomationJob, runEvent } from './run';
export { createRule, deleteRule, getRule, listRules, reorderRules, updateRule } from './rules';
export { dryRun } from './dry-run';
export { ruleLog } from './log';
export { RECENT_EVENTS_MAX } from './recent-events';
