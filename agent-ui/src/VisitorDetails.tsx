import { useTranslation } from 'react-i18next';
import type { VisitorProfile } from '../../src/domain/visitor';
import { useNow } from './time';

/** A page address shown short (host and path), linked in full; only http(s) addresses reach the console. */
function PageLink({ url }: { url: string }) {
  let short = url;
  try {
    const u = new URL(url);
    short = `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch { /* shown as it is */ }
  return <a href={url} target="_blank" rel="noopener noreferrer nofollow" title={url}>{short}</a>;
}

/**
 * What the web chat knew of the visitor when their session began (src/domain/visitor.ts): the page and where they
 * came from, browser and OS, the browser's language, and their local time now (ticking) with the city.
 */
export function VisitorDetails({ visitor }: { visitor: VisitorProfile }) {
  const { t, i18n } = useTranslation();
  const now = useNow(30_000);
  const lang = i18n.language === 'en' ? 'en' : 'tr';
  let local: string | undefined;
  if (visitor.timezone) {
    try {
      local = new Date(now).toLocaleTimeString(t('locale'), { hour: '2-digit', minute: '2-digit', timeZone: visitor.timezone });
    } catch { /* an unknown zone: no local time */ }
  }
  const city = visitor.city?.[lang];
  const row = (field: string, label: string, value: React.ReactNode) => (
    <div data-field={field}><dt>{label}</dt><dd>{value}</dd></div>
  );
  return (
    <>
      <h3>{t('visitorDetails')}</h3>
      <dl className="visitor-details">
        {visitor.pageUrl && row('page', t('visitorPage'), <PageLink url={visitor.pageUrl} />)}
        {visitor.referrer && row('referrer', t('visitorReferrer'), <PageLink url={visitor.referrer} />)}
        {(visitor.browser || visitor.os) && row('browser', t('visitorBrowser'), [visitor.browser, visitor.os].filter(Boolean).join(' · '))}
        {visitor.language && row('language', t('visitorLanguage'), visitor.language)}
        {local && row('localTime', t('visitorLocalTime'), (
          <>
            {local}
            {city && <> · {city}</>}
            {city && visitor.cityFrom === 'timezone' && <span className="muted small"> ({t('visitorCityGuess')})</span>}
          </>
        ))}
      </dl>
    </>
  );
}
