// What the accounts, finance, reports and batch pages share: a confirmed
// change in a dialog, a span of dates, saving a file, the spreadsheet export.
import { useState } from 'preact/hooks';
import writeXlsxFile from 'write-excel-file/universal';
import { Problem } from './load.jsx';
import { t } from './i18n.js';
import './i18n_ops.js';

// A dialog that makes one change: its fields, the permission it needs and
// the audit it makes said, run() called on submit; onDone(result) after.
export function ChangeDialog({ id, title, needs, children, run, onDone, onCancel }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    run().then(onDone).catch((err) => { setError(err); setBusy(false); });
  };
  return (
    <div class="dialog-backdrop">
      <form class="dialog wide" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} id={id} onSubmit={submit}>
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        <p class="hint">{needs}</p>
        {error && <Problem error={error} />}
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={onCancel}>{t('cancel')}</button>
          <button type="submit" id={`${id}-confirm`} disabled={busy}>{t('confirm')}</button>
        </div>
      </form>
    </div>
  );
}

// A labelled input bound to state[key] of a form object.
export function Field({ form, set, name, label, type = 'text', required = false, ...rest }) {
  return (
    <label>{label}
      <input id={`f-${name}`} name={name} type={type} required={required} value={form[name] ?? ''}
        onInput={(e) => set({ ...form, [name]: e.currentTarget.value })} {...rest} />
    </label>
  );
}

// Today and the first of this month as YYYY-MM-DD (the browser's day).
function ymd(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// A span of days: from (inclusive) and to (inclusive, shown), the query
// arguments from and to (exclusive: the day after).
export function useSpan(back = 31) {
  const now = new Date();
  const [span, setSpan] = useState({ from: ymd(new Date(now.getTime() - back * 86400000)), to: ymd(now) });
  const after = new Date(`${span.to}T00:00:00Z`);
  after.setUTCDate(after.getUTCDate() + 1);
  const query = `from=${span.from}&to=${after.toISOString().slice(0, 10)}`;
  return { span, setSpan, query };
}

export function SpanInputs({ span, setSpan, children }) {
  return (
    <div class="filters">
      <label class="inline">{t('from')}<input type="date" id="span-from" value={span.from} onChange={(e) => setSpan({ ...span, from: e.currentTarget.value })} /></label>
      <label class="inline">{t('to')}<input type="date" id="span-to" value={span.to} onChange={(e) => setSpan({ ...span, to: e.currentTarget.value })} /></label>
      {children}
    </div>
  );
}

// Saves blob as a file called name.
export function saveBlob(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A button saving the rows (cols as the Table takes them) as a real .xlsx:
// numbers as numbers, money in minor units as its own column.
export function XlsxButton({ name, cols, rows }) {
  const save = async () => {
    const header = cols.map((c) => ({ value: c.label, fontWeight: 'bold' }));
    const data = rows.map((r) => cols.map((c) => {
      const v = c.xlsx ? c.xlsx(r) : r[c.key];
      return typeof v === 'number' ? { type: Number, value: v } : { type: String, value: String(v ?? '') };
    }));
    saveBlob(`${name}.xlsx`, await writeXlsxFile([header, ...data]).toBlob());
  };
  return <button type="button" class="secondary" id={`${name}-xlsx`} onClick={save}>{t('xlsx')}</button>;
}

// The state of a batch's command as a word.
export function stateWord(s) {
  return t(`st_${s}`);
}
