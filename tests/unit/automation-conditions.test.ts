import { ruleInputSchema, type AutomationEvent, type Condition } from '../../src/domain/automation';
import { mayMatch, type ConversationFacts } from '../../src/services/automation/conditions';
import { foldText } from '../../src/domain/search-terms';

// What the observer decides from an event alone (src/services/automation/conditions.ts mayMatch): an event no rule
// can match queues no job; anything that needs the conversation or the customer is left to the worker.
const event = (e: Partial<AutomationEvent>): AutomationEvent => ({ id: 'e', type: 'message.received', at: new Date().toISOString(), conversationId: 'c', chain: [], ...e });
const may = (conditions: Condition[], e: Partial<AutomationEvent>, anyOf: Condition[] = [], conversation: ConversationFacts | null = null) => {
  const ev = event(e);
  return mayMatch({ conditions, anyOf }, ev, conversation, () => foldText(ev.text ?? ''));
};

test('message text matches case-insensitively and Turkish-aware', () => {
  const iade: Condition[] = [{ type: 'text', op: 'contains', value: 'İADE' }];
  for (const text of ['iade istiyorum', 'IADE', 'Iade', 'ıade', 'Ürünü İade etmek']) expect([text, may(iade, { text })]).toEqual([text, true]);
  expect(may(iade, { text: 'kargo nerede' })).toBe(false);
  expect(may([{ type: 'text', op: 'not_contains', value: 'şikayet' }], { text: 'SIKAYET ediyorum' })).toBe(false);
});

test('conditions on the conversation or customer are left to the worker; any-of needs one that may hold', () => {
  expect(may([{ type: 'labels', op: 'any', labels: ['vip'] }], { text: 'x' })).toBe(true);
  expect(may([{ type: 'channel', in: ['email'] }], { channel: 'webchat' })).toBe(false);
  expect(may([{ type: 'channel', in: ['email'] }], {})).toBe(true); // no channel on the event: the conversation's decides
  expect(may([], { text: 'x' }, [{ type: 'text', op: 'contains', value: 'a' }, { type: 'text', op: 'contains', value: 'b' }])).toBe(false);
  expect(may([], { text: 'x' }, [{ type: 'text', op: 'contains', value: 'a' }, { type: 'priority', op: 'gte', value: 10 }])).toBe(true);
  expect(may([{ type: 'status', in: ['pending'] }], { type: 'conversation.status_changed', status: 'open' })).toBe(false);
  expect(may([{ type: 'csat_score', op: 'lte', value: 2 }], { type: 'csat.received', score: 5 })).toBe(false);
});

test('with the conversation as published, its labels, priority, team, status and attributes decide too; the customer and the calendar stay the worker\'s', () => {
  const view: ConversationFacts = { labels: ['iade'], priority: 10, teamId: null, status: 'open', attributes: { plan: 'Premium' }, lastInboundChannel: 'webchat' };
  expect(may([{ type: 'labels', op: 'all', labels: ['İADE', 'vip'] }], {}, [], view)).toBe(false);
  expect(may([{ type: 'labels', op: 'any', labels: ['İADE', 'vip'] }], {}, [], view)).toBe(true);
  expect(may([{ type: 'priority', op: 'gte', value: 30 }], {}, [], view)).toBe(false);
  expect(may([{ type: 'team', in: [null] }], {}, [], view)).toBe(true);
  expect(may([{ type: 'attribute', scope: 'conversation', key: 'plan', op: 'equals', value: 'PREMİUM' }], {}, [], view)).toBe(true);
  expect(may([{ type: 'channel', in: ['email'] }], {}, [], view)).toBe(false);
  expect(may([{ type: 'language', in: ['en'] }, { type: 'business_hours', inside: false }], {}, [], view)).toBe(true);
  expect(may([{ type: 'attribute', scope: 'customer', key: 'plan', op: 'equals', value: 'x' }], {}, [], view)).toBe(true);
});

test('a rule is checked as a whole before it is stored', () => {
  const ok = ruleInputSchema.safeParse({ name: 'İade', event: 'time.pending_for', afterMinutes: 4320, actions: [{ type: 'set_status', status: 'resolved' }] });
  expect(ok.success).toBe(true);
  expect(ok.data).toMatchObject({ enabled: true, conditions: [], anyOf: [] });
  const bad = ruleInputSchema.safeParse({ name: 'x', event: 'message.received', afterMinutes: 5, actions: [{ type: 'add_labels', labels: ['a'] }, { type: 'remove_labels', labels: ['A'] }] });
  expect(bad.success).toBe(false);
  expect(bad.error?.issues.map((i) => i.message)).toEqual(expect.arrayContaining(['only time rules wait', 'a label cannot be both added and removed']));
});
