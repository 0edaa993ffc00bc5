// The action vocabulary's executor (docs/macros.md): check a list against a conversation, apply it through the
// lifecycle services, undo what it changed. Macros use it; automation rules will.
export { planActions, isEmptyPlan, type Plan } from './plan';
export { executePlan, PartlyApplied, type Applied } from './execute';
export { undoApplied } from './undo';
