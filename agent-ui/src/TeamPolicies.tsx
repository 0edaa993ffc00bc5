import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { AutoReplySettings } from './AutoReplySettings';
import { BusinessHours } from './BusinessHours';
import { SlaPolicySettings } from './SlaPolicySettings';
import { TeamPicker } from './TeamPicker';
import type { Team } from './types';

interface OpenState { hasCalendar: boolean; timezone: string | null; open: boolean; nextOpening: string | null }

/**
 * Admins: business hours and holidays, the out-of-hours reply and SLA targets, of the default or of one team. What
 * the hub decides from them now (open or closed, next opening) is shown above and follows every saved change.
 */
export function TeamPolicies() {
  const { t } = useTranslation();
  const [teams, setTeams] = useState<Team[]>([]);
  const [key, setKey] = useState('default');
  const [state, setState] = useState<OpenState | null>(null);
  useEffect(() => void api<Team[]>('/teams').then(setTeams, () => {}), []);
  const loadState = useCallback(() => void api<OpenState>(`/teams/${key}/open-state`).then(setState, () => setState(null)), [key]);
  useEffect(loadState, [loadState]);
  const when = (iso: string) => new Date(iso).toLocaleString(t('locale'), { dateStyle: 'full', timeStyle: 'short', timeZone: state?.timezone ?? undefined });

  return (
    <section aria-labelledby="policies-title" className="team-policies">
      <h2 id="policies-title" className="sr-only">{t('section_hours')}</h2>
      <div className="policy-head row">
        <TeamPicker value={key} teams={teams} onChange={setKey} />
        {state && (
          <p role="status" aria-live="polite" className={`open-state ${state.open ? 'is-open' : 'is-closed'}`} data-testid="open-state">
            {!state.hasCalendar ? t('openStateAlways')
              : state.open ? t('openStateOpen', { tz: state.timezone })
              : state.nextOpening ? t('openStateClosed', { when: when(state.nextOpening), tz: state.timezone }) : t('openStateNever')}
          </p>
        )}
      </div>
      <BusinessHours key={`h-${key}`} teamKey={key} onSaved={loadState} />
      <AutoReplySettings key={`a-${key}`} teamKey={key} />
      <SlaPolicySettings key={`s-${key}`} teamKey={key} />
    </section>
  );
}
