// The resident's phone page in Debian's chromium at phone size (375x812),
// driven by playwright-core (docs/phone.md). tests/phone/phone_test.sh
// starts metersim, the kiosk's worker, wxpaysim and the back office, then:
//   node phone_test.mjs CASE BASE_URL WX_URL METERSIM_CONTROL_PORT SITE
// Cases: pay_wechat, pay_alipay, brute_force, link, axe. PHONE_LINK: `backoffice phone-link`'s for
// meter 1; ALI_URL, ALI_CTL (pay_alipay): alipaysim's gateway and control port.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CONSOLE_CHROMIUM || '/usr/bin/chromium';
const [, , CASE, BASE, WX, CONTROL, SITE] = process.argv;
const { ALI_URL = '', ALI_CTL = '' } = process.env;
const METER = '000000000001';
const DIGITS = '0001'; // customer 100000000001

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failures++;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One line to a simulator's control port; its answer's first line.
function control(port, line) {
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1');
    let buf = '';
    s.on('data', (d) => { buf += d; if (buf.includes('\n')) { s.end(); resolve(buf.split('\n')[0]); } });
    s.on('error', reject);
    s.write(`${line}\n`);
  });
}

// One line to metersim's control port; its answer's JSON.
const metersim = async (line) => JSON.parse((await control(CONTROL, line)).slice(3));

async function newPage(browser, lang = 'en') {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
  const page = await ctx.newPage();
  await page.addInitScript((l) => localStorage.setItem('phone.lang', l), lang);
  return page;
}

async function find(page, meter, digits) {
  await page.fill('#meter', meter);
  await page.fill('#digits', digits);
  await page.click('#find-go');
}

