// The console's benchmark (scripts/bench-console; docs/console.md,
// "Measured"), against a back office already serving a large store:
//  monitor  the monitoring page: from navigation to the tiles on screen
//           drawn, to a room's panel open after a click, and the filter's
//           answer; Debian's chromium driven by playwright-core
//  api      the API's list endpoints, a page of each (limit, offsets
//           spread over the list) with a console session's cookie: p50, p99,
//           and the server's CPU per request (BENCH_SERVER_PID: its process;
//           the figure that does not change with the machine's other load)
//   node console_bench.mjs monitor|api BASE OPERATOR PASSWORD [RUNS]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { launch, newPage, signIn } from './browser.mjs';

const [, , PART, BASE, OPERATOR, PW, RUNS] = process.argv;

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (x) => `${x.toFixed(0)} ms`;

// One run: a signed-in page opened at #/monitor; the times from the navigation.
async function monitorRun(browser) {
  const page = await newPage(browser);
  await signIn(page, BASE, OPERATOR, PW);
  await page.waitForSelector('#who');
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(`${BASE}/console/#/monitor`);
  await page.waitForFunction(() => {
    const tiles = document.querySelectorAll('.tile');
    const last = tiles[tiles.length - 1];
    return tiles.length > 0 && document.querySelectorAll('.floor').length > 0 && last.getBoundingClientRect().height > 0;
  }, null, { polling: 'raf', timeout: 30000 });
  const drawn = Date.now() - t0;
  const floors = await page.$$eval('.floor', (f) => f.length);
  const tiles = await page.$$eval('.tile', (t) => t.length);
  const first = await page.$eval('.tile', (t) => t.id);
  await page.click(`#${first}`);
  await page.waitForSelector('#room-panel');
  const panel = Date.now() - t0;
  await page.click('#room-close');
  const t1 = Date.now();
  await page.selectOption('#monitor-filter', 'cut');
  await page.waitForFunction(() => { // every tile shown is a tripped meter's
    const t = [...document.querySelectorAll('.tile')];
    return t.length > 0 && t.every((x) => x.textContent.includes('Tripped'));
  }, null, { polling: 'raf', timeout: 30000 });
  const filter = Date.now() - t1;
  const shown = await page.$$eval('.tile', (t) => t.length);
  await page.context().close();
  return { drawn, panel, filter, floors, tiles, shown };
}

async function monitor() {
  const browser = await launch();
  const runs = [];
  await monitorRun(browser); // the browser's own warm-up (not counted)
  for (let i = 0; i < Number(RUNS || 7); i++) runs.push(await monitorRun(browser));
  await browser.close();
  const last = runs[runs.length - 1];
  console.log(`monitoring page, ${runs.length} runs (${last.floors} floors and ${last.tiles} tiles drawn at first; ${last.shown} after the cut-off filter):`);
  for (const [k, what] of [['drawn', 'navigation -> tiles drawn'], ['panel', 'navigation -> a room\'s panel open (interactive)'],
    ['filter', 'filter chosen -> tiles redrawn']]) {
    const xs = runs.map((r) => r[k]);
    console.log(`  ${what.padEnd(52)} median ${ms(pct(xs, 50))}, worst ${ms(Math.max(...xs))}`);
  }
  console.log(`the machine's load average meanwhile: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

// A GET with the cookie on a kept-alive connection: [status, total, ms].
function get(agent, cookie, path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(`${BASE}${path}`, { agent, headers: { Cookie: cookie } }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const t = Number(process.hrtime.bigint() - t0) / 1e6;
        let total = 0;
        try { total = JSON.parse(Buffer.concat(parts).toString()).total ?? 0; } catch { /* CSV */ }
        resolve([res.statusCode, total, t]);
      });
    });
    req.on('error', reject);
  });
}

// The server's CPU time so far, in ms (0 when its process is not known).
function serverCpu() {
  const pid = process.env.BENCH_SERVER_PID;
  if (!pid) return 0;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime, stime in ticks of 10 ms
}

async function session() {
  const r = await fetch(`${BASE}/v1/console/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ operator: OPERATOR, password: PW }),
  });
  if (r.status !== 200) throw new Error(`signing in: ${r.status}`);
  return r.headers.get('set-cookie').split(';')[0];
}

// The lists sync/openapi.yaml offers the console, each asked a page at a time.
const LISTS = [
  'meters', 'accounts', 'kiosks', 'alerts', 'commands', 'batches', 'notices', 'operators', 'groups',
  'qr-refunds', 'qr-differences', 'bills', 'arrears', 'monitor?building=B1', 'reports/audit',
  'reports/money?from=2020-01-01', 'reports/income?by=day&from=2020-01-01', 'reports/sales?by=day',
];

async function api() {
  const cookie = await session();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const n = Number(RUNS || 200), limit = 50;
  console.log(`the API's lists, a page of ${limit} rows at offsets spread over each, ${n} requests each, one after another:`);
  for (const list of LISTS) {
    const path = `/v1/admin/${list}${list.includes('?') ? '&' : '?'}limit=${limit}`;
    const [status, total] = await get(agent, cookie, path);
    if (status !== 200) throw new Error(`${path}: ${status}`);
    const times = [], cpu0 = serverCpu();
    for (let i = 0; i < n; i++) {
      const offset = total > limit ? Math.floor((i * 7919) % (total - limit + 1)) : 0;
      const [s, , t] = await get(agent, cookie, `${path}&offset=${offset}`);
      if (s !== 200) throw new Error(`${path}&offset=${offset}: ${s}`);
      times.push(t);
    }
    const cpu = (serverCpu() - cpu0) / n;
    console.log(`  ${list.padEnd(40)} ${String(total).padStart(6)} rows  p50 ${pct(times, 50).toFixed(1).padStart(6)} ms  p99 ${pct(times, 99).toFixed(1).padStart(6)} ms  CPU ${cpu.toFixed(1).padStart(5)} ms`);
  }
  const whole = [], cpu0 = serverCpu();
  for (let i = 0; i < 20; i++) whole.push((await get(agent, cookie, '/v1/admin/monitor?building=B1'))[2]);
  const cpu = (serverCpu() - cpu0) / 20;
  console.log(`  ${'monitor?building=B1 whole (the page\'s)'.padEnd(40)}  20 requests p50 ${pct(whole, 50).toFixed(1).padStart(6)} ms  p99 ${pct(whole, 99).toFixed(1).padStart(6)} ms  CPU ${cpu.toFixed(1).padStart(5)} ms`);
  console.log(`the machine's load average meanwhile: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${process.env.BENCH_CORES || '?'} cores)`);
  agent.destroy();
}

try {
  if (PART === 'monitor') await monitor();
  else if (PART === 'api') await api();
  else throw new Error('say monitor or api');
} catch (e) {
  console.error(`console_bench: ${e.message}`);
  process.exit(1);
}
