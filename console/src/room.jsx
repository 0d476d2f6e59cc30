// A room's side panel on the monitoring page: its meters with their state,
// its history (readings, top-ups, central commands), and the actions on a
// meter through the site collector's central commands, each confirmed in
// a dialog naming what will happen, with a reason (audited), then its
// progress as the kiosk reports it (queued -> sent -> done / failed). The
// readings' balances also as a line chart (uPlot) above their table, which
// stays the chart's text for screen readers.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api, currentOperator } from './api.js';
import { getLang, t, money } from './i18n.js';
import { useLoad, Problem } from './load.jsx';
import { Table, Status } from './table.jsx';
import { supplyStatus, energyText } from './monitor.jsx';

const ACTIONS = ['relay_trip', 'relay_close', 'keep_power_on', 'keep_power_off', 'set_alarms', 'credit', 'refund'];
const FINAL = new Set(['done', 'failed', 'expired', 'unknown', 'refused', 'cancelled']);

// Yuan as typed ("12.5") to minor units, or null.
function minor(text) {
  if (!/^\d+(\.\d{1,2})?$/.test(text.trim())) return null;
  const [w, f = ''] = text.trim().split('.');
  return Number(w) * 100 + Number(f.padEnd(2, '0'));
}

function paramsOf(command, f) {
  if (command === 'set_alarms') {
    const a1 = minor(f.alarm1), a2 = minor(f.alarm2);
    return a1 === null || a2 === null ? null : { alarm1: a1, alarm2: a2 };
  }
  if (command === 'credit' || command === 'refund') {
    const amount = minor(f.amount);
    if (!amount) return null;
    return command === 'refund' ? { amount } : { amount, paid_by: f.paid_by, reference: f.reference.trim() };
  }
  return {};
}

function Field({ id, label, value, on, type = 'text' }) {
  return <label>{label}<input id={id} type={type} inputMode={type === 'text' ? undefined : 'decimal'} required value={value} onInput={(e) => on(e.currentTarget.value)} /></label>;
}

function CommandDialog({ meter, room, command, onClose }) {
  const [f, setF] = useState({ reason: '', alarm1: '', alarm2: '', amount: '', paid_by: 'counter', reference: '' });
  const [error, setError] = useState(null);
  const [cmd, setCmd] = useState(null);
  const [seen, setSeen] = useState([]);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const name = t(`c_${command}`);
  useEffect(() => {
    if (!cmd || FINAL.has(cmd.state)) return undefined;
    const timer = setTimeout(() => api('GET', `/v1/admin/commands/${cmd.id}`).then((c) => {
      setCmd(c);
      setSeen((s) => (s[s.length - 1] === c.state ? s : [...s, c.state]));
    }).catch(setError), 1000);
    return () => clearTimeout(timer);
  }, [cmd]);
  const submit = (e) => {
    e.preventDefault();
    const params = paramsOf(command, f);
    if (params === null) { setError({ message: t('bad_amount') }); return; }
    setError(null);
    api('POST', '/v1/admin/commands', { meter: meter.meter, command, operator: currentOperator, reason: f.reason.trim(), params })
      .then((c) => { setCmd(c); setSeen([c.state]); })
      .catch(setError);
  };
  return (
    <div class="dialog-backdrop">
      <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="cmd-title" onSubmit={submit}>
        <h2 id="cmd-title">{t('confirm_what', name, meter.meter, room.name)}</h2>
        <p class="hint">{t('cmd_needs')}</p>
        {command === 'set_alarms' && <><Field id="cmd-alarm1" label={t('alarm1')} value={f.alarm1} on={set('alarm1')} type="number" />
          <Field id="cmd-alarm2" label={t('alarm2')} value={f.alarm2} on={set('alarm2')} type="number" /></>}
        {(command === 'credit' || command === 'refund') && <Field id="cmd-amount" label={`${t('amount_money')} (${meter.currency || '¥'})`} value={f.amount} on={set('amount')} type="number" />}
        {command === 'credit' && <>
          <label>{t('paid_by')}<select id="cmd-paid-by" value={f.paid_by} onChange={(e) => set('paid_by')(e.currentTarget.value)}>
            <option value="counter">{t('counter')}</option><option value="online">{t('online_pay')}</option></select></label>
          <Field id="cmd-reference" label={t('reference')} value={f.reference} on={set('reference')} /></>}
        <Field id="cmd-reason" label={t('reason')} value={f.reason} on={set('reason')} />
        {error && <Problem error={error} />}
        {cmd && (
          <div class="progress" role="status" aria-live="polite">
            <strong>{t('progress')}:</strong>
            <ol class="steps">{seen.map((s) => <li><Status kind={s === 'done' ? 'ok' : FINAL.has(s) ? 'bad' : 'warn'} word={t(s)} /></li>)}</ol>
            {FINAL.has(cmd.state) && <p id="cmd-final" data-state={cmd.state}>{t('cmd_done', name, t(cmd.state))}{cmd.outcome ? ` ${cmd.outcome}` : ''}</p>}
          </div>
        )}
        <div class="dialog-actions">
          <button type="button" class="secondary" id="cmd-close" onClick={() => onClose(Boolean(cmd))}>{cmd ? t('close_panel') : t('cancel')}</button>
          {!cmd && <button type="submit" id="cmd-confirm">{t('send')}</button>}
        </div>
      </form>
    </div>
  );
}

const LINES = ['#0b5cad', '#b3261e', '#1e7b34', '#e08a00'];

