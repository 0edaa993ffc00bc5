import { useTranslation } from 'react-i18next';
import { usePresenceOfOthers } from './Presence';
import { useLive, type AtRisk, type Loaded, type Wallboard as Board } from './supervisor-api';
import { duration, unitsOf, useNow } from './time';

const newer = (a?: string | null, b?: string | null) => Boolean(a && (!b || a > b));

function Unavailable({ state }: { state: Loaded<unknown> }) {
  const { t } = useTranslation();
  if (state === undefined) return <p>{t('loading')}</p>;
  if ('missing' in state) return <p role="status" className="muted">{t('notAvailable')}</p>;
  if ('error' in state) return <p role="alert" className="error">{t('error', { error: state.error })}</p>;
  return null;
}

/**
 * Live wallboard: waiting customers per team and with no team, agents (presence, time in state, load against capacity), conversations at risk
 * of an SLA breach, who views what. Refetched on `supervisor:changed` / `sla:breached` and every 10 s; presence
 * events apply at once; durations tick every second.
 */
export function Wallboard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'tr';
  const units = unitsOf(t);
  const now = useNow(1000);
  const [board] = useLive<Board>('/supervisor/wallboard', ['supervisor:changed', 'agent:presence']);
  const [risk] = useLive<AtRisk[]>('/supervisor/at-risk?withinMinutes=30', ['sla:breached', 'supervisor:changed']);
  const live = usePresenceOfOthers();
  const b = board && 'data' in board ? board : undefined;
  const names = new Map((b?.data.agents ?? []).map((a) => [a.id, a.name]));
  const teamNames = new Map((b?.data.teams ?? []).map((tm) => [tm.id, tm.name]));
  const time = (at: number) => new Date(at).toLocaleTimeString(t('locale'));

  return (
    <div className="wallboard">
      <section aria-labelledby="wb-teams" className="card">
        <h2 id="wb-teams">{t('teams')}</h2>
        {b ? (
          <div className="table-wrap"><table>
            <thead><tr><th scope="col">{t('name')}</th><th scope="col">{t('policy')}</th><th scope="col">{t('queue')}</th><th scope="col">{t('longestWait')}</th></tr></thead>
            <tbody>
              {[...b.data.teams, { id: 'none', name: t('noTeam'), policy: null, ...b.data.noTeam }].map((tm) => (
                <tr key={tm.id} data-team-id={tm.id} className={tm.queueLength > 0 ? 'queued' : ''}>
                  <th scope="row">{tm.name}</th>
                  {/* "No team" has no policy: nobody is assigned its conversations unless they pick one. */}
                  <td>{tm.policy ? t(`policy_${tm.policy}`, { defaultValue: tm.policy }) : t('noPolicy')}</td>
                  <td className="num queue-length">{tm.queueLength}</td>
                  {/* The wait keeps growing between refetches. */}
                  <td className="num longest-wait">{tm.queueLength > 0 ? duration(tm.longestWaitMs + (now - b.at), units) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        ) : <Unavailable state={board} />}
      </section>
      <section aria-labelledby="wb-agents" className="card">
        <h2 id="wb-agents">{t('agents')}</h2>
        {b ? (
          <div className="table-wrap"><table>
            <thead><tr><th scope="col">{t('name')}</th><th scope="col">{t('presence')}</th><th scope="col">{t('timeInState')}</th><th scope="col">{t('load')}</th><th scope="col">{t('teams')}</th></tr></thead>
            <tbody>
              {b.data.agents.map((a) => {
                const ev = live[a.id];
                const fresh = ev && newer(ev.since, a.presenceSince);
                const presence = fresh ? ev.presence : a.presence;
                const since = fresh ? ev.since : a.presenceSince;
                const full = a.capacity > 0 && a.load >= a.capacity;
                return (
                  <tr key={a.id} data-agent-id={a.id}>
                    <th scope="row">{a.name}</th>
                    <td className={`presence-cell ${presence}`}><span className={`dot-status ${presence}`} aria-hidden="true" /> {t(`presence_${presence}`)}</td>
                    <td className="num">{since ? duration(now - new Date(since).getTime(), units) : '–'}</td>
                    <td className={`num${full ? ' full' : ''}`}>
                      <meter min={0} max={Math.max(1, a.capacity)} value={a.load} aria-label={`${t('load')} ${a.name}`} /> {a.load} / {a.capacity}
                    </td>
                    <td>{a.teamIds.map((id) => teamNames.get(id) ?? id).join(', ')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table></div>
        ) : <Unavailable state={board} />}
      </section>
      <section aria-labelledby="wb-risk" className="card wide">
        <h2 id="wb-risk">{t('atRisk')}</h2>
        {risk && 'data' in risk ? (
          risk.data.length ? (
            <div className="table-wrap"><table>
              <thead><tr><th scope="col">{t('customer')}</th><th scope="col">{t('kind')}</th><th scope="col">{t('due')}</th><th scope="col">{t('assignee')}</th><th scope="col">{t('teams')}</th></tr></thead>
              <tbody>
                {risk.data.map((r) => {
                  const left = new Date(r.dueAt).getTime() - now;
                  const breached = r.breached || left <= 0;
                  return (
                    <tr key={`${r.conversationId}-${r.kind}`} className={breached ? 'breached' : 'at-risk'}>
                      <th scope="row"><a href={`/c/${r.conversationId}`}>{r.customerName ?? r.customerVisitorName?.[lang] ?? r.conversationId}</a></th>
                      <td>{t(`sla_${r.kind}`)}</td>
                      <td>{breached ? <span className="label danger">{t('breachedAgo', { time: duration(-left, units) })}</span> : t('dueIn', { time: duration(left, units) })}</td>
                      <td>{r.assigneeId ? names.get(r.assigneeId) ?? r.assigneeId : t('nobody')}</td>
                      <td>{r.teamId ? teamNames.get(r.teamId) ?? '' : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table></div>
          ) : <p className="muted">{t('noAtRisk')}</p>
        ) : <Unavailable state={risk} />}
      </section>
      <section aria-labelledby="wb-viewers" className="card wide">
        <h2 id="wb-viewers">{t('viewing')}</h2>
        {b ? (
          b.data.viewers.length ? (
            <ul className="viewers">
              {b.data.viewers.map((v) => (
                <li key={v.conversationId}><a href={`/c/${v.conversationId}`}>{v.customerName ?? v.customerVisitorName?.[lang] ?? t('unnamedCustomer')}</a>: {v.agentIds.map((id) => names.get(id) ?? id).join(', ')}</li>
              ))}
            </ul>
          ) : <p className="muted">{t('nobodyViewing')}</p>
        ) : <Unavailable state={board} />}
      </section>
      {b && <p className="muted refreshed" aria-live="off">{t('refreshedAt', { time: time(b.at) })}</p>}
    </div>
  );
}
