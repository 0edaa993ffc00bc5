import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Report {
  dryRun: boolean; written: boolean;
  created: { line: number; email?: string; phone?: string }[]; updated: { line: number; email?: string; phone?: string }[];
  merged: { line: number; into: number }[]; rejected: { line: number; reason: string }[];
}

/** CSV import: check the file first (a dry run lists what would be created, updated, merged or rejected and why), then import. */
export function CustomerImport({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState('');
  useEffect(() => ref.current?.showModal(), []);

  async function send(dryRun: boolean) {
    if (!file) return;
    const res = await fetch(`/api/directory/import?dryRun=${dryRun}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'text/csv' }, body: await file.text() });
    const body = (await res.json().catch(() => ({}))) as Report & { error?: string };
    if (res.status !== 200 && res.status !== 422) {
      setError(body.error ?? res.statusText);
      setReport(null);
      return;
    }
    setError('');
    setReport(body);
  }
  return (
    <dialog ref={ref} className="import" aria-labelledby="import-title" onClose={onClose}>
      <h2 id="import-title">{t('importTitle')}</h2>
      <p className="muted">{t('importHelp')}</p>
      <label>{t('chooseFile')}<input type="file" accept=".csv,text/csv" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setReport(null); }} /></label>
      <div className="row">
        <button type="button" disabled={!file} onClick={() => void send(true)}>{t('dryRun')}</button>
        <button type="button" className="primary" disabled={!file} onClick={() => void send(false)}>{t('runImport')}</button>
        <span className="spacer" />
        <button type="button" onClick={() => ref.current?.close()}>{t('close')}</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {report && (
        <div role="status" className="import-report">
          <p className={report.rejected.length && !report.dryRun ? 'error' : 'ok'}>
            {report.written ? t('importWritten', { created: report.created.length, updated: report.updated.length })
              : report.dryRun ? t('importPreview', { created: report.created.length, updated: report.updated.length, rejected: report.rejected.length })
              : t('importNothingWritten')}
          </p>
          <table>
            <thead><tr><th>{t('importLine')}</th><th>{t('status')}</th><th>{t('importReason')}</th></tr></thead>
            <tbody>
              {[
                ...report.rejected.map((r) => ({ line: r.line, what: t('importRejected'), why: r.reason })),
                ...report.created.map((r) => ({ line: r.line, what: t('importCreated'), why: [r.email, r.phone].filter(Boolean).join(', ') })),
                ...report.updated.map((r) => ({ line: r.line, what: t('importUpdated'), why: [r.email, r.phone].filter(Boolean).join(', ') })),
                ...report.merged.map((r) => ({ line: r.line, what: t('importMerged'), why: String(r.into) })),
              ].sort((a, b) => a.line - b.line).map((r) => <tr key={`${r.line}-${r.what}`}><td>{r.line}</td><td>{r.what}</td><td>{r.why}</td></tr>)}
            </tbody>
          </table>
        </div>
      )}
    </dialog>
  );
}
