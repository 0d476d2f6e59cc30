// A table as every list in the console has it: a filter, sortable columns,
// pages of 20, the count, and CSV of exactly what is shown (the filtered,
// sorted rows). Numbers are right-aligned.
import { useMemo, useState } from 'preact/hooks';
import { t } from './i18n.js';

const PAGE = 20;

function csvCell(v) {
  const s = String(v ?? '');
  const guarded = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function download(name, cols, rows) {
  const lines = [cols.map((c) => csvCell(c.label)).join(',')]
    .concat(rows.map((r) => cols.map((c) => csvCell(c.text ? c.text(r) : r[c.key])).join(',')));
  const url = URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function compare(a, b, num) {
  if (num) return (Number(a) || 0) - (Number(b) || 0);
  return String(a ?? '').localeCompare(String(b ?? ''));
}

// cols: [{key, label, num, render(row), text(row)}]; rows: objects; id: a
// name for the CSV file and the elements; empty: what to say when there are no rows.
export function Table({ id, caption, cols, rows, empty, actions }) {
  const [sort, setSort] = useState({ key: null, dir: 1 });
  const [page, setPage] = useState(0);
  const [query, setQuery] = useState('');

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    let r = q ? rows.filter((row) => cols.some((c) => String(c.text ? c.text(row) : row[c.key] ?? '').toLowerCase().includes(q))) : rows.slice();
    if (sort.key) {
      const col = cols.find((c) => c.key === sort.key);
      r.sort((a, b) => sort.dir * compare(a[sort.key], b[sort.key], col && col.num));
    }
    return r;
  }, [rows, cols, sort, query]);

  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const p = Math.min(page, pages - 1);
  const slice = shown.slice(p * PAGE, p * PAGE + PAGE);
  const toggle = (key) => { setSort((s) => ({ key, dir: s.key === key ? -s.dir : 1 })); setPage(0); };

  return (
    <section class="table-block" aria-labelledby={`${id}-caption`}>
      <div class="table-bar">
        <h2 id={`${id}-caption`}>{caption}</h2>
        <label class="filter">
          <span class="visually-hidden">{t('filter')}: {caption}</span>
          <input type="search" placeholder={t('search')} value={query}
            onInput={(e) => { setQuery(e.currentTarget.value); setPage(0); }} />
        </label>
        {actions}
        <button type="button" class="secondary" onClick={() => download(id, cols, shown)}>{t('csv')}</button>
      </div>
      {shown.length === 0 ? <p class="empty">{rows.length === 0 ? empty : t('no_rows')}</p> : (
        <div class="table-scroll">
          <table id={id}>
            <thead>
              <tr>
                {cols.map((c) => (
                  <th scope="col" class={c.num ? 'num' : ''}
                    aria-sort={sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none'}>
                    {c.sortable === false ? c.label : (
                      <button type="button" class="sort" onClick={() => toggle(c.key)}>
                        {c.label}<span aria-hidden="true">{sort.key === c.key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}</span>
                      </button>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {slice.map((row) => (
                <tr>{cols.map((c) => <td class={c.num ? 'num' : ''}>{c.render ? c.render(row) : row[c.key]}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="table-foot">
        <span class="count">{t('rows', shown.length)}</span>
        <nav class="pager" aria-label={`${caption}: ${t('page', p + 1, pages)}`}>
          <button type="button" class="secondary" disabled={p === 0} onClick={() => setPage(p - 1)}>{t('prev')}</button>
          <span>{t('page', p + 1, pages)}</span>
          <button type="button" class="secondary" disabled={p >= pages - 1} onClick={() => setPage(p + 1)}>{t('next')}</button>
        </nav>
      </div>
    </section>
  );
}

// A status as a coloured dot and a word, never colour alone.
export function Status({ kind, word }) {
  return <span class={`status status-${kind}`}><span class="dot" aria-hidden="true"></span>{word}</span>;
}
