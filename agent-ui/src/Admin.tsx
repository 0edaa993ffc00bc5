import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminTokens } from './AdminTokens';
import { AuditLog } from './AuditLog';
import { Automation } from './Automation';
import { CannedResponses } from './CannedResponses';
import { ChannelSetup } from './ChannelSetup';
import { HealthRules } from './HealthRules';
import { LabelSettings } from './LabelSettings';
import { People } from './People';
import { Reports } from './Reports';
import { Retention } from './Retention';
import { TeamPolicies } from './TeamPolicies';
import { Wallboard } from './Wallboard';
import { Webhooks } from './Webhooks';
import type { Me } from './types';

type Section = 'people' | 'hours' | 'canned' | 'labels' | 'channels' | 'tokens' | 'webhooks' | 'automation' | 'audit' | 'privacy' | 'wallboard' | 'reports' | 'health';
const PATHS: Record<Section, string> = {
  people: '/admin', hours: '/admin/hours', canned: '/admin/canned', labels: '/admin/labels', channels: '/admin/channels', tokens: '/admin/tokens',
  webhooks: '/admin/webhooks', automation: '/admin/automation', audit: '/admin/audit', privacy: '/admin/privacy', wallboard: '/supervisor', reports: '/supervisor/reports',
  health: '/admin/health',
};
const sectionOf = (path: string): Section => (Object.entries(PATHS).find(([, p]) => p === path)?.[0] as Section | undefined) ?? 'people';
/** The management pages live under these paths; App opens this shell for them. */
export const isManagePath = (path: string) => Object.values(PATHS).includes(path);

/**
 * Management: agents and teams, business hours with out-of-hours replies and SLA targets, canned responses, labels,
 * channel setup, API tokens, webhooks, automation rules, the audit log and data retention (admins), wallboard and reports
 * (supervisors and admins). The audit log is admins' only: it shows settings of areas supervisors cannot open.
 */
export function Admin({ me, onClose }: { me: Me; onClose: () => void }) {
  const { t } = useTranslation();
  const [section, setSection] = useState<Section>(() => sectionOf(location.pathname));
  useEffect(() => {
    const onPop = () => setSection(sectionOf(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  // The hub refuses these APIs to agents anyway; the console does not show the pages either (a deep link says so).
  if (me.role === 'agent') {
    return (
      <main className="admin" aria-labelledby="admin-title">
        <header className="row"><h1 id="admin-title">{t('manage')}</h1><span className="spacer" /><button type="button" onClick={onClose}>{t('backToInbox')}</button></header>
        <p role="alert">{t('notAllowed')}</p>
      </main>
    );
  }
  const sections: Section[] = me.role === 'admin' ? ['wallboard', 'reports', 'people', 'hours', 'canned', 'labels', 'channels', 'tokens', 'webhooks', 'automation', 'audit', 'privacy', 'health'] : ['wallboard', 'reports', 'people'];
  const shown = sections.includes(section) ? section : 'people';
  const go = (s: Section) => {
    setSection(s);
    history.pushState(null, '', PATHS[s]);
  };
  return (
    <main className="admin" aria-labelledby="admin-title">
      <header className="row">
        <h1 id="admin-title">{t('manage')}</h1>
        <nav className="sections" aria-label={t('manage')}>
          {sections.map((s) => (
            <button key={s} type="button" aria-current={s === shown ? 'page' : undefined} onClick={() => go(s)}>{t(`section_${s}`)}</button>
          ))}
        </nav>
        <span className="spacer" />
        <button type="button" onClick={onClose}>{t('backToInbox')}</button>
      </header>
      {shown === 'people' && <People me={me} />}
      {shown === 'hours' && <TeamPolicies />}
      {shown === 'canned' && <CannedResponses />}
      {shown === 'labels' && <LabelSettings />}
      {shown === 'channels' && <ChannelSetup />}
      {shown === 'tokens' && <AdminTokens />}
      {shown === 'webhooks' && <Webhooks />}
      {shown === 'automation' && <Automation />}
      {shown === 'audit' && <AuditLog />}
      {shown === 'privacy' && <Retention />}
      {shown === 'wallboard' && <Wallboard />}
      {shown === 'reports' && <Reports />}
      {shown === 'health' && <HealthRules />}
    </main>
  );
}
