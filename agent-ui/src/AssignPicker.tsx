import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { useDismiss } from './dismiss';
import { byAvailability, canAssignTo, canMoveToTeam, loadAssignees, type Assignees } from './assignees';
import type { ConversationView, Me } from './types';

/**
 * "Hand off": assign the conversation to a colleague (presence, load and capacity shown) or move it to a team (it
 * then waits, unassigned, in that team's queue). Options the asker may not use are shown disabled, with why.
 */
export function AssignPicker({ conversation, me, onError }: { conversation: ConversationView; me: Me; onError: (message: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<Assignees | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    loadAssignees().then(setData, (err: Error) => onError(err.message)); // fresh each time: loads change by the minute
  }, [open, onError]);
  useDismiss(open, box, useCallback(() => setOpen(false), []));
  const send = (body: { assigneeId: string | null; teamId?: string }) => {
    setOpen(false);
    api(`/conversations/${conversation.id}/assign`, { body }).then(() => onError(''), (err: Error) => onError(err.message));
  };
  const agentOnly = t('handoffAgentsOnly');
  return (
    <div className="assign-picker" ref={box}>
      <button type="button" data-action="handoff" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>{t('handoff')}</button>
      {open && (
        <div className="picker" role="group" aria-label={t('handoff')}>
          {!data ? <p className="muted">{t('loading')}</p> : (
            <>
              <h3>{t('handoffAgents')}</h3>
              <ul>
                {[...data.agents].sort(byAvailability).map((a) => {
                  const allowed = canAssignTo(me, a.id) && a.id !== conversation.assigneeId;
                  const full = a.capacity > 0 && a.load >= a.capacity;
                  return (
                    <li key={a.id}>
                      <button type="button" data-assignee={a.id} disabled={!allowed} title={allowed ? undefined : a.id === conversation.assigneeId ? t('handoffCurrent') : agentOnly} onClick={() => send({ assigneeId: a.id })}>
                        <span className={`presence-dot ${a.presence}`} aria-hidden="true" />
                        <span className="who">{a.name}{a.id === me.id ? ` (${t('you')})` : ''}</span>
                        <span className="muted small">{t(`presence_${a.presence}`)}</span>
                        <span className={`load${full ? ' full' : ''}`}>{t('handoffLoad', { load: a.load, capacity: a.capacity })}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
              {data.teams.length > 0 && <h3>{t('handoffTeams')}</h3>}
              <ul>
                {data.teams.map((tm) => {
                  const allowed = canMoveToTeam(me, conversation, tm.id) && tm.id !== conversation.teamId;
                  return (
                    <li key={tm.id}>
                      <button type="button" data-team={tm.id} disabled={!allowed} title={allowed ? undefined : t('handoffTeamRule')} onClick={() => send({ assigneeId: null, teamId: tm.id })}>
                        <span className="who">{tm.name}</span>
                        {tm.id === conversation.teamId && <span className="muted small">{t('handoffCurrent')}</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
