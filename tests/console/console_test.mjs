// The web console's browser tests (docs/console.md): the real back office,
// started here over HTTPS with a fresh store, and Debian's chromium driven
// headless by playwright-core (no browser of its own). Each case is its own
// ctest entry:
//   node console_test.mjs CASE BACKOFFICE CONSOLE_DIR
// Cases: signin, lockout, permission, csrf, signout, expiry, headers, axe,
// staff_changes.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  chmodSync(join(SITE, 'ca.key'), 0o600);
  writeFileSync(join(SITE, 'bo.ini'), `[server]
listen = 127.0.0.1
port = 0
database = ${SITE}/bo.db
[tls]
cert = ${SITE}/server.pem
key = ${SITE}/server.key
client_ca = ${SITE}/ca.pem
client_ca_key = ${SITE}/ca.key
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
    bo(['org', 'add', 'HQ', 'Head office']); // so that a site may be given to it
    for (const lang of ['en', 'zh']) {
      const page = await newPage(lang);
      await page.goto(`${server.base}/console/`);
      await page.waitForSelector('#signin-submit');
      await runAxe(page, `sign-in (${lang})`);
      await signIn(page, 'admin', ADMIN_PW);
      await page.waitForSelector('#who');
      for (const id of ['overview', 'kiosks', 'staff', 'structure']) {
        await page.click(`#nav-${id}`);
        await page.waitForSelector('.table-block');
        await runAxe(page, `${id} (${lang})`);
      }
      // the dialogs of the changes to staff, the structure and enrolment
      for (const [nav, opener, dialog] of [['staff', '#op-add-open', 'op-add'], ['staff', '#group-add-open', 'group-set'],
        ['staff', 'button[aria-label$=": clerk"] >> nth=1', 'op-password'], ['structure', '#building-add-open', 'building-add'],
        ['structure', '#site-org-open', 'site-org'], ['kiosks', '#enrol-issue-open', 'enrol-issue']]) {
        await page.click(`#nav-${nav}`);
        await page.click(opener);
        await page.waitForSelector(`#${dialog}`);
        await runAxe(page, `the ${dialog} dialog (${lang})`);
        await page.click(`#${dialog} button.secondary`);
      }
    }
  },

  // Staff, the structure and an enrolment code changed from the console.
  async staff_changes() {
    bo(['org', 'add', 'HQ', 'Head office']);
    bo(['org', 'add', 'EA', 'Estate A', '--parent', 'HQ']);
    bo(['org', 'site', 'S1', 'EA']);
    bo(['customer', 'add', '100000000001', 'Zhang San']);
    bo(['meter', 'add', '000000000001', '--customer', '100000000001', '--protocol', 'dlt645', '--gateway', '127.0.0.1:1', '--site', 'S1']);
    const admin = await signedIn('admin', ADMIN_PW);
    await admin.click('#nav-staff');
    await admin.waitForSelector('#operators');
    await change(admin, '#group-add-open', 'group-set', { '#f-group-name': 'desk', '#perm-operators': true, '#perm-diagnostics': true }, '#staff-note');
    check((await admin.textContent('#groups')).includes('diagnostics,operators'), 'a group made in the console is listed with its permissions');
    await change(admin, '#op-add-open', 'op-add', { '#f-name': 'dora', '#f-group': 'select:desk', '#f-org': 'select:EA', '#f-pin': '8642' }, '#staff-note >> text=Operator dora added');
    check((await admin.textContent('#operators')).includes('dora'), 'an operator made in the console is listed');
    await admin.click('button[aria-label="Console password: dora"]');
    await admin.fill('#f-password', 'dora password 1');
    await admin.click('#op-password-confirm');
    await admin.waitForSelector('#staff-note >> text=Console password of dora set');
    check(!(await admin.content()).includes('dora password 1'), 'the password is not shown after it is set');
    check(audit('operator.add').includes('console:admin') && audit('group.set').includes('console:admin') &&
      audit('console.password').includes('console:admin'), 'the changes are audited with console:admin, the command line\'s actions');
    check(!audit('console.password').includes('dora password'), 'the audit log does not hold the password');
    const dora = await signedIn('dora', 'dora password 1');
    await dora.click('#nav-staff');
    await dora.waitForSelector('#operators');
    const seen = await dora.textContent('#operators');
    check(seen.includes('dora') && !seen.includes('clerk'), 'dora (organisation EA) sees her organisation\'s operators only');
    const csrf = (await pageFetch(dora, 'GET', '/v1/console/session')).body.csrf;
    const grant = await pageFetch(dora, 'POST', '/v1/admin/groups', { 'X-CSRF-Token': csrf }, JSON.stringify({ name: 'more', perms: ['settings'] }));
    check(grant.status === 403 && /settings/.test(grant.body.error.message), `dora may not grant settings, which she lacks: ${grant.status}`);
    const other = await pageFetch(dora, 'POST', '/v1/admin/operators/clerk/disable', { 'X-CSRF-Token': csrf }, '{}');
    check(other.status === 404, `dora may not disable an operator outside her organisation: ${other.status}`);
    await dora.click('#nav-structure');
    await change(dora, '#org-add-open', 'org-add', { '#f-id': 'EB', '#f-name': 'Estate B' }, '.dialog .problem');
    check((await dora.textContent('.dialog .problem')).includes('settings'), 'the structure dialog names the permission dora lacks');
    // the structure from the console, seen on the monitoring page
    await admin.click('#nav-structure');
    await admin.waitForSelector('#orgs');
    await change(admin, '#building-add-open', 'building-add', { '#f-id': 'B1', '#f-name': 'Block 1', '#f-site': 'select:S1' }, '#structure-note');
    await admin.waitForSelector('#room-add-open');
    await change(admin, '#room-add-open', 'room-add', { '#f-id': 'R101', '#f-name': '101', '#f-floor': '1' }, '#rooms >> text=R101');
    await change(admin, '#meter-place-open', 'meter-place', { '#f-room': 'select:R101', '#f-meter': 'select:000000000001' }, '#rooms >> text=000000000001');
    check(audit('room.meter').includes('console:admin'), 'placing the meter is audited with console:admin');
    await admin.click('#nav-monitor');
    await admin.waitForSelector('[data-meter="000000000001"]');
    check(true, 'the monitoring page shows the meter in room 101');
    // a site given to an organisation from the Structure page; an estate's operator gives only hers, within hers
    bo(['org', 'add', 'EA1', 'Estate A annex', '--parent', 'EA']);
    bo(['org', 'add', 'EB', 'Estate B', '--parent', 'HQ']);
    for (const [site, name] of [['S2', 'Estate B gate'], ['S3', 'New gate']]) bo(['site', 'add', site, name]);
    bo(['org', 'site', 'S2', 'EB']);
    await admin.click('#nav-structure');
    await change(admin, '#site-org-open', 'site-org', { '#f-site': 'select:S3', '#f-org': 'select:EA' }, '#structure-note');
    const siteAudit = (who) => audit('org.site').split('\n').filter((l) => l.includes(`console:${who}`) && l.includes('S3')).length;
    check(siteAudit('admin') === 1, `giving S3 to EA is audited org.site with console:admin: ${audit('org.site')}`);
    bo(['group', 'set', 'desk', '--perms', 'operators,diagnostics,settings']);
    const give = (site, org) => pageFetch(dora, 'POST', `/v1/admin/sites/${site}/org`, { 'X-CSRF-Token': csrf }, JSON.stringify({ org }));
    const mine = await give('S3', 'EA1');
    const theirs = await give('S2', 'EA');
    const away = await give('S1', 'EB');
    check(mine.status === 200 && theirs.status === 404 && away.status === 404,
      `dora gives her site S3 to EA1 under EA (${mine.status}), not EB's S2 to EA (${theirs.status}), nor S1 to EB (${away.status})`);
    const sites = (await pageFetch(dora, 'GET', '/v1/admin/structure')).body.sites.map((x) => x.id).join();
    check(sites === 'S1,S3' && siteAudit('dora') === 1, `dora now sees S1 and S3 (${sites}); audited with console:dora`);
    // an enrolment code issued in the console, accepted once
    await admin.click('#nav-kiosks');
    await change(admin, '#enrol-issue-open', 'enrol-issue', { '#f-kiosk': 'K2', '#f-site': 'S1' }, '#enrol-code-value');
    const code = (await admin.textContent('#enrol-code-value')).trim();
    check((await admin.textContent('#enrol-codes')).includes('K2'), 'the open code is listed with its expiry');
    const body = enrolment('K2', code);
    const first = await admin.request.post(`${server.base}/v1/enrol`, { data: body });
    check(first.status() === 200, `the kiosk enrols with the code: ${first.status()} ${(await first.text()).slice(0, 120)}`);
    const again = await admin.request.post(`${server.base}/v1/enrol`, { data: { ...enrolment('K2', code) } });
    check(again.status() === 403, `the code enrols once: ${again.status()}`);
    check(/K2\s+S1\s+active/.test(bo(['kiosk', 'list'])), 'the back office lists K2 active');
    check(audit('kiosk.enrol_code').includes('console:admin'), 'issuing the code is audited with console:admin');
  },
};

