import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A read-only value an admin pastes elsewhere (webhook URL, snippet), with a copy button. */
export function CopyField({ label, value, multiline = false }: { label: string; value: string; multiline?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard?.writeText(value).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    }, () => {});
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        {multiline
          ? <textarea id={id} readOnly value={value} rows={value.split('\n').length + 1} onFocus={(e) => e.target.select()} />
          : <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />}
        <button type="button" onClick={() => void copy()} aria-label={`${t('copy')}: ${label}`}>{copied ? t('copied') : t('copy')}</button>
      </div>
    </div>
  );
}
