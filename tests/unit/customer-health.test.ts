import { DEFAULT_HEALTH_RULES, emptyHealthFacts, evaluateHealth, healthRulesSchema, keepFact, type HealthFacts, type HealthRules } from '../../src/domain/customer-health';

// The health rules on hand-made histories: which state, which reasons, and when to look again.
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const ago = (days: number) => NOW - days * DAY;
const facts = (f: Partial<HealthFacts>): HealthFacts => ({ ...emptyHealthFacts(), ...f });
/** One conversation every `every` days, the last `lastDaysAgo` days ago, with a message at each. */
const regular = (n: number, every: number, lastDaysAgo: number): Partial<HealthFacts> => {
  const opens = Array.from({ length: n }, (_, i) => [`c${i}`, ago(lastDaysAgo + (n - 1 - i) * every)] as [string, number]);
  return { opens, lastInboundAt: opens.at(-1)![1] };
};
const rules = (change: Partial<HealthRules> = {}): HealthRules => ({ ...DEFAULT_HEALTH_RULES, ...change });

test('a customer who writes as usual and is satisfied is healthy', () => {
  const e = evaluateHealth(facts({ ...regular(10, 7, 2), csat: [['c9', ago(1), 5]] }), rules(), NOW);
  expect(e).toMatchObject({ state: 'healthy', reasons: [] });
  // Silence would grow into a contact drop after 3 × 7 days (at least 14): look again then.
  expect(e.reevaluateAt).toBe(ago(2) + 21 * DAY + 1);
});

test('a negative CSAT answer puts the customer at risk while it is inside the window; a changed answer counts as changed', () => {
  const f = facts({ ...regular(2, 30, 5), csat: [['c1', ago(5), 2]] });
  const e = evaluateHealth(f, rules(), NOW);
  expect(e.state).toBe('at_risk');
  expect(e.reasons).toEqual([{ code: 'negative_csat', at: new Date(ago(5)).toISOString(), score: 2 }]);
  expect(e.reevaluateAt).toBe(ago(5) + 30 * DAY);
  expect(evaluateHealth(f, rules(), ago(5) + 30 * DAY + 1).state).toBe('healthy');
  expect(evaluateHealth(f, rules({ negativeCsat: { enabled: true, maxScore: 1, withinDays: 30 } }), NOW).state).toBe('healthy');
  const changed = { ...f, csat: keepFact(f.csat, ['c1', ago(4), 4], NOW) };
  expect(evaluateHealth(changed, rules(), NOW).state).toBe('healthy');
});

test('reopens and long waits fire from their counts inside the window', () => {
  const reopens: [string, number][] = [['m1', ago(25)], ['m2', ago(10)], ['m3', ago(1)]];
  const e = evaluateHealth(facts({ ...regular(2, 30, 1), reopens }), rules(), NOW);
  expect(e.reasons).toEqual([{ code: 'repeated_reopens', at: new Date(ago(1)).toISOString(), count: 3 }]);
  expect(e.reevaluateAt).toBe(ago(25) + 30 * DAY); // the oldest leaves the window: two are not enough
  expect(evaluateHealth(facts({ ...regular(2, 30, 1), reopens: reopens.slice(1) }), rules(), NOW).state).toBe('healthy');

  const waits: [string, number, number, number][] = [['r1', ago(20), 30 * 3_600_000, 1], ['r2', ago(3), 25 * 3_600_000, 0], ['r3', ago(2), 23 * 3_600_000, 0]];
  expect(evaluateHealth(facts({ ...regular(2, 30, 1), waits }), rules(), NOW).reasons).toEqual([{ code: 'long_waits', at: new Date(ago(3)).toISOString(), count: 2 }]);
  expect(evaluateHealth(facts({ ...regular(2, 30, 1), waits }), rules({ longWaits: { enabled: true, hours: 26, count: 2, withinDays: 30 } }), NOW).state).toBe('healthy');
  expect(evaluateHealth(facts({ ...regular(2, 30, 1), waits }), rules({ longWaits: { enabled: false, hours: 24, count: 2, withinDays: 30 } }), NOW).state).toBe('healthy');
});

test("silence well past the customer's own rhythm is a contact drop; past the churn threshold, churned", () => {
  // Weekly for six weeks, then 40 days of silence: 40 > 3 × 7.
  const drift = evaluateHealth(facts(regular(6, 7, 40)), rules(), NOW);
  expect(drift).toMatchObject({ state: 'at_risk', reasons: [{ code: 'contact_drop', days: 40, baselineDays: 7 }] });
  expect(drift.reevaluateAt).toBe(ago(40) + 180 * DAY + 1); // then it becomes churned
  // Monthly customers silent 40 days are within their rhythm (3 × 30 = 90).
  expect(evaluateHealth(facts(regular(6, 30, 40)), rules(), NOW).state).toBe('healthy');
  // Too few conversations for a rhythm: no drop.
  expect(evaluateHealth(facts(regular(3, 7, 40)), rules(), NOW).state).toBe('healthy');
  // A short rhythm is not held to less than minDays (several conversations in one day, then 10 days quiet).
  expect(evaluateHealth(facts(regular(5, 0.1, 10)), rules(), NOW).state).toBe('healthy');

  const gone = evaluateHealth(facts(regular(4, 30, 200)), rules(), NOW);
  expect(gone).toMatchObject({ state: 'churned', reasons: [{ code: 'no_contact', days: 200 }] });
  // A one-off contact long ago is not a churned regular.
  expect(evaluateHealth(facts(regular(1, 30, 300)), rules(), NOW).state).toBe('healthy');
  // Churned wins over at risk; every reason is listed.
  const both = evaluateHealth(facts({ ...regular(4, 30, 200), csat: [['c3', ago(200), 1]] }), rules({ negativeCsat: { enabled: true, maxScore: 2, withinDays: 365 } }), NOW);
  expect(both.state).toBe('churned');
  expect(both.reasons.map((r) => r.code)).toEqual(['negative_csat', 'no_contact']);
});

test('facts are kept once per key, newest 50, within the history', () => {
  let list: [string, number][] = [];
  for (let i = 0; i < 60; i++) list = keepFact(list, [`k${i}`, ago(60 - i)], NOW);
  list = keepFact(list, ['k59', ago(1)], NOW);
  expect(list).toHaveLength(50);
  expect(list[0]![0]).toBe('k10');
  expect(keepFact([], ['old', ago(400)], NOW)).toEqual([]);
});

test('rules outside their ranges are refused', () => {
  expect(healthRulesSchema.safeParse(DEFAULT_HEALTH_RULES).success).toBe(true);
  expect(healthRulesSchema.safeParse({ ...DEFAULT_HEALTH_RULES, churn: { enabled: true, minContacts: 3, afterDays: 2 } }).success).toBe(false);
  expect(healthRulesSchema.safeParse({ ...DEFAULT_HEALTH_RULES, reopens: { enabled: true, count: 1, withinDays: 30 } }).success).toBe(false);
  expect(healthRulesSchema.safeParse({ ...DEFAULT_HEALTH_RULES, extra: 1 }).success).toBe(false);
});