// What a kiosk sends to enrol with code: a certificate request for kiosk,
// its upload key and the code it shows (sync_kiosk_code: the SHA-256 of its
// key and the upload key, base32, as XXXX-XXXX-XXXX-XXXX).
function enrolment(kiosk, code) {
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${kiosk}.key`,
    '-out', `${kiosk}.csr`, '-subj', `/CN=${kiosk}`]);
  openssl(['pkey', '-in', `${kiosk}.key`, '-pubout', '-outform', 'DER', '-out', `${kiosk}.spki`]);
  const upload = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const h = createHash('sha256').update(readFileSync(join(SITE, `${kiosk}.spki`))).update(upload).digest();
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '', shown = '';
  for (const b of h.subarray(0, 10)) bits += b.toString(2).padStart(8, '0');
  for (let i = 0; i < 16; i++) shown += (i && i % 4 === 0 ? '-' : '') + abc[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  return { code, csr: readFileSync(join(SITE, `${kiosk}.csr`), 'utf8'), upload_key: upload.toString('base64'), kiosk_code: shown };
}

// Opens a dialog with button opener, fills fields {selector: value} (a
// select when the value starts with 'select:'), confirms; waits for note.
async function change(page, opener, dialog, fields, note) {
  await page.click(opener);
  await page.waitForSelector(`#${dialog}`);
  for (const [sel, v] of Object.entries(fields)) {
    if (String(v).startsWith('select:')) await page.selectOption(sel, v.slice(7));
    else if (v === true) await page.check(sel);
    else await page.fill(sel, String(v));
  }
  await page.click(`#${dialog}-confirm`);
  if (note) await page.waitForSelector(note);
}

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
