import { ALWAYS_OPEN, type BusinessCalendar } from '../../src/domain/business-hours';
import {
  NO_CLOCKS, autoReplySchema, autoReplyText, planClocks, slaPolicySchema, type SlaClocks, type SlaConversationState,
} from '../../src/domain/sla';

const MIN = 60_000;
const t0 = new Date('2026-11-24T10:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);
const policy = slaPolicySchema.parse({
  default: { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 480 },
  priorities: { 2: { firstResponseMinutes: 10 } },
  pauseWhen: ['pending', 'snoozed'],
});
const open = (over: Partial<SlaConversationState> = {}): SlaConversationState => ({
  status: 'open', priority: 0, openedAt: t0, firstResponseAt: null, waitingSince: t0, ...over,
});
const plan = (prev: SlaClocks, c: SlaConversationState, now: Date, cal: BusinessCalendar = ALWAYS_OPEN) => planClocks(prev, c, policy, cal, now);

describe('planClocks', () => {
  test('a new conversation starts first response and resolution; an urgent priority overrides only its own target', () => {
    const s = plan(NO_CLOCKS, open(), t0);
    expect(s.firstResponseDueAt).toEqual(plus(60 * MIN));
    expect(s.resolutionDueAt).toEqual(plus(480 * MIN));
    expect(s.nextResponseDueAt).toBeNull();
    const urgent = plan(NO_CLOCKS, open({ priority: 2 }), t0);
    expect(urgent.firstResponseDueAt).toEqual(plus(10 * MIN));
    expect(urgent.resolutionDueAt).toEqual(plus(480 * MIN));
  });

  test('the first reply stops first response; each new customer wait starts its own next-response clock', () => {
    const started = plan(NO_CLOCKS, open(), t0);
    const replied = plan(started, open({ firstResponseAt: plus(5 * MIN), waitingSince: null }), plus(5 * MIN));
    expect(replied.firstResponseDueAt).toBeNull();
    expect(replied.nextResponseDueAt).toBeNull();
    expect(replied.resolutionDueAt).toEqual(started.resolutionDueAt);
    const waiting = plan(replied, open({ firstResponseAt: plus(5 * MIN), waitingSince: plus(20 * MIN) }), plus(21 * MIN));
    expect(waiting.nextResponseDueAt).toEqual(plus(50 * MIN));
    // Another message in the same wait keeps the clock; the wait after the next reply is a new one.
    expect(plan(waiting, open({ firstResponseAt: plus(5 * MIN), waitingSince: plus(20 * MIN) }), plus(25 * MIN))).toEqual(waiting);
    const again = plan(waiting, open({ firstResponseAt: plus(5 * MIN), waitingSince: plus(90 * MIN) }), plus(90 * MIN));
    expect(again.nextResponseDueAt).toEqual(plus(120 * MIN));
  });

  test('pausing keeps the business time left, resuming restarts from then; an overdue clock stays breached', () => {
    const started = plan(NO_CLOCKS, open(), t0);
    const paused = plan(started, open({ status: 'pending' }), plus(20 * MIN));
    expect(paused.firstResponseDueAt).toBeNull();
    expect(paused.paused?.remainingMs).toEqual({ first_response: 40 * MIN, resolution: 460 * MIN });
    const resumed = plan(paused, open(), plus(100 * MIN));
    expect(resumed.firstResponseDueAt).toEqual(plus(140 * MIN));
    expect(resumed.resolutionDueAt).toEqual(plus(560 * MIN));
    expect(resumed.paused).toBeNull();

    const overdue = plan(started, open({ status: 'snoozed' }), plus(70 * MIN));
    expect(overdue.firstResponseDueAt).toEqual(plus(60 * MIN));
    expect(overdue.paused?.remainingMs).toEqual({ resolution: 410 * MIN });
  });

  test('resolving clears every clock, and a reopened conversation gets a fresh resolution clock', () => {
    const started = plan(NO_CLOCKS, open(), t0);
    const resolved = plan(started, open({ status: 'resolved' }), plus(MIN));
    expect(resolved).toEqual(NO_CLOCKS);
    const reopened = plan(resolved, open({ firstResponseAt: plus(MIN), waitingSince: plus(600 * MIN) }), plus(600 * MIN));
    expect(reopened.resolutionDueAt).toEqual(plus(1080 * MIN));
    expect(reopened.nextResponseDueAt).toEqual(plus(630 * MIN));
  });

  test('a breached resolution clock is not restarted; without a policy nothing runs', () => {
    const started = plan(NO_CLOCKS, open(), t0);
    expect(plan(started, open(), plus(900 * MIN)).resolutionDueAt).toEqual(started.resolutionDueAt);
    expect(planClocks(started, open(), null, ALWAYS_OPEN, t0)).toEqual(NO_CLOCKS);
  });
});

describe('autoReplyText', () => {
  const config = autoReplySchema.parse({
    texts: { tr: 'Mesai dışındayız.', en: 'We are closed.', de: 'Wir haben geschlossen.' },
    channels: { sms: { tr: 'Kapalıyız (SMS).' } },
  });

  test("the customer's language, else Turkish; the channel's own text first", () => {
    expect(autoReplyText(config, 'webchat', 'en')).toBe('We are closed.');
    expect(autoReplyText(config, 'webchat', 'de-AT')).toBe('Wir haben geschlossen.');
    expect(autoReplyText(config, 'webchat', 'fr')).toBe('Mesai dışındayız.');
    expect(autoReplyText(config, 'email', null)).toBe('Mesai dışındayız.');
    expect(autoReplyText(config, 'sms', 'tr')).toBe('Kapalıyız (SMS).');
    expect(autoReplyText(config, 'sms', 'en')).toBe('We are closed.');
  });

  test('English when there is no Turkish text', () => {
    expect(autoReplyText(autoReplySchema.parse({ texts: { de: 'Geschlossen.', en: 'Closed.' } }), 'webchat', 'fr')).toBe('Closed.');
  });
});
