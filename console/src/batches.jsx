// Batch operations (docs/collector.md, "Batches"): create one (a site's
// meters or meters chosen, the operation and its parameters, now or at a
// time), follow its progress live (each meter's latest attempt, polled every
// second; the batch's id in the address, so one may leave and come back),
// cancel what is still queued.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { Page, Problem, useLoad } from './load.jsx';
import { ChangeDialog, stateWord } from './ops.jsx';
import { Status, Table } from './table.jsx';

const COMMANDS = ['relay_trip', 'relay_close', 'keep_power_on', 'keep_power_off', 'set_alarms', 'credit'];
const STATES = ['queued', 'sent', 'done', 'failed', 'unknown', 'expired', 'refused', 'cancelled'];
const FINAL = new Set(['done', 'failed', 'unknown', 'expired', 'refused', 'cancelled']);

const followed = () => new URLSearchParams(location.hash.split('?')[1] || '').get('id') || '';
const follow = (id) => { location.hash = id ? `#/batches?id=${encodeURIComponent(id)}` : '#/batches'; };

function params(f) {
  if (f.command === 'credit') return { amount: Number(f.amount || 0), paid_by: f.paid_by || 'counter', reference: f.reference || '' };
  if (f.command === 'set_alarms') return { alarm1: Number(f.alarm1 || 0), alarm2: Number(f.alarm2 || 0) };
  return undefined;
}

function Create({ meters, who, onCreated }) {
  const sites = [...new Set(meters.map((m) => m.site))].sort();
  const [f, setF] = useState({ command: 'relay_trip', mode: 'meters', site: sites[0] || '', when: 'now', at: '', reason: '' });
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState(new Set());
  const [confirming, setConfirming] = useState(false);
  const q = query.trim().toLowerCase();
  const matching = meters.filter((m) => !q || m.meter.toLowerCase().includes(q) || String(m.customer).toLowerCase().includes(q));
  const count = f.mode === 'site' ? meters.filter((m) => m.site === f.site).length : chosen.size;
  const toggle = (id) => { const s = new Set(chosen); if (s.has(id)) s.delete(id); else s.add(id); setChosen(s); };
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const run = () => api('POST', '/v1/admin/batches', {
    command: f.command, operator: who.operator, reason: f.reason, params: params(f),
    ...(f.mode === 'site' ? { site: f.site } : { meters: [...chosen] }),
    ...(f.when === 'at' && f.at ? { at: new Date(f.at).toISOString().replace(/\.\d+Z$/, 'Z') } : {}),
  });
  return (
    <form class="panel" aria-labelledby="new-batch-title" onSubmit={(e) => { e.preventDefault(); setConfirming(true); }}>
      <h2 id="new-batch-title">{t('new_batch')}</h2>
      <div class="form-grid">
        <label>{t('operation')}<select id="batch-command" value={f.command} onChange={set('command')}>
          {COMMANDS.map((c) => <option value={c}>{c}</option>)}</select></label>
        {f.command === 'credit' && <>
          <label>{t('amount_minor')}<input id="batch-amount" type="number" min="1" required value={f.amount || ''} onInput={set('amount')} /></label>
          <label>{t('paid_by')}<input id="batch-paid-by" value={f.paid_by || ''} placeholder="counter" onInput={set('paid_by')} /></label>
        </>}
        {f.command === 'set_alarms' && <>
          <label>{t('alarm1')}<input id="batch-alarm1" type="number" min="0" required value={f.alarm1 || ''} onInput={set('alarm1')} /></label>
          <label>{t('alarm2')}<input id="batch-alarm2" type="number" min="0" required value={f.alarm2 || ''} onInput={set('alarm2')} /></label>
        </>}
        <label>{t('reason')}<input id="batch-reason" required value={f.reason} onInput={set('reason')} /></label>
      </div>
      <fieldset class="choice"><legend>{t('selection')}</legend>
        <label class="check"><input type="radio" name="mode" id="mode-meters" checked={f.mode === 'meters'} onChange={() => setF({ ...f, mode: 'meters' })} />{t('chosen_meters')}</label>
        <label class="check"><input type="radio" name="mode" id="mode-site" checked={f.mode === 'site'} onChange={() => setF({ ...f, mode: 'site' })} />{t('whole_site')}</label>
        {f.mode === 'site' && <select id="batch-site" aria-label={t('site')} value={f.site} onChange={set('site')}>{sites.map((s) => <option value={s}>{s}</option>)}</select>}
      </fieldset>
      {f.mode === 'meters' && (
        <div class="picker">
          <div class="filters">
            <label class="inline">{t('search')}<input id="batch-filter" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} /></label>
            <button type="button" class="secondary" id="batch-select-shown" onClick={() => setChosen(new Set([...chosen, ...matching.map((m) => m.meter)]))}>{t('select_shown')} ({matching.length})</button>
            <span id="batch-selected" role="status">{t('selected', chosen.size)}</span>
          </div>
          <ul class="pick-list" aria-label={t('chosen_meters')}>
            {matching.slice(0, 200).map((m) => (
              <li><label class="check"><input type="checkbox" checked={chosen.has(m.meter)} onChange={() => toggle(m.meter)} />{m.meter} · {m.site}</label></li>
            ))}
          </ul>
        </div>
      )}
      <fieldset class="choice"><legend>{t('when')}</legend>
        <label class="check"><input type="radio" name="when" id="when-now" checked={f.when === 'now'} onChange={() => setF({ ...f, when: 'now' })} />{t('now')}</label>
        <label class="check"><input type="radio" name="when" id="when-at" checked={f.when === 'at'} onChange={() => setF({ ...f, when: 'at' })} />{t('at_time')}</label>
        {f.when === 'at' && <input type="datetime-local" id="batch-at" aria-label={t('at_time')} required value={f.at} onInput={set('at')} />}
      </fieldset>
      <button type="submit" id="batch-create" disabled={count === 0}>{t('create_batch')}</button>
      {confirming && (
        <ChangeDialog id="batch-confirm" title={t('confirm_batch', f.command, count)} needs={t('needs_diag')} run={run}
          onCancel={() => setConfirming(false)} onDone={(b) => { setConfirming(false); setChosen(new Set()); onCreated(b.batch.id); }}>
          <p>{f.mode === 'site' ? `${t('site')} ${f.site}` : [...chosen].slice(0, 6).join(', ') + (chosen.size > 6 ? ' …' : '')}</p>
        </ChangeDialog>
      )}
    </form>
  );
}

