// The monitoring page's browser part (monitor_test.sh sets up the kiosk,
// metersim and the back office): Debian's chromium driven headless by
// playwright-core, signed in as an organisation's staff.
//   node monitor_test.mjs CASE BASE_URL PASSWORD [ARGS]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CONSOLE_CHROMIUM || '/usr/bin/chromium';
const [, , CASE, BASE, PW, ARG, ...MORE] = process.argv;
let failures = 0;
let browser;

function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failures++;
}

// A page (1366x768, or a tablet's 1024x768) with name signed in, in lang.
async function signedIn(name, { lang = 'en', width = 1366 } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 768 }, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => check(false, `no script error on the page: ${e.message}`));
  await page.goto(`${BASE}/console/#/monitor`);
  await page.fill('#operator', name);
  await page.fill('#password', PW);
  await page.click('#signin-submit');
  await page.waitForSelector('#who');
  await page.waitForSelector('.tiles, .empty');
  return page;
}

// The API through the page's own session (its cookie; the CSRF token for a
// change), narrowed to org (the switcher's header) if given.
async function call(page, method, path, body, org) {
  return page.evaluate(async ([m, p, b, o]) => {
    const who = await (await fetch('/v1/console/session')).json();
    const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': who.csrf };
    if (o) headers['X-Organisation'] = o;
    const r = await fetch(p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body, org]);
}

const sum = (rows, key) => rows.reduce((n, r) => n + Number(r[key]), 0);

// The finance page's income total once shown.
async function financeIncome(page) {
  await page.goto(`${page.url().split('#')[0]}#/finance`);
  await page.waitForSelector('#total-income');
  return (await page.textContent('#total-income')).trim();
}

async function runAxe(page, name) {
  await page.evaluate(AXE); // the console's CSP forbids an inline script tag
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`  ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  check(bad.length === 0, `axe: no serious or critical violations on ${name}`);
}

// The overview's meters cut off and below the alarm level, as the page
// shows them; then its card's link followed to the monitoring page.
async function overviewMeters(page, card) {
  await page.goto(`${BASE}/console/#/overview`);
  await page.waitForSelector('#meters-cut-off');
  const counts = { cut: Number(await page.textContent('#meters-cut-off')), low: Number(await page.textContent('#meters-below-alarm')),
    label: await page.textContent('#meters-below-alarm-label') };
  await page.click(`#${card}-link`);
  await page.waitForSelector('#monitor-filter');
  await page.waitForSelector('.tile');
  return counts;
}

const yuan = (minor) => `${Math.floor(minor / 100).toLocaleString('en')}.${String(minor % 100).padStart(2, '0')}`;

const cases = {
  // The balance metersim holds after the kiosk's sale, uploaded by the kiosk, on the room's tile and panel.
  async balance() {
    const page = await signedIn('ann');
    const tile = await page.textContent('#room-R101');
    const shown = (await page.textContent('#room-R101 [data-meter="000000000001"] .tile-balance')).trim();
    check(shown === yuan(Number(ARG)), `room 101's tile shows the balance metersim holds, ${yuan(Number(ARG))}: ${shown}`);
    check(tile.includes('Power on') && tile.includes('online'), `the tile shows the supply and the online state: ${tile}`);
    check(tile.includes('Customer 1'), `with the permission contacts the resident's name is whole: ${tile}`);
    const cara = await signedIn('cara');
    const masked = await cara.textContent('#room-R101');
    check(masked.includes('C**') && !masked.includes('Customer 1'), `without it the name is masked: ${masked}`);
    const rows = (await call(cara, 'GET', '/v1/admin/monitor?building=B1')).body.rows;
    check(rows.every((r) => !r.resident.includes('Customer')), 'and the API gives it masked');
    const paged = (await call(cara, 'GET', '/v1/admin/monitor?building=B1&limit=1&offset=1')).body;
    check(paged.total === rows.length && paged.rows.length === 1 && JSON.stringify(paged.rows[0]) === JSON.stringify(rows[1]),
      `a page of the rows (limit 1, offset 1) is the second row, with the total: ${JSON.stringify(paged)}`);
    check((await call(cara, 'GET', '/v1/admin/monitor?building=B1&limit=5000')).status === 400, 'a page beyond 1000 rows is refused');
    await cara.context().close();
    const floors = await page.$$eval('.floor-name', (h) => h.map((x) => x.textContent));
    check(floors.join('|') === 'Floor 2|Floor 1', `floors as rows, highest first: ${floors}`);
    await page.click('#room-R101');
    await page.waitForSelector('#room-panel');
    check((await page.textContent('#balance-000000000001')).includes(yuan(Number(ARG))), 'the room panel shows the balance');
    await page.waitForSelector('#history-readings-table');
    check((await page.textContent('#history-readings-table')).includes('000000000001'), 'the room history lists the readings');
    await page.waitForSelector('#balance-chart canvas');
    check(await page.getAttribute('#balance-chart > div', 'aria-hidden') === 'true' && (await page.textContent('#balance-chart figcaption')).includes('Balance'),
      'the readings\' balances drawn as a chart, hidden from screen readers, the table its text');
    await page.click('#history-sales');
    await page.waitForSelector('#history-sales-table');
    check((await page.textContent('#history-sales-table')).includes('50.00'), 'the room history lists the top-up of 50.00');
    await page.click('#room-close');
    await page.selectOption('#monitor-filter', 'cut');
    check(!(await page.isVisible('#room-R101')), 'the cut-off filter hides a room whose power is on');
    await page.selectOption('#monitor-filter', 'all');
    await page.fill('#monitor-search', '000000000003');
    check(await page.isVisible('#room-R201') && !(await page.isVisible('#room-R101')), 'the search finds a meter\'s room');
    // MORE: the site's first alarm level and how many of its meters read below it (the store's count)
    const [level, low] = MORE.map(Number);
    const ov = await overviewMeters(page, 'meters-below-alarm');
    check(ov.cut === 0 && ov.low === low && low >= 1, `the overview: no meter cut off, ${low} below the site's level: ${JSON.stringify(ov)}`);
    check(ov.label.includes(yuan(level)), `the overview names the level ${yuan(level)}: ${ov.label}`);
    check(await page.inputValue('#monitor-filter') === 'low' && await page.inputValue('#monitor-level') === (level / 100).toFixed(2),
      'its link opens the monitoring page filtered below that level');
    check(await page.isVisible('#room-R101'), 'room 101 (below the level) is shown');
  },

  // Tripping meter 1 from room 101's panel: confirmed with a reason, its progress shown until done.
  async trip() {
    const page = await signedIn('ann', { lang: 'zh' });
    await page.click('#room-R101');
    await page.click('#act-relay_trip-000000000001');
    const title = await page.textContent('#cmd-title');
    check(title.includes('跳闸') && title.includes('000000000001') && title.includes('101'), `the confirmation names what will happen: ${title}`);
    await page.click('#cmd-confirm');
    check(await page.isVisible('#cmd-reason:invalid'), 'no reason, nothing sent');
    await page.fill('#cmd-reason', 'arrears: three notices unanswered');
    await page.click('#cmd-confirm');
    await page.waitForSelector('.progress');
    await page.waitForSelector('#cmd-final', { timeout: 30000 });
    const state = await page.getAttribute('#cmd-final', 'data-state');
    check(state === 'done', `the command's progress ends done: ${await page.textContent('.progress')}`);
    await page.click('#cmd-close');
    await page.click('#room-R101');
    await page.click('#history-commands');
    await page.waitForSelector('#history-commands-table');
    const hist = await page.textContent('#history-commands-table');
    check(hist.includes('跳闸') && hist.includes('ann'), `the room's commands list the trip by ann: ${hist}`);
  },

  // After the trip, read and uploaded: the tile says tripped.
  async tripped() {
    const page = await signedIn('ann', { lang: 'zh' });
    const tile = await page.textContent('#room-R101');
    check(tile.includes('跳闸'), `room 101's tile shows the meter tripped: ${tile}`);
    await page.selectOption('#monitor-filter', 'cut');
    const shown = await page.$$eval('.tile', (t) => t.map((x) => x.id));
    check(shown.join() === 'room-R101', `the cut-off filter shows room 101 alone: ${shown}`);
    const ov = await overviewMeters(page, 'meters-cut-off');
    check(ov.cut === 1 && ov.low === Number(ARG) && ov.low >= 1,
      `the overview: one meter cut off, ${ARG} below the default level 20.00: ${JSON.stringify(ov)}`);
    const linked = await page.$$eval('.tile', (t) => t.map((x) => x.id));
    check(await page.inputValue('#monitor-filter') === 'cut' && linked.join() === 'room-R101',
      `its cut-off card opens the monitoring page on the cut-off meters: ${linked}`);
  },

  // Another organisation's data: not in the page, refused through the API with the session.
  async scope() {
    const ann = await signedIn('ann');
    const list = await ann.$$eval('.buildings button', (b) => b.map((x) => x.id));
    check(list.join() === 'building-B1', `ann (Estate A) sees building B1 only: ${list}`);
    const api = async (path) => (await call(ann, 'GET', path));
    const s = await api('/v1/admin/structure');
    check(s.status === 200 && s.body.organisation === 'EA' && s.body.buildings.map((b) => b.id).join() === 'B1',
      `the structure answers EA's buildings only: ${JSON.stringify(s.body)}`);
    check((await api('/v1/admin/monitor?building=B2')).status === 404, 'Tower B (Estate B) is 404 to ann');
    const meters = await api('/v1/admin/meters');
    const ids = meters.body.rows.map((m) => m.meter);
    check(ids.includes('000000000001') && !ids.includes('000000000009'), `meters: Estate A's only: ${ids}`);
    check((await api('/v1/admin/meters/000000000009')).status === 404, 'Estate B\'s meter is 404 to ann');
    check((await api('/v1/admin/rooms/R901/history?what=readings')).status === 404, 'Estate B\'s room is 404 to ann');
    const sales = await api('/v1/admin/reports/sales?by=site');
    check(sales.status === 200 && sales.body.rows.every((r) => r.site === 'S1') && sales.body.rows.length === 1, `sales: S1's only: ${JSON.stringify(sales.body)}`);
    const trip = await call(ann, 'POST', '/v1/admin/commands', { meter: '000000000009', command: 'relay_trip', operator: 'ann', reason: 'x' });
    check(trip.status === 404, `a trip of Estate B's meter is refused: ${trip.status}`);
    const batch = await call(ann, 'POST', '/v1/admin/batches', { command: 'relay_trip', site: 'S2', operator: 'ann', reason: 'x' });
    check(batch.status === 404, `a batch over Estate B's site is refused: ${batch.status}`);
    const add = async (path, body) => (await call(ann, 'POST', path, body)).status;
    check(await add('/v1/admin/buildings', { id: 'B3', name: 'Tower C', site: 'S2' }) === 404, 'ann may not add a building on Estate B\'s site');
    check(await add('/v1/admin/rooms', { id: 'R103', name: '103', building: 'B1', floor: 1 }) === 200, 'ann adds a room to her building');
    check(await add('/v1/admin/rooms/R103/meters', { meter: '000000000009' }) === 404, 'ann may not place Estate B\'s meter');
    check(await add('/v1/admin/rooms/R901/meters', { meter: '000000000001' }) === 404, 'ann may not place a meter in Estate B\'s room');
    check(await add('/v1/admin/orgs', { id: 'EC', name: 'Estate C', parent: 'EB' }) === 404, 'ann may not add an organisation under Estate B');
    check(await add('/v1/admin/orgs', { id: 'EA2', name: 'Estate A, phase 2', parent: 'EA' }) === 200, 'ann adds one under her own');
    const s2 = await api('/v1/admin/structure');
    check(s2.body.orgs.map((o) => o.id).join() === 'EA,EA2' && s2.body.buildings[0].rooms === 4, `ann's structure with them: ${JSON.stringify(s2.body)}`);
    const alerts = await api('/v1/admin/alerts');
    check(alerts.status === 200 && alerts.body.rows.length === 0, `ann sees no alert of Estate B's: ${JSON.stringify(alerts.body)}`);
    const ack = await call(ann, 'POST', '/v1/admin/alerts/1/ack', { operator: 'ann', reason: 'x' });
    check(ack.status === 404, `ann may not acknowledge Estate B's alert: ${ack.status}`);

    const bob = await signedIn('bob');
    const bl = await bob.$$eval('.buildings button', (b) => b.map((x) => x.id));
    check(bl.join() === 'building-B2', `bob (Estate B) sees building B2 only: ${bl}`);
    check(!(await bob.isVisible('#room-R101')), 'Estate A\'s rooms are not on bob\'s page');
    const k = await call(bob, 'GET', '/v1/admin/kiosks');
    check(k.status === 200 && k.body.rows.map((r) => r.id).join() === 'K2', `kiosks: Estate B's K2 only to bob: ${JSON.stringify(k.body.rows.map((r) => r.id))}`);
    const ov = await call(bob, 'GET', '/v1/admin/overview');
    check(ov.status === 200 && ov.body.sales_today.length === 1 && Number(ov.body.sales_today[0].amount) === 900 &&
      ov.body.kiosks.total === 1 && ov.body.alerts_open === 1,
      `bob's overview: his kiosk, alert and sale, none of Estate A's: ${JSON.stringify(ov.body)}`);
    const back = await call(bob, 'POST', '/v1/admin/alerts/1/ack', { operator: 'bob', reason: 'cover closed again' });
    check(back.status === 200, `bob acknowledges his own alert: ${back.status}`);
    const bs = await call(bob, 'GET', '/v1/admin/reports/sales?by=method');
    check(bs.status === 200 && bs.body.rows.length === 1 && Number(bs.body.rows[0].amount) === 900,
      `bob's sales by method: Estate B's 9.00 only: ${JSON.stringify(bs.body.rows)}`);

    // Finance, reports, batches and the audit log: Estate A's only to ann.
    const income = await api('/v1/admin/reports/income?by=day');
    check(income.status === 200 && income.body.rows.length > 0 && income.body.rows.every((r) => r.site === 'S1') &&
      sum(income.body.rows, 'amount') === 700, `ann's income by day: Estate A's 7.00 only: ${JSON.stringify(income.body)}`);
    const month = await api('/v1/admin/reports/income?by=month');
    check(sum(month.body.rows, 'amount') === 700, `ann's income by month: 7.00: ${JSON.stringify(month.body.rows)}`);
    const money = await api('/v1/admin/reports/money');
    check(money.status === 200 && money.body.rows.length === 1 && money.body.rows[0].meter === '000000000001',
      `ann's money rows: Estate A's sale only: ${JSON.stringify(money.body)}`);
    const total = await financeIncome(ann);
    check(/\b7\.00$/.test(total), `ann's finance page: income 7.00: ${total}`);
    check((await api('/v1/admin/reports/energy?meter=000000000009&by=day')).status === 404, 'Estate B\'s meter\'s energy report is 404 to ann');
    const energy = await api('/v1/admin/reports/energy?meter=000000000001&by=day');
    check(energy.status === 200, `Estate A's meter's energy report: ${energy.status}`);
    const all = await api('/v1/admin/reports/energy');
    check(all.status === 200 && all.body.rows.every((r) => r.meter !== '000000000009'), 'the energy report: no meter of Estate B\'s');
    check((await api('/v1/admin/accounts/AB9/usage')).status === 404, 'Estate B\'s account\'s usage is 404 to ann');
    const accounts = await api('/v1/admin/accounts');
    check(accounts.body.rows.every((r) => r.account !== 'AB9'), 'ann\'s accounts: not Estate B\'s');
    const batches = await api('/v1/admin/batches');
    const bids = batches.body.rows.map((r) => r.id);
    check(batches.status === 200 && bids.length === 1 && !bids.includes(ARG), `ann's batches: Estate A's one only: ${bids}`);
    check((await api(`/v1/admin/batches/${ARG}`)).status === 404, 'Estate B\'s batch is 404 to ann');
    check((await call(ann, 'POST', `/v1/admin/batches/${ARG}/cancel`, { operator: 'ann', reason: 'x' })).status === 404,
      'ann may not cancel Estate B\'s batch');
    check((await api(`/v1/admin/batches/${bids[0]}`)).status === 200, 'Estate A\'s batch is shown to ann');
    const audit = await api('/v1/admin/reports/audit');
    const arows = audit.status === 200 ? audit.body.rows : [];
    check(arows.some((r) => r.actor === 'console:ann' && r.action === 'room.add') &&
      arows.every((r) => r.actor === 'console:ann' || r.actor === 'console:cara' || r.kiosk === 'K1'),
      `ann's audit log: what Estate A's operators did and its kiosk sent: ${JSON.stringify(arows.map((r) => [r.kiosk, r.actor, r.action]))}`);
    check(!arows.some((r) => r.actor === 'console:bob'), 'ann\'s audit log: not bob\'s acknowledgement');
    // Asking for Estate B while signed in as ann: nothing of Estate B's.
    for (const p of ['/v1/admin/reports/money', '/v1/admin/batches', '/v1/admin/structure', '/v1/admin/reports/audit']) {
      const r = await call(ann, 'GET', p, undefined, 'EB');
      check(r.status === 404 && !JSON.stringify(r.body).includes('TXN-EB-1'), `ann asking for Estate B: ${p} is ${r.status}`);
    }
    const own = await call(ann, 'GET', '/v1/admin/reports/money', undefined, 'EA');
    check(own.status === 200 && own.body.rows.length === 1, 'ann narrowed to her own organisation: the same rows');

    const uma = await signedIn('uma');
    const ul = await uma.$$eval('.buildings button', (b) => b.map((x) => x.id));
    check(ul.join() === 'building-B1,building-B2', `uma (the utility's) sees every building: ${ul}`);
    await uma.selectOption('#monitor-site', 'S2');
    const us = await uma.$$eval('.buildings button', (b) => b.map((x) => x.id));
    check(us.join() === 'building-B2', `the property switcher narrows uma's buildings to Estate B gate's: ${us}`);
    await uma.waitForSelector('#room-R901');
    check(true, 'and shows its rooms');
    // Tower B's 300 more rooms (floors 1-3): tiles drawn as they come near the screen
    const drawn = async () => uma.$$eval('.tile', (t) => t.length);
    const first = await drawn();
    check(first === 240 && (await uma.textContent('.floors > .hint')).includes('240 of 301'),
      `of 301 rooms 240 are drawn at first, the rest said: ${first}`);
    await uma.locator('.floors > .hint').scrollIntoViewIfNeeded();
    await uma.waitForFunction(() => document.querySelectorAll('.tile').length === 301);
    check(!(await uma.isVisible('.floors > .hint')), 'scrolled down, every room is drawn');
    await uma.fill('#monitor-search', 'RX0299');
    check((await uma.$$eval('.tile', (t) => t.map((x) => x.id))).join() === 'room-RX0299', 'the search finds a room not drawn before');
    await uma.fill('#monitor-search', '');

    // The organisation switcher: uma narrows every page to Estate B, kept in the browser.
    await runAxe(uma, 'the top bar with the organisation switcher');
    const options = await uma.$$eval('#org-switch option', (o) => o.map((x) => x.value));
    check(options.join() === ',EA,EA2,EB,HQ', `uma's switcher offers all and every organisation: ${options}`);
    await uma.selectOption('#org-switch', 'EB');
    await uma.waitForFunction(() => [...document.querySelectorAll('.buildings button')].map((x) => x.id).join() === 'building-B2');
    check(!(await uma.isVisible('#monitor-site')), 'the monitoring page follows the switcher: Estate B\'s one property');
    const utotal = await financeIncome(uma);
    check(/\b9\.00$/.test(utotal), `uma's finance page on Estate B: income 9.00: ${utotal}`);
    const moves = await uma.textContent('#movements');
    check(moves.includes('TXN-EB-1') && !moves.includes('000000000001'), `and Estate B's movements only: ${moves}`);
    await uma.reload();
    await uma.waitForSelector('#total-income');
    check(await uma.inputValue('#org-switch') === 'EB' && /\b9\.00$/.test((await uma.textContent('#total-income')).trim()),
      'a reload keeps the switcher on Estate B');
    const ub = await call(uma, 'GET', '/v1/admin/batches', undefined, 'EB');
    check(ub.status === 200 && ub.body.rows.map((r) => r.id).join() === ARG, `uma on Estate B: its batch only: ${JSON.stringify(ub.body.rows.map((r) => r.id))}`);
    const ui = await call(uma, 'GET', '/v1/admin/reports/income?by=year', undefined, 'EB');
    check(ui.body.rows.every((r) => r.site === 'S2') && sum(ui.body.rows, 'amount') === 900, `uma on Estate B: its income only: ${JSON.stringify(ui.body.rows)}`);
    check((await call(uma, 'GET', '/v1/admin/reports/money', undefined, 'NOPE')).status === 404, 'an organisation that is not: 404');
    await uma.selectOption('#org-switch', '');
    await uma.waitForFunction(() => /\b16\.00$/.test(document.querySelector('#total-income')?.textContent.trim() || ''));
    check(true, 'all organisations again: both estates\' income, 16.00');
  },

  async axe() {
    for (const lang of ['en', 'zh']) {
      for (const width of [1366, 1024]) {
        const page = await signedIn('ann', { lang, width });
        await runAxe(page, `monitoring (${lang}, ${width})`);
        await page.click('#room-R101');
        await page.waitForSelector('#history-readings-table, #room-panel .empty');
        await runAxe(page, `a room's panel (${lang}, ${width})`);
        await page.click('#act-credit-000000000001');
        await runAxe(page, `the recharge dialog (${lang}, ${width})`);
        const box = await page.$eval('#cmd-confirm', (b) => { const r = b.getBoundingClientRect(); return r.bottom <= innerHeight && r.right <= innerWidth; });
        check(box, `the dialog's confirm button is on screen at ${width}x768`);
        await page.context().close();
      }
    }
  },
};

async function main() {
  if (!cases[CASE]) throw new Error(`no case '${CASE}': one of ${Object.keys(cases).join(', ')}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    await cases[CASE]();
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log(failures ? `monitor ${CASE}: ${failures} failed` : `monitor ${CASE}: passed`);
  process.exit(failures ? 1 : 0);
}, (e) => {
  console.log(`FAIL: ${e.stack || e}`);
  if (browser) browser.close();
  process.exit(1);
});
