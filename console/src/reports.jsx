// Reports: a meter's energy by day, month or year, stacked by the four
// time-of-use bands with the year before dashed (uPlot), the table behind
// the chart, the CSV exactly as the command line writes it; an account's
// monthly usage and fees.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { apiText } from './api.js';
import { getLang, money, t } from './i18n.js';
import { Page, Problem, useLoad } from './load.jsx';
import { SpanInputs, saveBlob, useSpan } from './ops.jsx';
import { Table } from './table.jsx';

const BANDS = [
  { key: 'sharp', color: '#b3261e' }, { key: 'peak', color: '#e08a00' },
  { key: 'flat', color: '#0b5cad' }, { key: 'valley', color: '#1e7b34' },
];
const num = (v) => (v === '' || v === null || v === undefined ? null : Number(v));

// The chart of rows: bars stacked by band (each drawn to the sum of it and
// the bands below), the year before as a dashed line.
function EnergyChart({ rows, label }) {
  const el = useRef(null);
  useEffect(() => {
    if (!el.current || rows.length === 0) return undefined;
    const x = rows.map((_, i) => i);
    const raw = BANDS.map((b) => rows.map((r) => num(r[b.key])));
    const stacked = raw.map((_, i) => rows.map((r, j) => raw.slice(i).reduce((s, band) => s + (band[j] || 0), 0)));
    const bars = uPlot.paths.bars({ size: [0.6, 60] });
    const opts = {
      width: Math.min(el.current.clientWidth || 900, 1100), height: 280,
      scales: { x: { time: false } },
      axes: [{ values: (u, vals) => vals.map((v) => (rows[v] ? rows[v].period : '')) }, { size: 70 }],
      series: [
        { label: t('period'), value: (u, v) => (rows[v] ? rows[v].period : '') },
        ...BANDS.map((b, i) => ({
          label: t(`band_${b.key}`), fill: b.color, stroke: b.color, paths: bars, points: { show: false },
          value: (u, v, si, idx) => (idx == null || raw[i][idx] == null ? '—' : String(raw[i][idx])),
        })),
        { label: t('year_before'), stroke: '#1b2430', dash: [6, 4], width: 2 },
      ],
    };
    const plot = new uPlot(opts, [x, ...stacked, rows.map((r) => num(r.year_before))], el.current);
    return () => plot.destroy();
  }, [rows, getLang()]);
  return <figure class="chart"><div ref={el} aria-hidden="true"></div><figcaption>{label}</figcaption></figure>;
}

// A button saving the server's CSV of path (the command line's bytes).
function CsvButton({ id, path, name }) {
  const [error, setError] = useState(null);
  const save = () => apiText(path).then((text) => saveBlob(name, new Blob([text], { type: 'text/csv;charset=utf-8' })), setError);
  return <>{error && <Problem error={error} />}<button type="button" class="secondary" id={id} onClick={save}>{t('csv_cli')}</button></>;
}

function MeterEnergy({ meters }) {
  const { span, setSpan, query } = useSpan(365);
  const [meter, setMeter] = useState(meters[0] ? meters[0].meter : '');
  const [by, setBy] = useState('month');
  const path = `/v1/admin/reports/energy?meter=${encodeURIComponent(meter)}&by=${by}&${query}`;
  const load = useLoad([path]);
  const rows = load.data ? load.data[0].rows : [];
  return (
    <section class="panel" aria-labelledby="energy-title">
      <h2 id="energy-title">{t('energy_report')}</h2>
      <SpanInputs span={span} setSpan={setSpan}>
        <label class="inline">{t('choose_meter')}
          <select id="report-meter" value={meter} onChange={(e) => setMeter(e.currentTarget.value)}>
            {meters.map((m) => <option value={m.meter}>{m.meter}</option>)}
          </select>
        </label>
        <label class="inline">{t('by')}
          <select id="report-by" value={by} onChange={(e) => setBy(e.currentTarget.value)}>
            {['day', 'month', 'year'].map((b) => <option value={b}>{t(b)}</option>)}
          </select>
        </label>
        <CsvButton id="energy-csv" path={`${path}&format=csv`} name={`energy-${meter}-${by}.csv`} />
      </SpanInputs>
      {load.error && <Problem error={load.error} retry={load.reload} />}
      {rows.length > 0 && <EnergyChart rows={rows} label={t('chart_of', meter)} />}
      <Table id="energy" caption={t('table_of_chart')} rows={rows} empty={t('no_energy')} cols={[
        { key: 'period', label: t('period') }, { key: 'unit', label: t('unit') },
        { key: 'energy', label: t('energy'), num: true },
        ...BANDS.map((b) => ({ key: b.key, label: t(`band_${b.key}`), num: true })),
        { key: 'year_before', label: t('year_before'), num: true }, { key: 'change', label: t('change'), num: true },
      ]} />
    </section>
  );
}

function AccountUsage() {
  const { span, setSpan, query } = useSpan(365);
  const [account, setAccount] = useState('');
  const [shown, setShown] = useState('');
  const path = `/v1/admin/accounts/${encodeURIComponent(shown)}/usage?${query}`;
  return (
    <section class="panel" aria-labelledby="usage-title">
      <h2 id="usage-title">{t('account_report')}</h2>
      <SpanInputs span={span} setSpan={setSpan}>
        <label class="inline">{t('account')}<input id="usage-account" value={account} onInput={(e) => setAccount(e.currentTarget.value.trim())} /></label>
        <button type="button" id="usage-show" onClick={() => setShown(account)}>{t('show')}</button>
        {shown && <CsvButton id="usage-csv" path={`${path}&format=csv`} name={`usage-${shown}.csv`} />}
      </SpanInputs>
      {shown && <UsageTable path={path} key={path} />}
    </section>
  );
}

function UsageTable({ path }) {
  const load = useLoad([path]);
  if (load.error) return <Problem error={load.error} retry={load.reload} />;
  if (!load.data) return null;
  return (
    <Table id="usage" caption={t('usage_month')} rows={load.data[0].rows} empty={t('no_usage')} cols={[
      { key: 'month', label: t('month') }, { key: 'energy', label: `${t('energy')} (Wh)`, num: true },
      { key: 'recharges', label: t('recharges'), num: true },
      { key: 'paid', label: t('paid'), num: true, render: (r) => money(r.paid, r.currency), text: (r) => money(r.paid, r.currency) },
      { key: 'charged', label: t('charged'), num: true, render: (r) => money(r.charged, r.currency), text: (r) => money(r.charged, r.currency) },
    ]} />
  );
}

export function Reports() {
  const load = useLoad(['/v1/admin/meters']);
  return (
    <Page title={t('reports')} lead={t('reports_lead')} load={load}>
      {([m]) => (
        <>
          {m.rows.length ? <MeterEnergy meters={m.rows} /> : <p class="empty panel">{t('no_meters')}</p>}
          <AccountUsage />
        </>
      )}
    </Page>
  );
}
