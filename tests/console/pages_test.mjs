// The browser's half of the console's page tests (pages_test.sh sets up the
// back office, metersim and the kiosk, makes the sales and readings, and
// checks what the command line says afterwards):
//   node pages_test.mjs CASE BASE SITE
// Cases: batch, report_csv, finance, accounts, permission, axe. Files for
// pages_test.sh are written in SITE.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, counts, launch, newPage, pageFetch, runAxe, signIn } from './browser.mjs';

const [, , CASE, BASE, SITE] = process.argv;
const ADMIN_PW = 'correct horse battery';
const CLERK_PW = 'clerk password 1';
let browser;

async function signedIn(name, pw, lang) {
  const page = await newPage(browser, lang);
  await signIn(page, BASE, name, pw);
  await page.waitForSelector('#who');
  return page;
}

async function goTo(page, id, ready) {
  await page.click(`#nav-${id}`);
  await page.waitForSelector(ready);
}

const cases = {
  // A batch over 50 meters made in the console, followed to its end.
  async batch() {
    const page = await signedIn('admin', ADMIN_PW);
    await goTo(page, 'batches', '#batch-create');
    await page.fill('#batch-filter', '0000000000');
    await page.click('#batch-select-shown');
    check((await page.textContent('#batch-selected')).includes('50'), 'the 50 meters are selected');
    await page.selectOption('#batch-command', 'relay_trip');
    await page.fill('#batch-reason', 'arrears run from the console');
    await page.click('#batch-create');
    await page.waitForSelector('#batch-confirm');
    check((await page.textContent('#batch-confirm-title')).includes('50'), 'the confirmation names the 50 meters');
    const started = Date.now();
    await page.click('#batch-confirm-confirm');
    await page.waitForSelector('#batch-progress');
    const seen = new Set();
    for (;;) {
      const v = await page.getAttribute('#batch-progress', 'value');
      seen.add(v);
      if (v === '50' || Date.now() - started > 90000) break;
      await page.waitForTimeout(250);
    }
    check(await page.getAttribute('#batch-progress', 'value') === '50', 'the progress bar reaches 50 of 50');
    check(seen.size > 2, `the progress moved while the page watched (values seen: ${[...seen].join(' ')})`);
    await page.waitForFunction(() => document.querySelector('#count-done').textContent === '50', null, { timeout: 20000 }).catch(() => {});
    check(await page.textContent('#count-done') === '50', 'the batch shows 50 done');
    check((await page.textContent('#follow')).includes('finished'), 'the batch says it is finished');
    const id = new URL(page.url()).hash.split('id=')[1];
    writeFileSync(join(SITE, 'batch.id'), decodeURIComponent(id || ''));
    await page.reload();
    await page.waitForSelector('#batch-progress');
    check(await page.getAttribute('#batch-progress', 'value') === '50', 'coming back to the page shows the batch again');
  },

  // The energy report's CSV as the console downloads it, for pages_test.sh to compare.
  async report_csv() {
    const page = await signedIn('admin', ADMIN_PW);
    await goTo(page, 'reports', '#report-meter');
    await page.selectOption('#report-meter', '000000000001');
    await page.selectOption('#report-by', 'day');
    const [from, to] = readFileSync(join(SITE, 'span'), 'utf8').trim().split(' ');
    await page.fill('#span-from', from);
    await page.fill('#span-to', to);
    await page.waitForSelector('#energy tbody tr');
    check(await page.isVisible('.chart canvas'), 'the chart is drawn');
    check((await page.textContent('#energy')).includes('Wh'), 'the table behind the chart is there');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#energy-csv')]);
    await download.saveAs(join(SITE, 'console.csv'));
    check(download.suggestedFilename().endsWith('.csv'), `the download is a CSV file: ${download.suggestedFilename()}`);
  },

  // The finance page's totals against the sales pages_test.sh made (EXPECT: minor units).
  async finance() {
    const page = await signedIn('admin', ADMIN_PW, 'zh');
    await goTo(page, 'finance', '#finance-totals');
    await page.waitForSelector('#total-income');
    const want = Number(process.env.EXPECT);
    const text = await page.textContent('#total-income');
    const shown = `${Math.floor(want / 100).toLocaleString('zh-CN')}.${String(want % 100).padStart(2, '0')}`;
    check(text.includes(shown), `the income total ${text} is the sales made (${shown})`);
    const rows = await page.$$eval('#movements tbody tr', (trs) => trs.map((tr) => tr.textContent));
    check(rows.filter((r) => r.includes('充值')).length === Number(process.env.SALES), `every recharge is listed: ${rows.length} rows`);
    const method = await page.textContent('#by-method');
    check(method.includes('counter'), 'income by method names the method');
    await page.selectOption('#finance-by', 'month');
    await page.waitForFunction(() => /\d{4}-\d{2}(?!-)/.test(document.querySelector('#income tbody').textContent));
    check(true, 'income by month');
    const [x] = await Promise.all([page.waitForEvent('download'), page.click('#income-xlsx')]);
    await x.saveAs(join(SITE, 'income.xlsx'));
    const head = readFileSync(join(SITE, 'income.xlsx')).subarray(0, 2).toString();
    check(x.suggestedFilename() === 'income.xlsx' && head === 'PK', 'the spreadsheet is an .xlsx (a zip)');
  },

  // Opening a pre-filled account, binding a meter, closing it with a refund.
  async accounts() {
    const page = await signedIn('admin', ADMIN_PW);
    await goTo(page, 'accounts', '#open-account-button');
    await page.click('#open-account-button');
    await page.fill('#f-id', 'A9');
    await page.fill('#f-customer', 'C9');
    await page.fill('#f-meters', '000000000009');
    await page.check('#f-prefill');
    await page.fill('#f-name', 'Wang Fang');
    await page.fill('#f-reason', 'moved in');
    await page.click('#open-account-confirm');
    await page.waitForSelector('#account-title');
    check((await page.textContent('#account-title')).includes('A9'), 'the new account is shown');
    await page.click('#act-bind');
    await page.fill('#f-meters', '000000000010');
    await page.click('#bind-dialog-confirm');
    await page.waitForFunction(() => document.querySelector('#account-meters').textContent.includes('000000000010')
      || document.querySelector('#bind-dialog .problem'));
    const refused = await page.$('#bind-dialog .problem');
    check(!refused, `a second meter bound${refused ? `: ${await refused.textContent()}` : ''}`);
    await page.click('#act-close');
    await page.fill('[id="f-reading:000000000009"]', '120000');
    await page.fill('[id="f-reading:000000000010"]', '5000');
    await page.fill('#f-balance', '2300');
    await page.fill('#f-reason', 'moved out');
    await page.click('#close-dialog-confirm');
    await page.waitForSelector('#account-settlement');
    check((await page.textContent('#account-settlement')).includes('refund'), 'the account is closed with a refund');
  },

  // An operator without the permission accounts refused, the refusal naming it.
  async permission() {
    const page = await signedIn('clerk', CLERK_PW);
    await goTo(page, 'accounts', '#open-account-button');
    await page.click('#open-account-button');
    await page.fill('#f-id', 'A8');
    await page.fill('#f-customer', '100000000001');
    await page.click('#open-account-confirm');
    await page.waitForSelector('#open-account .problem');
    const text = await page.textContent('#open-account .problem');
    check(text.includes('clerk') && text.includes('accounts'), `the dialog says the permission missing: ${text}`);
    const me = await pageFetch(page, 'GET', '/v1/console/session');
    const r = await pageFetch(page, 'POST', '/v1/admin/meters/000000000001/remove', { 'X-CSRF-Token': me.body.csrf },
      JSON.stringify({ final_reading: 1, reason: 'x' }));
    check(r.status === 403 && r.body.error.permission === 'accounts', 'the API refuses removing a meter naming accounts');
    const list = await pageFetch(page, 'GET', '/v1/admin/reports/money');
    check(list.status === 200, 'reading the finance report needs only a session');
  },

  async axe() {
    for (const lang of ['en', 'zh']) {
      const page = await signedIn('admin', ADMIN_PW, lang);
      await goTo(page, 'accounts', '#accounts');
      await page.click('#accounts tbody button.link');
      await page.waitForSelector('#account-title');
      await runAxe(page, `accounts (${lang})`);
      await page.click('#act-close');
      await runAxe(page, `accounts, closing dialog (${lang})`);
      await page.click('#close-dialog button.secondary');
      await goTo(page, 'finance', '#finance-totals');
      await runAxe(page, `finance (${lang})`);
      await goTo(page, 'reports', '#report-meter');
      await page.waitForSelector('#energy-caption');
      await runAxe(page, `reports (${lang})`);
      await goTo(page, 'batches', '#batch-create');
      await page.click('#batch-select-shown');
      await page.click('#batches tbody a');
      await page.waitForSelector('#batch-progress');
      await runAxe(page, `batches, one followed (${lang})`);
    }
  },
};

async function main() {
  if (!cases[CASE]) throw new Error(`no case '${CASE}': one of ${Object.keys(cases).join(', ')}`);
  browser = await launch();
  try {
    await cases[CASE]();
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(counts.failures ? 1 : 0), (e) => {
  console.log(`FAIL: ${e.stack || e}`);
  if (browser) browser.close();
  process.exit(1);
});
