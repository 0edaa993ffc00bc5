import { z } from 'zod';
import { actionListSchema, actionSchema } from '../../domain/actions';
import { MACRO_VISIBILITIES } from '../../store';
import { conversationEffects } from '../../services/conversations/lifecycle';
import { createMacro, deleteMacro, listMacros, updateMacro } from '../../services/macros/macros';
import { applyMacro, lastMacroRun, undoLastMacro } from '../../services/macros/apply-macro';
import { idParams, objectId, route } from '../route';
import { conversationViewSchema, err } from '../schemas';

const macroBody = z.object({
  name: z.string().trim().min(1).max(80),
  actions: actionListSchema,
  visibility: z.enum(MACRO_VISIBILITIES).default('personal'),
});
const macroPatch = z
  .object({ name: macroBody.shape.name, actions: actionListSchema, visibility: z.enum(MACRO_VISIBILITIES) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
const macroView = z.object({
  id: z.string(), name: z.string(), actions: z.array(actionSchema), visibility: z.enum(MACRO_VISIBILITIES),
  ownerId: z.string(), ownerName: z.string(), editable: z.boolean(), updatedAt: z.iso.datetime(),
});
const runView = z.object({ macroId: z.string(), macroName: z.string(), appliedAt: z.iso.datetime(), replies: z.number() });
const undoView = z.object({
  conversation: conversationViewSchema, macroName: z.string(),
  restored: z.array(z.enum(['assignee', 'team', 'labels', 'priority', 'status', 'attributes'])),
  kept: z.array(z.object({ field: z.string(), reason: z.enum(['reply_sent', 'note_kept', 'changed_since', 'refused']), detail: z.string().optional() })),
});
const notFound = err('macro not found (or another agent’s personal macro)');

export const macroRoutes = [
  route({
    method: 'get', path: '/macros', tag: 'macros', access: 'agent', resource: 'none',
    summary: 'The shared macros and your own, by name',
    responses: { 200: { description: 'macros', schema: z.array(macroView) } },
    async handler({ agent, deps }) {
      return { status: 200, body: await listMacros(deps.models, agent) };
    },
  }),
  route({
    method: 'post', path: '/macros', tag: 'macros', access: 'agent', resource: 'none',
    summary: 'Create a macro (personal: any agent; shared: supervisors and admins)', body: macroBody,
    responses: {
      201: { description: 'created', schema: macroView }, 400: err('bad action list'), 403: err('shared macros, or an action you may not do by hand'),
      409: err('name taken, or too many macros'), 422: err('an action names a canned response, agent, team or attribute that does not exist'),
    },
    async handler({ body, agent, deps }) {
      return { status: 201, body: await createMacro(deps.models, agent, body) };
    },
  }),
  route({
    method: 'post', path: '/macros/:id', tag: 'macros', access: 'agent', resource: 'none',
    summary: 'Change a macro (only the fields sent): your personal ones; shared ones as a supervisor or admin', params: idParams, body: macroPatch,
    responses: { 200: { description: 'updated', schema: macroView }, 403: err('not yours to change'), 404: notFound, 409: err('name taken'), 422: err('an action names something that does not exist') },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await updateMacro(deps.models, agent, params.id, body) };
    },
  }),
  route({
    method: 'post', path: '/macros/:id/delete', tag: 'macros', access: 'agent', resource: 'none',
    summary: 'Delete a macro (your personal ones; shared ones as a supervisor or admin)', params: idParams,
    responses: { 204: { description: 'deleted' }, 403: err('not yours to delete'), 404: notFound },
    async handler({ params, agent, deps }) {
      await deleteMacro(deps.models, agent, params.id);
      return { status: 204 };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/macros/apply', tag: 'macros', access: 'agent', resource: 'conversation',
    summary: 'Apply a macro to the conversation (checked first: a refusal changes nothing); run is null when it changed nothing',
    params: idParams, body: z.object({ macroId: objectId }),
    responses: {
      200: { description: 'the conversation after, and the run an undo takes back', schema: z.object({ conversation: conversationViewSchema, run: runView.nullable() }) },
      400: err('too many labels'), 403: err('an action you may not do by hand (priority, assigning others)'), 404: err('conversation or macro not found'),
      409: err('reopening while the customer has another unresolved conversation'),
      422: err('a canned response, agent, team or attribute of the macro no longer exists, or the reply channel refuses (details.reason)'),
    },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await applyMacro(conversationEffects(deps), agent, params.id, body.macroId, deps.config) };
    },
  }),
  route({
    method: 'get', path: '/conversations/:id/macros/last', tag: 'macros', access: 'agent', resource: 'conversation',
    summary: 'Your last macro on the conversation that an undo would take back (null when none)', params: idParams,
    responses: { 200: { description: 'the last run', schema: z.object({ last: runView.nullable() }) } },
    async handler({ params, agent, deps }) {
      return { status: 200, body: { last: await lastMacroRun(conversationEffects(deps), agent, params.id) } };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/macros/undo', tag: 'macros', access: 'agent', resource: 'conversation',
    summary: 'Undo your last macro on the conversation: labels, priority, status, assignee, team and attributes go back unless changed since; sent replies stay sent',
    params: idParams,
    responses: { 200: { description: 'what was restored and what was kept, and why', schema: undoView }, 404: err('no macro of yours to undo here') },
    async handler({ params, agent, deps }) {
      return { status: 200, body: await undoLastMacro(conversationEffects(deps), agent, params.id) };
    },
  }),
];
