// The web console's browser tests (docs/console.md): the real back office,
// started here over HTTPS with a fresh store, and Debian's chromium driven
// headless by playwright-core (no browser of its own). Each case is its own
// ctest entry:
//   node console_test.mjs CASE BACKOFFICE CONSOLE_DIR
// Cases: signin, lockout, permission, csrf, signout, expiry, headers, axe.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CONSOLE_CHROMIUM || '/usr/bin/chromium';
const [, , CASE, BO, CONSOLE_DIR] = process.argv;
const SITE = mkdtempSync(join(tmpdir(), 'console-test-'));
const ADMIN_PW = 'correct horse battery';
const CLERK_PW = 'clerk password 1';

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failures++;
}

function bo(args, env = {}) {
  return execFileSync(BO, ['--config', join(SITE, 'bo.ini'), ...args], {
    env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function openssl(args) {
  execFileSync('openssl', args, { cwd: SITE, stdio: 'ignore' });
}

// A CA for kiosks and a server certificate for 127.0.0.1 signed by it.
function certificates() {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.pem', '-days', '2', '-subj', '/CN=kiosks']);
  writeFileSync(join(SITE, 'server.ext'), 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key',
    '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
}

// The back office with a fresh store: groups admins (all) and clerks
// (diagnostics only), operators admin and clerk with console passwords.
function setup() {
  certificates();
  writeFileSync(join(SITE, 'bo.ini'), `[server]
listen = 127.0.0.1
port = 0
database = ${SITE}/bo.db
[tls]
cert = ${SITE}/server.pem
key = ${SITE}/server.key
client_ca = ${SITE}/ca.pem
[signing]
key = ${SITE}/signing.key
[test]
hooks = true
[console]
dir = ${CONSOLE_DIR}
idle_minutes = 15
absolute_hours = 8
`);
  bo(['keygen']);
  bo(['site', 'add', 'S1', 'Market hall']);
  bo(['kiosk', 'add', 'K1', '--site', 'S1', '--by-hand']);
  bo(['group', 'set', 'admins', '--perms', 'all']);
  bo(['group', 'set', 'clerks', '--perms', 'diagnostics']);
  bo(['operator', 'add', 'admin', '--group', 'admins'], { BACKOFFICE_NEW_PIN: '2468' });
  bo(['operator', 'add', 'clerk', '--group', 'clerks'], { BACKOFFICE_NEW_PIN: '1357' });
  bo(['operator', 'password', 'admin'], { BACKOFFICE_NEW_PASSWORD: ADMIN_PW });
  bo(['operator', 'password', 'clerk'], { BACKOFFICE_NEW_PASSWORD: CLERK_PW });
}

function serve() {
  return new Promise((resolve, reject) => {
    const p = spawn(BO, ['--config', join(SITE, 'bo.ini'), 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `https://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => reject(new Error(`the back office stopped (${code}): ${err}`)));
    setTimeout(() => reject(new Error(`the back office did not start: ${err}`)), 15000);
  });
}

let server, browser;

async function newPage(lang = 'en') {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 768 }, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => check(false, `no script error on the page: ${e.message}`));
  return page;
}

async function signIn(page, name, pw) {
  await page.goto(`${server.base}/console/`);
  await page.fill('#operator', name);
  await page.fill('#password', pw);
  await page.click('#signin-submit');
}

// A new page (1366x768) with name signed in.
async function signedIn(name, pw, lang) {
  const page = await newPage(lang);
  await signIn(page, name, pw);
  await page.waitForSelector('#who');
  return page;
}

// The page's own fetch (the browser's cookie), as the console would make it.
function pageFetch(page, method, path, headers = {}, body) {
  return page.evaluate(async ([m, p, h, b]) => {
    const r = await fetch(p, { method: m, headers: { 'Content-Type': 'application/json', ...h }, body: b, credentials: 'same-origin' });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, headers, body]);
}

function audit(action) {
  return bo(['report', 'audit', '--action', action]);
}

const cases = {
  async signin() {
    const page = await signedIn('admin', ADMIN_PW);
    check((await page.textContent('#who')).includes('admin'), 'the top bar names the operator signed in');
    check(await page.isVisible('#kiosks-online'), 'the overview shows the kiosks online');
    const cookies = await page.context().cookies();
    const c = cookies.find((x) => x.name === 'bo_session');
    check(c && c.httpOnly && c.secure && c.sameSite === 'Strict', 'the session cookie is Secure, HttpOnly, SameSite=Strict');
    check(!(await page.evaluate(() => document.cookie)).includes('bo_session'), 'the page script cannot read the session cookie');
    await page.click('#nav-kiosks');
    await page.waitForSelector('#fleet');
    check((await page.textContent('#fleet')).includes('K1'), 'the kiosks page lists kiosk K1');
    await page.click('#lang-switch');
    check((await page.textContent('#nav-kiosks')).includes('自助终端'), 'the language switch turns the navigation to Chinese');
    check(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'the page says its language');
    await page.reload();
    await page.waitForSelector('#who');
    check((await page.textContent('#nav-kiosks')).includes('自助终端'), 'a reload keeps the session and the language');
    check(audit('console.login').includes('console:admin'), 'the sign-in is in the audit log with the operator');
  },

  async lockout() {
    const page = await newPage();
    for (let i = 1; i <= 5; i++) {
      await signIn(page, 'clerk', `wrong password ${i}`);
      await page.waitForSelector('#signin-error');
      const text = await page.textContent('#signin-error');
      check(text.includes('Wrong operator name or password'), `wrong password ${i} is refused and says so`);
    }
    await signIn(page, 'clerk', CLERK_PW);
    await page.waitForSelector('#signin-error');
    check((await page.textContent('#signin-error')).includes('locked out'), 'after 5 wrong passwords even the right one is refused: locked out');
    check(!(await page.isVisible('#who')), 'the locked-out operator is not signed in');
    const answer = await pageFetch(page, 'POST', '/v1/console/session', {}, JSON.stringify({ operator: 'clerk', password: CLERK_PW }));
    check(answer.status === 429 && answer.body.error.code === 'locked_out', 'the API answers 429 locked_out');
    check(audit('console.locked_out').includes('console:clerk'), 'the lockout is audited');
    check(audit('console.login_failed').split('\n').filter((l) => l.includes('console:clerk')).length === 4, 'four failed sign-ins before it are audited');
    await pageFetch(page, 'POST', '/v1/test/clock', {}, JSON.stringify({ advance_ms: 31 * 60 * 1000 }));
    const after = await pageFetch(page, 'POST', '/v1/console/session', {}, JSON.stringify({ operator: 'clerk', password: CLERK_PW }));
    check(after.status === 200, 'after 30 minutes the right password signs in again');
    const admin = await pageFetch(page, 'POST', '/v1/console/session', {}, JSON.stringify({ operator: 'nobody', password: 'whatever password' }));
    check(admin.status === 401 && admin.body.error.code === 'wrong_credentials', 'an unknown operator gets the same answer as a wrong password');
  },

  async permission() {
    const page = await signedIn('clerk', CLERK_PW);
    await page.click('#nav-staff');
    await page.waitForSelector('.problem');
    const text = await page.textContent('.problem');
    check(text.includes('clerk') && text.includes('operators'), `the staff page says the permission missing: ${text}`);
    const r = await pageFetch(page, 'GET', '/v1/admin/operators');
    check(r.status === 403 && r.body.error.code === 'permission_missing' && r.body.error.permission === 'operators',
      'the API answers 403 permission_missing naming operators');
    const csrf = await pageFetch(page, 'GET', '/v1/console/session');
    const contact = await pageFetch(page, 'POST', '/v1/admin/accounts/A1/contact', { 'X-CSRF-Token': csrf.body.csrf }, '{}');
    check(contact.status === 403 && contact.body.error.permission === 'contacts', 'a change needing contacts is refused naming it');
    const ack = await pageFetch(page, 'POST', '/v1/admin/alerts/999/ack', { 'X-CSRF-Token': csrf.body.csrf },
      JSON.stringify({ operator: 'clerk', reason: 'seen' }));
    check(ack.status === 404, `with diagnostics the acknowledgement reaches the alerts (none is 999): ${ack.status}`);
  },

  async csrf() {
    const page = await signedIn('admin', ADMIN_PW);
    const body = JSON.stringify({ operator: 'admin', reason: 'seen' });
    const none = await pageFetch(page, 'POST', '/v1/admin/alerts/1/ack', {}, body);
    check(none.status === 403 && none.body.error.code === 'csrf', 'a change without the CSRF token gets 403 csrf');
    const wrong = await pageFetch(page, 'POST', '/v1/admin/alerts/1/ack', { 'X-CSRF-Token': 'a'.repeat(64) }, body);
    check(wrong.status === 403 && wrong.body.error.code === 'csrf', 'a change with a wrong CSRF token gets 403 csrf');
    const out = await pageFetch(page, 'DELETE', '/v1/console/session');
    check(out.status === 403, 'even signing out needs the token');
    const me = await pageFetch(page, 'GET', '/v1/console/session');
    const right = await pageFetch(page, 'POST', '/v1/admin/alerts/1/ack', { 'X-CSRF-Token': me.body.csrf }, body);
    check(right.status === 404, `with the right token the change reaches the handler (no alert 1): ${right.status}`);
  },

  async signout() {
    const page = await signedIn('admin', ADMIN_PW);
    await page.click('#signout');
    await page.waitForSelector('#signin-submit');
    const r = await pageFetch(page, 'GET', '/v1/admin/overview');
    check(r.status === 401, 'after signing out the API refuses the browser (it has no certificate either)');
    check(audit('console.logout').includes('console:admin'), 'the sign-out is audited');
    const cookies = await page.context().cookies();
    check(!cookies.find((x) => x.name === 'bo_session' && x.value), 'the cookie is gone');
  },

  async expiry() {
    const page = await signedIn('admin', ADMIN_PW);
    const clock = (ms) => pageFetch(page, 'POST', '/v1/test/clock', {}, JSON.stringify({ advance_ms: ms }));
    await clock(14 * 60 * 1000);
    check((await pageFetch(page, 'GET', '/v1/admin/overview')).status === 200, 'used within 15 minutes: still signed in');
    await clock(16 * 60 * 1000);
    const idle = await pageFetch(page, 'GET', '/v1/admin/overview');
    check(idle.status === 401 && idle.body.error.code === 'session_expired', 'unused for 16 minutes: session_expired');
    await page.click('#nav-kiosks');
    await page.waitForSelector('#signin-error');
    check((await page.textContent('#signin-error')).includes('expired'), 'the console sends the operator to sign in, saying why');
    await signIn(page, 'admin', ADMIN_PW);
    await page.waitForSelector('#who');
    let minutes = 0;
    while (minutes < 600) {
      await clock(14 * 60 * 1000);
      minutes += 14;
      if ((await pageFetch(page, 'GET', '/v1/admin/overview')).status !== 200) break;
    }
    check(minutes >= 480 && minutes < 480 + 14, `used all along, the session ends after 8 hours (at ${minutes} minutes)`);
    const last = await pageFetch(page, 'GET', '/v1/admin/overview');
    check(last.status === 401 && last.body.error.code === 'session_expired', 'and says session_expired');
  },

  async headers() {
    const page = await newPage();
    const res = await page.goto(`${server.base}/console/`);
    const h = res.headers();
    check(/script-src 'self'/.test(h['content-security-policy']) && !/unsafe-inline/.test(h['content-security-policy']),
      'the page has a Content-Security-Policy without inline script');
    check(/frame-ancestors 'none'/.test(h['content-security-policy']), 'it may not be framed');
    check(h['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options: nosniff');
    check(h['cache-control'] === 'no-cache', 'index.html is checked every time');
    const script = await page.getAttribute('script[type=module]', 'src');
    const asset = await page.request.get(`${server.base}${script}`);
    check(/immutable/.test(asset.headers()['cache-control']), 'the hashed script is cached for good');
    const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length);
    check(inline === 0, 'no inline script');
    const missing = await page.request.get(`${server.base}/console/..%2fbo.ini`);
    check(missing.status() === 404, 'no file outside the console is served');
    const anon = await page.request.get(`${server.base}/v1/admin/overview`);
    check(anon.status() === 401, 'the staff API without a session or certificate is refused');
  },

  async axe() {
    for (const lang of ['en', 'zh']) {
      const page = await newPage(lang);
      await page.goto(`${server.base}/console/`);
      await page.waitForSelector('#signin-submit');
      await runAxe(page, `sign-in (${lang})`);
      await signIn(page, 'admin', ADMIN_PW);
      await page.waitForSelector('#who');
      for (const id of ['overview', 'kiosks', 'staff']) {
        await page.click(`#nav-${id}`);
        await page.waitForSelector('.table-block');
        await runAxe(page, `${id} (${lang})`);
      }
    }
  },
};

async function runAxe(page, name) {
  await page.addScriptTag({ content: AXE }).catch(() => page.evaluate(AXE));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`  ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  check(bad.length === 0, `axe: no serious or critical violations on ${name}`);
}

async function main() {
  if (!cases[CASE]) throw new Error(`no case '${CASE}': one of ${Object.keys(cases).join(', ')}`);
  setup();
  server = await serve();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    await cases[CASE]();
  } finally {
    await browser.close();
    server.proc.kill();
  }
}

main().then(() => {
  rmSync(SITE, { recursive: true, force: true });
  console.log(failures ? `console.${CASE}: ${failures} failed` : `console.${CASE}: passed`);
  process.exit(failures ? 1 : 0);
}, (e) => {
  console.log(`FAIL: ${e.stack || e}`);
  console.log(`(the site is kept in ${SITE})`);
  if (server) server.proc.kill();
  if (browser) browser.close();
  process.exit(1);
});