// How many meters' latest attempts are final, of all.
function progressOf(counts, total) {
  const done = STATES.filter((s) => FINAL.has(s)).reduce((n, s) => n + Number(counts[s] || 0), 0);
  return { done, total: Number(total) || 0, finished: !Number(counts.queued || 0) && !Number(counts.sent || 0) };
}

function Progress({ id, done, total }) {
  return (
    <div class="progress">
      <progress id={id} max={total || 1} value={done} aria-label={t('progress_of', done, total)}></progress>
      <span>{t('progress_of', done, total)}</span>
    </div>
  );
}

function Follow({ id, who, onChanged }) {
  const [show, setShow] = useState(null);
  const [error, setError] = useState(null);
  const [cancelling, setCancelling] = useState(false);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  useEffect(() => {
    let live = true;
    let timer;
    const poll = () => api('GET', `/v1/admin/batches/${encodeURIComponent(id)}`)
      .then((s) => { if (live) { setShow(s); setError(null); timer = setTimeout(poll, 1000); } })
      .catch((e) => { if (live) { setError(e); timer = setTimeout(poll, 3000); } });
    poll();
    return () => { live = false; clearTimeout(timer); };
  }, [id]);
  if (!show) return error ? <Problem error={error} /> : null;
  const b = show.batch;
  const p = progressOf(show.counts, b.meters);
  return (
    <section class="panel" aria-labelledby="follow-title" id="follow">
      <div class="table-bar">
        <h2 id="follow-title">{t('batch')} {b.id} · {b.command}</h2>
        <Status kind={p.finished ? 'ok' : 'busy'} word={p.finished ? t('finished') : t('running')} />
        {b.state !== 'cancelled' && !p.finished && <button type="button" class="danger" id="batch-cancel" onClick={() => setCancelling(true)}>{t('cancel_batch')}</button>}
      </div>
      {error && <Problem error={error} />}
      {note && <p class="note" role="status">{note}</p>}
      <Progress id="batch-progress" done={p.done} total={p.total} />
      <p class="hint">{t('leave_hint')}</p>
      <ul class="counts" id="batch-counts">
        {STATES.map((s) => <li><span>{stateWord(s)}</span> <strong id={`count-${s}`}>{show.counts[s] || 0}</strong></li>)}
      </ul>
      <Table id="batch-meters" caption={t('meters')} rows={show.meters} empty={t('no_rows')} cols={[
        { key: 'meter', label: t('meter') }, { key: 'attempt', label: t('attempt'), num: true },
        { key: 'state', label: t('state'), render: (m) => <Status kind={m.state === 'done' ? 'ok' : FINAL.has(m.state) ? 'bad' : 'busy'} word={stateWord(m.state)} />, text: (m) => stateWord(m.state) },
        { key: 'outcome', label: t('outcome') }, { key: 'executed', label: t('executed') },
      ]} />
      {cancelling && (
        <ChangeDialog id="cancel-batch" title={`${t('cancel_batch')} ${b.id}`} needs={t('needs_diag')}
          run={() => api('POST', `/v1/admin/batches/${encodeURIComponent(b.id)}/cancel`, { operator: who.operator, reason })}
          onCancel={() => setCancelling(false)} onDone={(r) => { setCancelling(false); setNote(t('cancelled_n', r.cancelled)); onChanged(); }}>
          <label>{t('reason')}<input id="cancel-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} /></label>
        </ChangeDialog>
      )}
    </section>
  );
}

export function Batches({ who }) {
  const load = useLoad(['/v1/admin/batches', '/v1/admin/meters']);
  const [id, setId] = useState(followed());
  useEffect(() => {
    const on = () => setId(followed());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return (
    <Page title={t('batches')} lead={t('batches_lead')} load={load}>
      {([list, meters]) => (
        <>
          <Create meters={meters.rows} who={who} onCreated={(b) => { follow(b); load.reload(); }} />
          {id && <Follow id={id} who={who} key={id} onChanged={load.reload} />}
          <Table id="batches" caption={t('batches')} rows={list.rows} empty={t('no_batches')} cols={[
            { key: 'id', label: t('batch'), render: (b) => <a href={`#/batches?id=${encodeURIComponent(b.id)}`}>{b.id}</a> },
            { key: 'command', label: t('operation') }, { key: 'selection', label: t('selection') },
            { key: 'created', label: t('created') }, { key: 'run_at', label: t('run_at') },
            { key: 'meters', label: t('meters'), num: true },
            { key: 'done', label: t('progress'), num: true, render: (b) => {
              const p = progressOf(b, b.meters);
              return <Progress done={p.done} total={p.total} />;
            }, text: (b) => `${progressOf(b, b.meters).done}/${b.meters}` },
            { key: 'state', label: t('state') }, { key: 'operator', label: t('operator') },
          ]} />
        </>
      )}
    </Page>
  );
}
