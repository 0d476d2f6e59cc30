// Finance: income over a span by day, month or year, by method and by site,
// the totals, and every recharge, refund and charge; CSV and .xlsx export
// (the reports income and money, docs/console.md).
import { useState } from 'preact/hooks';
import { money, t } from './i18n.js';
import { Page, useLoad } from './load.jsx';
import { SpanInputs, XlsxButton, useSpan } from './ops.jsx';
import { Table } from './table.jsx';

// Sums of the income rows by key (a column) and currency.
function sumBy(rows, key) {
  const m = new Map();
  for (const r of rows) {
    const k = `${r[key]}\u0000${r.currency}`;
    const s = m.get(k) || { [key]: r[key], currency: r.currency, sales: 0, amount: 0, refunded: 0 };
    s.sales += Number(r.sales); s.amount += Number(r.amount); s.refunded += Number(r.refunded);
    m.set(k, s);
  }
  return [...m.values()];
}

// Totals of the movements by kind and currency.
function totals(moves) {
  const m = new Map();
  for (const r of moves) {
    const s = m.get(r.currency) || { currency: r.currency, income: 0, refunds: 0, charges: 0, net: 0 };
    const a = Number(r.amount);
    if (r.kind === 'recharge') s.income += a;
    else if (r.kind === 'charge') s.charges += a;
    else s.refunds += a;
    if (r.kind !== 'charge') s.net += a;
    m.set(r.currency, s);
  }
  return [...m.values()];
}

const moneyCol = (key, label) => ({
  key, label, num: true, render: (r) => money(r[key], r.currency), text: (r) => money(r[key], r.currency), xlsx: (r) => Number(r[key]) / 100,
});

export function Finance() {
  const { span, setSpan, query } = useSpan();
  const [by, setBy] = useState('day');
  const load = useLoad([`/v1/admin/reports/income?by=${by}&${query}`, `/v1/admin/reports/money?${query}`]);
  const incomeCols = [
    { key: 'period', label: t('period') }, { key: 'site', label: t('site') }, { key: 'method', label: t('method') },
    { key: 'sales', label: t('sales'), num: true }, moneyCol('amount', t('income')), moneyCol('refunded', t('refunded')),
  ];
  const moveCols = [
    { key: 'at', label: t('at') },
    { key: 'kind', label: t('kind'), render: (r) => t(`kind_${r.kind}`), text: (r) => t(`kind_${r.kind}`) },
    { key: 'reference', label: t('reference') }, { key: 'site', label: t('site') }, { key: 'account', label: t('account') },
    { key: 'meter', label: t('meter') }, { key: 'method', label: t('method') }, moneyCol('amount', t('amount')),
  ];
  const groupCols = (key, label) => [{ key, label }, { key: 'sales', label: t('sales'), num: true }, moneyCol('amount', t('income')), moneyCol('refunded', t('refunded'))];
  return (
    <Page title={t('finance')} lead={t('finance_lead')} load={load}>
      {([income, moves]) => (
        <>
          <SpanInputs span={span} setSpan={setSpan}>
            <label class="inline">{t('by')}
              <select id="finance-by" value={by} onChange={(e) => setBy(e.currentTarget.value)}>
                {['day', 'month', 'year'].map((b) => <option value={b}>{t(b)}</option>)}
              </select>
            </label>
          </SpanInputs>
          <ul class="cards" id="finance-totals">
            {totals(moves.rows).flatMap((s) => ['income', 'refunds', 'charges', 'net'].map((k) => (
              <li class="card"><span class="card-label">{t(k)}</span><span class="card-value money" id={`total-${k}`}>{money(s[k], s.currency)}</span></li>
            )))}
          </ul>
          {moves.rows.length === 0 && <p class="empty panel">{t('no_money')}</p>}
          <Table id="income" caption={t('income_by')} rows={income.rows} empty={t('no_money')} cols={incomeCols}
            actions={<XlsxButton name="income" cols={incomeCols} rows={income.rows} />} />
          <div class="split even">
            <Table id="by-method" caption={t('by_method')} rows={sumBy(income.rows, 'method')} empty={t('no_money')} cols={groupCols('method', t('method'))} />
            <Table id="by-site" caption={t('by_site')} rows={sumBy(income.rows, 'site')} empty={t('no_money')} cols={groupCols('site', t('site'))} />
          </div>
          <Table id="movements" caption={t('movements')} rows={moves.rows} empty={t('no_money')} cols={moveCols}
            actions={<XlsxButton name="movements" cols={moveCols} rows={moves.rows} />} />
        </>
      )}
    </Page>
  );
}
