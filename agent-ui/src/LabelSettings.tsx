import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { formError } from './form-error';
import { labelList, labelStyle, type LabelInfo } from './shared-lists';

const DEFAULT_COLOUR = '#8a94a6';

/**
 * Admins: the labels agents put on conversations, with how many carry each. A rename changes every conversation
 * that carries the label (onto an existing name: merges them); a colour shows on every console at once.
 */
export function LabelSettings() {
  const { t } = useTranslation();
  const labels = labelList.useList();
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState('');
  const fields = { to: t('labelNewName'), colour: t('labelColour'), name: t('name') };

  async function act(name: string, call: () => Promise<string>) {
    setBusy(name);
    try {
      const message = await call();
      setError('');
      setNotice(message);
    } catch (err) {
      setNotice('');
      setError(formError(err, t, fields));
    } finally {
      setBusy('');
      labelList.refresh();
    }
  }
  const path = (name: string) => `/labels/${encodeURIComponent(name)}`;
  const rename = (l: LabelInfo, to: string) => act(l.name, async () => {
    const res = await api<{ name: string; conversations: number }>(`${path(l.name)}/rename`, { body: { to } });
    return t('labelRenamed', { from: l.name, to: res.name, count: res.conversations });
  });
  const colour = (l: LabelInfo, value: string | null) => act(l.name, async () => {
    await api(path(l.name), { method: 'PUT', body: { colour: value } });
    return t('labelColourSaved', { name: l.name });
  });
  const remove = (l: LabelInfo) => {
    if (!confirm(t('labelDeleteConfirm', { name: l.name, count: l.conversations }))) return;
    void act(l.name, async () => {
      const res = await api<{ conversations: number }>(`${path(l.name)}/delete`, { method: 'POST' });
      return t('labelDeleted', { name: l.name, count: res.conversations });
    });
  };

  return (
    <section aria-labelledby="labels-title">
      <h2 id="labels-title">{t('section_labels')}</h2>
      <p className="muted">{t('labelsHelp')}</p>
      {notice && <p role="status" className="ok">{notice}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {labels.length === 0 ? <p className="muted">{t('labelsNone')}</p> : (
        <div className="table-wrap">
          <table className="label-table">
            <thead><tr><th>{t('labelName')}</th><th className="num">{t('labelConversations')}</th><th>{t('labelColour')}</th><th>{t('labelRename')}</th><th /></tr></thead>
            <tbody>
              {labels.map((l) => <LabelRow key={l.name} label={l} busy={busy === l.name} onRename={rename} onColour={colour} onDelete={remove} />)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function LabelRow({ label, busy, onRename, onColour, onDelete }: {
  label: LabelInfo; busy: boolean;
  onRename: (l: LabelInfo, to: string) => Promise<void>; onColour: (l: LabelInfo, colour: string | null) => Promise<void>; onDelete: (l: LabelInfo) => void;
}) {
  const { t } = useTranslation();
  const [to, setTo] = useState(label.name);
  const [colour, setColour] = useState(label.colour ?? DEFAULT_COLOUR);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onRename(label, to);
  };
  return (
    <tr aria-busy={busy || undefined}>
      <td><span className="label" style={labelStyle(label.colour)}>{label.name}</span></td>
      <td className="num">{label.conversations}</td>
      <td>
        <span className="colour-pick">
          <input type="color" value={colour} aria-label={`${t('labelColour')}: ${label.name}`} onChange={(e) => setColour(e.target.value)} />
          <button type="button" disabled={busy || colour === label.colour} onClick={() => void onColour(label, colour)} aria-label={`${t('labelSaveColour')}: ${label.name}`}>{t('labelSaveColour')}</button>
          {label.colour && <button type="button" disabled={busy} onClick={() => { setColour(DEFAULT_COLOUR); void onColour(label, null); }}>{t('labelNoColour')}</button>}
        </span>
      </td>
      <td>
        <form className="row" onSubmit={submit} aria-label={`${t('labelRename')}: ${label.name}`} noValidate>
          <input value={to} maxLength={41} aria-label={`${t('labelNewName')}: ${label.name}`} onChange={(e) => setTo(e.target.value)} />
          <button type="submit" disabled={busy || to.trim() === label.name}>{t('labelRename')}</button>
        </form>
      </td>
      <td><button type="button" className="danger" disabled={busy} onClick={() => onDelete(label)} aria-label={`${t('delete')}: ${label.name}`}>{t('delete')}</button></td>
    </tr>
  );
}
