import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'key_jk'], ['Enter', 'key_enter'], ['e', 'key_e'], ['a', 'key_a'], ['m', 'key_m'], ['/', 'key_slash'], ['?', 'key_help'], ['Ctrl+Enter', 'key_send'], ['/…', 'key_canned'],
];

export function Help({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => ref.current?.showModal(), []);
  return (
    <dialog ref={ref} className="settings help" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">{t('shortcuts')}</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([k, label]) => <tr key={k}><td><kbd>{k}</kbd></td><td>{t(label)}</td></tr>)}
        </tbody>
      </table>
      <div className="row"><button type="button" onClick={onClose} autoFocus>{t('close')}</button></div>
    </dialog>
  );
}