async function runAxe(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`  ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  check(bad.length === 0, `axe: no serious or critical violations on ${name}`);
}

const post = (path, body, headers = {}) => fetch(`${BASE}${path}`, {
  method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

const cases = {
  async pay_wechat(browser) {
    const page = await newPage(browser);
    const res = await page.goto(`${BASE}/my/`);
    const csp = res.headers()['content-security-policy'] || '';
    check(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), `the page's CSP: ${csp}`);
    await find(page, METER, '9999');
    await page.waitForFunction(() => document.querySelector('#find-error')?.textContent.length > 0);
    check(/do not match/.test(await page.textContent('#find-error')), 'wrong digits: told to check them');
    await find(page, METER, DIGITS);
    await page.waitForSelector('#balance');
    const b = await page.textContent('#balance'), before = Math.round(Number(b.replace('¥', '')) * 100);
    const sim = await metersim(`state ${METER}`);
    const known = (await (await fetch(`${BASE}/v1/admin/meters/${METER}`)).json()).rows[0];
    check(before === Number(known.balance), `the balance shown (${before}) is the back office's latest reading's (${known.balance})`);
    const text = await page.textContent('body');
    check(!text.includes('Customer 1') && !text.includes('100000000001'), 'neither the owner nor the customer number is shown');
    const rows = await page.$$eval('#usage-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    check(rows.length >= 29, `30 days of use in the table (${rows.length} rows)`);
    check(rows.filter((r) => r[1] === '1.00').length >= 28, 'each planted day shows 1.00 kWh');
    check(await page.$('svg.chart[role="img"] rect.bar') !== null, 'the chart is drawn');
    // pay CNY 50 through WeChat Pay's H5 page (wxpaysim's), paid by the "wallet" (its control)
    await page.click('.amount[data-amount="5000"]');
    let order = null; // the order's id, read from the answer on its way to the page
    await page.route('**/v1/phone/orders', async (route) => {
      const answer = await route.fetch();
      order = (await answer.json()).order;
      await route.fulfill({ response: answer });
    });
    const [req] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(WX)), page.click('#pay-wechat')]);
    const h5 = req.url();
    await page.waitForURL((u) => u.href.startsWith(WX));
    check(h5.includes('/sim/h5/'), `the browser went to WeChat Pay's H5 page: ${h5}`);
    const paid = await fetch(`${WX}/sim/scan`, { method: 'POST', body: h5 });
    check(paid.status === 200, `paid at wxpaysim: ${paid.status}`);
    await page.goto(`${BASE}/my/#order=${order}`);
    const seen = new Set();
    for (let i = 0; i < 300; i++) {
      const s = await page.textContent('#order-state').catch(() => '');
      seen.add(s);
      if (s === 'On the meter') break;
      await sleep(100);
    }
    check(seen.has('On the meter'), `the page showed the credit arriving: ${[...seen].join(' -> ')}`);
    const after = await metersim(`state ${METER}`);
    check(after.balance === sim.balance + 5000, `metersim's balance rose by 50.00: ${sim.balance} -> ${after.balance}`);
    check(after.journal.length === sim.journal.length + 1, `one credit in metersim's journal (${after.journal.length})`);
    const shown = await page.textContent('#order-result');
    check(shown.includes(`¥${(after.balance / 100).toFixed(2)}`), `the new balance shown: ${shown}`);
    // asked again and again, the order stays one credit
    const token = await page.evaluate(() => sessionStorage.getItem('phone.token'));
    check(token && token.startsWith(`s.${METER}.`), 'the session is a token kept for this tab');
    for (let i = 0; i < 3; i++) await fetch(`${BASE}/v1/phone/orders/${order}`, { headers: { Authorization: `Bearer ${token}` } });
    const again = await metersim(`state ${METER}`);
    check(again.journal.length === after.journal.length, 'polling again credits nothing more');
    // another meter's session cannot read this order; no token, no order
    const none = await post('/v1/phone/orders', { amount: 5000 });
    check(none.status === 401, `an order without a session: ${none.status}`);
    const forged = await post('/v1/phone/notify/wechatpay', { id: 'x', event_type: 'TRANSACTION.SUCCESS', resource: {} },
      { 'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000)), 'Wechatpay-Nonce': 'n', 'Wechatpay-Signature': 'AAAA', 'Wechatpay-Serial': 'x' });
    check(forged.status === 401, `a forged notification is refused: ${forged.status}`);
    const odd = await post('/v1/phone/orders', { amount: 1234 }, { Authorization: `Bearer ${token}` });
    check(odd.status === 400, `an amount not offered: ${odd.status}`);
  },

  // Both providers offered; CNY 20 through Alipay's wap page (alipaysim's gateway), paid by the
  // buyer (its control) while the page is away: the notification, sent to the notify_url set by
  // hand (the kiosks' /v1/notify/alipay), queues the credit with no page polling.
  async pay_alipay(browser) {
    const page = await newPage(browser, 'zh');
    await page.goto(`${BASE}/my/`);
    await find(page, METER, DIGITS);
    await page.waitForSelector('#balance');
    const labels = await page.$$eval('button[id^="pay-"]', (bs) => bs.map((b) => `${b.id}:${b.textContent}`));
    check(labels.join(' ') === 'pay-wechat:微信支付 pay-alipay:支付宝', `both providers offered: ${labels.join(' ')}`);
    const sim = await metersim(`state ${METER}`);
    await page.click('.amount[data-amount="2000"]');
    const [req] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(ALI_URL)), page.click('#pay-alipay')]);
    await page.waitForURL((u) => u.href.startsWith(ALI_URL));
    const wap = new URL(req.url()).searchParams;
    const order = JSON.parse(wap.get('biz_content') || '{}').out_trade_no || '';
    check(wap.get('method') === 'alipay.trade.wap.pay' && /^P000000000001_A[0-9a-f]{15}$/.test(order),
      `the browser went to Alipay's wap page for order ${order}`);
    check(wap.get('notify_url') === `${BASE}/v1/notify/alipay`, `the notify_url set by hand: ${wap.get('notify_url')}`);
    const paid = await control(ALI_CTL, `pay ${order}`);
    check(paid.startsWith('ok'), `paid at alipaysim: ${paid}`);
    let after = sim;
    for (let i = 0; i < 150 && after.balance === sim.balance; i++) { await sleep(100); after = await metersim(`state ${METER}`); }
    check(after.balance === sim.balance + 2000, `credited with the page away: ${sim.balance} -> ${after.balance}`);
    check(after.journal.length === sim.journal.length + 1, `one credit in metersim's journal (${after.journal.length})`);
    check((await control(ALI_CTL, `state ${order}`)).includes('notified=1'), 'the notification was answered success once');
    await page.goto(`${BASE}/my/#order=${order}`);
    let state = '';
    for (let i = 0; i < 100 && state !== '已到账电表'; i++) { await sleep(100); state = await page.textContent('#order-state').catch(() => ''); }
    check(state === '已到账电表', `the page shows the credit on the meter: ${state}`);
    const shown = await page.textContent('#order-result');
    check(shown.includes(`¥${(after.balance / 100).toFixed(2)}`), `the new balance shown: ${shown}`);
    const again = await metersim(`state ${METER}`);
    check(again.journal.length === after.journal.length, 'the page\'s polls credit nothing more');
    const token = await page.evaluate(() => sessionStorage.getItem('phone.token'));
    const other = await post('/v1/phone/orders', { amount: 2000, provider: 'unionpay' }, { Authorization: `Bearer ${token}` });
    check(other.status === 400, `a provider not offered: ${other.status}`);
    // and WeChat Pay's notification of a phone order, sent to the kiosks' /v1/notify/wechatpay, credits it
    const wx = await (await post('/v1/phone/orders', { amount: 2000, provider: 'wechat' }, { Authorization: `Bearer ${token}` })).json();
    check(wx.provider === 'wechat' && /^P000000000001_W[0-9a-f]{15}$/.test(wx.order), `a WeChat Pay order beside: ${wx.order}`);
    check((await fetch(`${WX}/sim/scan`, { method: 'POST', body: wx.pay_url })).status === 200, 'paid at wxpaysim');
    let last = again;
    for (let i = 0; i < 150 && last.journal.length === again.journal.length; i++) { await sleep(100); last = await metersim(`state ${METER}`); }
    check(last.balance === again.balance + 2000 && last.journal.length === again.journal.length + 1,
      `credited once by WeChat Pay's notification, no page polling: ${again.balance} -> ${last.balance}`);
  },

  async brute_force(browser) {
    const page = await newPage(browser);
    await page.goto(`${BASE}/my/`);
    const answers = [];
    for (const [m, d] of [['000000000002', '7342'], ['000000000099', '7342'], ['000000000003', '7342']]) {
      const r = await post('/v1/phone/session', { meter: m, digits: d });
      answers.push([r.status, await r.text()]);
    }
    check(answers.every((a) => a[0] === 401 && a[1] === answers[0][1]),
      `no such meter and wrong digits answer alike: ${answers.map((a) => a[0]).join(',')}`);
    const r4 = await post('/v1/phone/session', { meter: '000000000002', digits: '7343' });
    check(r4.status === 401, `the 4th failure is still answered: ${r4.status}`);
    const r5 = await post('/v1/phone/session', { meter: METER, digits: DIGITS });
    const body5 = await r5.json();
    check(r5.status === 429 && body5.retry_after_ms > 0 && body5.retry_after_ms <= 1000, `then even the right digits must wait: ${r5.status} ${JSON.stringify(body5)}`);
    await find(page, METER, DIGITS);
    await page.waitForFunction(() => document.querySelector('#find-error')?.textContent.length > 0);
    check(/Too many tries/.test(await page.textContent('#find-error')), 'the page says to wait');
    await sleep(1200);
    const r6 = await post('/v1/phone/session', { meter: '000000000002', digits: '7344' });
    check(r6.status === 401, `after the wait one more try: ${r6.status}`);
    const r7 = await post('/v1/phone/session', { meter: '000000000002', digits: '7345' });
    const b7 = await r7.json();
    check(r7.status === 429 && b7.retry_after_ms > 1000, `and the next wait is longer: ${r7.status} ${b7.retry_after_ms}`);
    const log = readFileSync(join(SITE, 'bo.log'), 'utf8');
    check(/find refused: meter 000000000002 from 127\.0\.0\.1/.test(log), 'each failure is logged with the address');
    check(/find slowed/.test(log), 'the slowing is logged');
    check(!/734[2-5]/.test(log), 'the digits tried are not logged');
    // the server's clock moves on: the address may try again, and the right digits work
    await post('/v1/test/clock', { advance_ms: 10 * 60 * 1000 });
    const ok = await post('/v1/phone/session', { meter: METER, digits: DIGITS });
    const okBody = await ok.json();
    check(ok.status === 200 && okBody.token && !JSON.stringify(okBody).includes('100000000001'), `found once the wait is over: ${ok.status}`);
  },

  async link(browser) {
    const link = process.env.PHONE_LINK || '';
    check(/^\/my\/#link=l\.000000000001\.\d+\.[\w-]{43}$/.test(link), `a notice's link: ${link}`);
    const page = await newPage(browser);
    await page.goto(`${BASE}${link}`);
    await page.waitForSelector('#balance');
    check((await page.textContent('#meter-title')).includes(METER), 'the link opens its meter');
    check(!page.url().includes('link='), 'the link token is taken off the address');
    const token = link.split('link=')[1];
    const forged = token.replace('l.000000000001', 'l.000000000002');
    const r = await post('/v1/phone/session', { link: forged });
    check(r.status === 401, `a link changed to name another meter is refused: ${r.status}`);
    const asSession = await fetch(`${BASE}/v1/phone/meter`, { headers: { Authorization: `Bearer ${token}` } });
    check(asSession.status === 401, `a link is no session: ${asSession.status}`);
    await post('/v1/test/clock', { advance_ms: 2 * 86400 * 1000 });
    const old = await post('/v1/phone/session', { link: token });
    check(old.status === 401, `an expired link is refused: ${old.status}`);
    const page2 = await newPage(browser);
    await page2.goto(`${BASE}${link}`);
    await page2.waitForFunction(() => document.querySelector('#find-error')?.textContent.length > 0);
    check(/do not match/.test(await page2.textContent('#find-error')), 'the page says the link did not work');
  },

  async axe(browser) {
    for (const lang of ['en', 'zh']) {
      const page = await newPage(browser, lang);
      await page.goto(`${BASE}/my/`);
      await page.waitForSelector('#find-go');
      await runAxe(page, `find (${lang})`);
      await find(page, METER, DIGITS);
      await page.waitForSelector('#balance');
      await runAxe(page, `meter (${lang})`);
      await page.click('summary');
      await runAxe(page, `meter with the table (${lang})`);
      await page.goto(`${BASE}/my/#order=P${METER}_0123456789abcdef`);
      await page.waitForSelector('#order-state');
      await runAxe(page, `progress (${lang})`);
    }
  },
};

async function main() {
  if (!cases[CASE]) throw new Error(`no case '${CASE}': one of ${Object.keys(cases).join(', ')}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    await cases[CASE](browser);
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log(failures ? `phone.${CASE}: ${failures} failed` : `phone.${CASE}: passed`);
  process.exit(failures ? 1 : 0);
}, (e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
