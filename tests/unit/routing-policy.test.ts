import { queueScore } from '../../src/services/routing/routing-state';
import { rankCandidates, whyQueued, type Candidate } from '../../src/services/routing/routing-policy';

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id, name: id, presence: 'online', languages: [], skills: [], capacity: 3, load: 0, ...over,
});
const ids = (xs: { agent: Candidate }[]) => xs.map((x) => x.agent.id);

test('least-busy: fewest open conversations first; full, away and offline agents never', () => {
  const team = [agent('a', { load: 2 }), agent('b', { load: 0 }), agent('c', { load: 3 }), agent('d', { presence: 'away' }), agent('e', { presence: 'offline' }), agent('f', { load: 1 })];
  expect(ids(rankCandidates('least-busy', team, { requiredSkills: [] }, null))).toEqual(['b', 'f', 'a']);
});

test('round-robin: starts after the previous assignee and wraps around', () => {
  const team = [agent('a'), agent('b'), agent('c')];
  expect(ids(rankCandidates('round-robin', team, { requiredSkills: [] }, 'b'))).toEqual(['c', 'a', 'b']);
  expect(ids(rankCandidates('round-robin', team, { requiredSkills: [] }, 'c'))).toEqual(['a', 'b', 'c']);
  expect(ids(rankCandidates('round-robin', team, { requiredSkills: [] }, null))).toEqual(['a', 'b', 'c']);
});

test("the customer's language is preferred, anyone eligible is the fallback; skills must all match", () => {
  const team = [agent('en', { languages: ['en'] }), agent('tr', { languages: ['tr'], load: 2, skills: ['billing'] }), agent('both', { languages: ['tr', 'en'], skills: ['billing', 'refund'] })];
  expect(ids(rankCandidates('least-busy', team, { language: 'tr', requiredSkills: [] }, null))).toEqual(['both', 'tr', 'en']);
  expect(ids(rankCandidates('least-busy', team, { language: 'de', requiredSkills: [] }, null))).toEqual(['both', 'en', 'tr']);
  expect(ids(rankCandidates('least-busy', team, { language: 'tr', requiredSkills: ['billing', 'refund'] }, null))).toEqual(['both']);
  expect(rankCandidates('manual', team, { requiredSkills: [] }, null)).toEqual([]);
  expect(whyQueued('least-busy', team, { requiredSkills: ['vip'] })).toBe('no online agent has vip');
});

test('queue order: higher priority first, then the longest waiting', () => {
  const t = Date.parse('2026-11-23T10:00:00Z');
  const scores = [queueScore(0, t), queueScore(0, t + 1), queueScore(2, t + 60_000), queueScore(-1, t - 3_600_000)];
  expect([...scores].sort((a, b) => a - b)).toEqual([scores[2], scores[0], scores[1], scores[3]]);
});
