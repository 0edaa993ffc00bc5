import { useCallback, useEffect, useRef, useState } from 'react';
import { useDismiss } from './dismiss';
import { useTranslation } from 'react-i18next';
import { applyMacro, keptText, lastRun, listMacros, refusalText, undoMacro, type Macro, type MacroRun } from './macros-api';
import type { ConversationView } from './types';

/** The management page's path (App opens it; the menu links there). */
export const MACROS_PATH = '/macros';

type Toast =
  | { kind: 'applied'; run: MacroRun }
  | { kind: 'undone'; name: string; notes: string[] }
  | { kind: 'error'; message: string };

/** How long the undo offer stays on screen after applying (the menu keeps offering it afterwards). */
const UNDO_TOAST_MS = 20_000;

/**
 * The thread's "Macros" menu (shortcut m): type to filter, Enter or click applies; an undo offer follows, and the
 * menu offers "undo the last macro" for as long as the hub can take it back.
 */
export function MacroMenu({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [macros, setMacros] = useState<Macro[] | null>(null);
  const [filter, setFilter] = useState('');
  const [last, setLast] = useState<MacroRun | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setFilter('');
    listMacros().then(setMacros, (err: Error) => setToast({ kind: 'error', message: err.message }));
    void lastRun(conversation.id).then(setLast);
  }, [open, conversation.id]);
  useDismiss(open, box, useCallback(() => setOpen(false), []));
  useEffect(() => setToast(null), [conversation.id]);
  useEffect(() => {
    if (toast?.kind !== 'applied') return;
    const timer = setTimeout(() => setToast(null), UNDO_TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  const needle = filter.trim().toLocaleLowerCase('tr-TR');
  const shown = (macros ?? []).filter((m) => !needle || m.name.toLocaleLowerCase('tr-TR').includes(needle));

  async function apply(m: Macro) {
    setOpen(false);
    setBusy(true);
    try {
      const { run } = await applyMacro(conversation.id, m.id);
      setToast(run ? { kind: 'applied', run } : { kind: 'error', message: t('macroNothingChanged', { name: m.name }) });
    } catch (err) {
      setToast({ kind: 'error', message: t('macroRefused', { name: m.name, error: refusalText(err, t) }) });
    } finally {
      setBusy(false);
    }
  }
  async function undo() {
    setOpen(false);
    setBusy(true);
    try {
      const answer = await undoMacro(conversation.id);
      setToast({ kind: 'undone', name: answer.macroName, notes: keptText(answer.kept, t) });
    } catch (err) {
      setToast({ kind: 'error', message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }
  const manage = () => {
    setOpen(false);
    history.pushState(null, '', MACROS_PATH);
    dispatchEvent(new PopStateEvent('popstate'));
  };
  const group = (visibility: Macro['visibility']) => shown.filter((m) => m.visibility === visibility);

  return (
    <div className="assign-picker macro-menu" ref={box}>
      <button type="button" id="macro-menu-button" data-action="macros" aria-expanded={open} aria-haspopup="true" disabled={busy} onClick={() => setOpen(!open)}>{t('macros')}</button>
      {open && (
        <div className="picker" role="group" aria-label={t('macros')}>
          <input
            type="search" autoFocus value={filter} placeholder={t('macroFilter')} aria-label={t('macroFilter')}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && shown[0]) { e.preventDefault(); void apply(shown[0]); } }}
          />
          {!macros ? <p className="muted">{t('loading')}</p> : shown.length === 0 ? <p className="muted">{macros.length ? t('noResults') : t('macroNone')}</p> : (
            (['personal', 'shared'] as const).map((v) => group(v).length > 0 && (
              <section key={v}>
                <h3>{t(`macroVisibility_${v}`)}</h3>
                <ul>
                  {group(v).map((m) => (
                    <li key={m.id}><button type="button" data-macro={m.id} className={needle && m === shown[0] ? 'first' : undefined} title={needle && m === shown[0] ? t('macroEnterApplies') : undefined} onClick={() => void apply(m)}><span className="who">{m.name}</span>{needle && m === shown[0] && <kbd>Enter</kbd>}</button></li>
                  ))}
                </ul>
              </section>
            ))
          )}
          <ul className="macro-footer">
            {last && <li><button type="button" data-action="undo-macro" onClick={() => void undo()}>{t('macroUndoLast', { name: last.macroName })}</button></li>}
            <li><button type="button" onClick={manage}>{t('macroManage')}</button></li>
          </ul>
        </div>
      )}
      {toast && (
        <div className={`toast${toast.kind === 'error' ? ' error' : ''}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span className="toast-body">
            {toast.kind === 'applied' && <>{t('macroApplied', { name: toast.run.macroName })}{toast.run.replies > 0 && <span className="note">{t('macroReplyFinal')}</span>}</>}
            {toast.kind === 'undone' && <>{t('macroUndone', { name: toast.name })}{toast.notes.map((n) => <span key={n} className="note">{n}</span>)}</>}
            {toast.kind === 'error' && toast.message}
          </span>
          {toast.kind === 'applied' && <button type="button" data-action="undo-macro" onClick={() => void undo()}>{t('undo')}</button>}
          <button type="button" className="dismiss" aria-label={t('close')} onClick={() => setToast(null)}>×</button>
        </div>
      )}
    </div>
  );
}