// The readings (newest first) as each meter's balance over time: one line
// per meter, in yuan; hidden from screen readers (the table is its text).
function BalanceChart({ rows }) {
  const el = useRef(null);
  const read = rows.filter((r) => r.balance !== '' && !Number.isNaN(Date.parse(r.at))).reverse();
  const meters = [...new Set(read.map((r) => r.meter))];
  useEffect(() => {
    if (!el.current || read.length === 0) return undefined;
    const xs = [...new Set(read.map((r) => Date.parse(r.at) / 1000))].sort((a, b) => a - b);
    const ys = meters.map((m) => xs.map((x) => {
      const r = read.find((v) => v.meter === m && Date.parse(v.at) / 1000 === x);
      return r ? Number(r.balance) / 100 : null;
    }));
    const opts = {
      width: Math.min(el.current.clientWidth || 480, 520), height: 180,
      scales: { x: { time: true } }, axes: [{}, { size: 60 }],
      series: [{}, ...meters.map((m, i) => ({ label: m, stroke: LINES[i % LINES.length], width: 2, spanGaps: true, points: { show: true },
        value: (u, v) => (v == null ? '—' : v.toFixed(2)) }))],
    };
    const plot = new uPlot(opts, [xs, ...ys], el.current);
    return () => plot.destroy();
  }, [rows, getLang()]);
  if (read.length === 0) return null;
  return <figure class="chart" id="balance-chart"><div ref={el} aria-hidden="true"></div><figcaption>{t('balance_chart')}</figcaption></figure>;
}

// One tab of the history: its own load, so a tab never shows another's rows.
function HistoryTab({ room, tab }) {
  const load = useLoad([`/v1/admin/rooms/${encodeURIComponent(room.id)}/history?what=${tab}&limit=100`]);
  const cols = {
    readings: [{ key: 'at', label: t('at') }, { key: 'meter', label: t('meter') },
      { key: 'energy', label: t('energy'), num: true, render: (r) => energyText(r, r.energy) },
      { key: 'balance', label: t('balance'), num: true, render: (r) => money(r.balance) }, { key: 'relay', label: t('relay') }],
    sales: [{ key: 'at', label: t('at') }, { key: 'meter', label: t('meter') }, { key: 'method', label: t('method') },
      { key: 'delivered', label: t('delivered'), num: true, render: (r) => money(r.delivered, r.currency) }, { key: 'state', label: t('state') }],
    commands: [{ key: 'issued', label: t('issued') }, { key: 'meter', label: t('meter') },
      { key: 'command', label: t('command'), render: (r) => t(`c_${r.command}`) }, { key: 'state', label: t('state'), render: (r) => t(r.state) },
      { key: 'operator', label: t('operator') }, { key: 'reason', label: t('reason') }, { key: 'outcome', label: t('outcome') }],
  };
  return (
    <>
      {load.error && <Problem error={load.error} retry={load.reload} />}
      {load.data && tab === 'readings' && <BalanceChart rows={load.data[0].rows} />}
      {load.data && <Table id={`history-${tab}-table`} caption={t(tab === 'sales' ? 'topups' : tab)} rows={load.data[0].rows} empty={t('no_history')} cols={cols[tab]} />}
    </>
  );
}

function History({ room }) {
  const [tab, setTab] = useState('readings');
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">{t('history')}</h3>
      <div class="tabs" role="group" aria-label={t('history')}>
        {['readings', 'sales', 'commands'].map((k) => (
          <button type="button" id={`history-${k}`} class={tab === k ? '' : 'secondary'} aria-pressed={tab === k} onClick={() => setTab(k)}>
            {t(k === 'sales' ? 'topups' : k)}</button>
        ))}
      </div>
      <HistoryTab room={room} tab={tab} key={tab} />
    </section>
  );
}

export function RoomPanel({ room, onClose, onChanged }) {
  const [acting, setActing] = useState(null);
  return (
    <aside class="side-panel" aria-labelledby="room-title" id="room-panel">
      <div class="panel-head">
        <h2 id="room-title">{t('room')} {room.name}</h2>
        <button type="button" class="secondary" id="room-close" onClick={onClose}>{t('close_panel')}</button>
      </div>
      {room.meters.length === 0 && <p class="empty">{t('no_meter')}</p>}
      {room.meters.map((m) => (
        <div class="panel-meter">
          <dl class="facts">
            <dt>{t('meter')}</dt><dd>{m.meter}</dd>
            <dt>{t('customer')}</dt><dd>{m.customer}</dd>
            <dt>{t('resident')}</dt><dd>{m.resident || '—'}</dd>
            <dt>{t('balance')}</dt><dd class="num" id={`balance-${m.meter}`}>{m.balance === '' ? '—' : money(m.balance, m.currency)}</dd>
            <dt>{t('state')}</dt><dd>{supplyStatus(m)} <Status kind={m.online === 'yes' ? 'ok' : 'bad'} word={t(m.online === 'yes' ? 'online' : 'offline')} /></dd>
            <dt>{t('today_use')}</dt><dd class="num">{energyText(m, m.today_use)}</dd>
            <dt>{t('today_money')}</dt><dd class="num">{money(m.today_money, m.currency)}</dd>
            <dt>{t('last_read')}</dt><dd>{m.last_read || '—'}</dd>
          </dl>
          <div class="actions" role="group" aria-label={`${t('actions')}: ${m.meter}`}>
            {ACTIONS.map((c) => <button type="button" class="small secondary" id={`act-${c}-${m.meter}`} onClick={() => setActing({ m, c })}>{t(`c_${c}`)}</button>)}
          </div>
        </div>
      ))}
      <History room={room} />
      {acting && <CommandDialog meter={acting.m} room={room} command={acting.c}
        onClose={(changed) => { setActing(null); if (changed) onChanged(); }} />}
    </aside>
  );
}
