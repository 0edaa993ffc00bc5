import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChannelSetup } from './ChannelSetup';
import { People } from './People';
import { Reports } from './Reports';
import { Wallboard } from './Wallboard';
import type { Me } from './types';

type Section = 'people' | 'channels' | 'wallboard' | 'reports';
const PATHS: Record<Section, string> = { people: '/admin', channels: '/admin/channels', wallboard: '/supervisor', reports: '/supervisor/reports' };
const sectionOf = (path: string): Section => (Object.entries(PATHS).find(([, p]) => p === path)?.[0] as Section | undefined) ?? 'people';
/** The management pages live under these paths; App opens this shell for them. */
export const isManagePath = (path: string) => Object.values(PATHS).includes(path);

/** Management: agents and teams, channel setup (admins), wallboard and reports (supervisors and admins). */
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
  const sections: Section[] = me.role === 'admin' ? ['wallboard', 'reports', 'people', 'channels'] : ['wallboard', 'reports', 'people'];
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
      {shown === 'channels' && <ChannelSetup />}
      {shown === 'wallboard' && <Wallboard />}
      {shown === 'reports' && <Reports />}
    </main>
  );
}
