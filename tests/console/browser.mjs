// What the console's browser tests share: Debian's chromium driven by
// playwright-core (no browser of its own), a page at 1366x768, signing in,
// axe-core, and the checks counted.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CONSOLE_CHROMIUM || '/usr/bin/chromium';

export const counts = { failures: 0 };
export function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) counts.failures++;
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

// A new page (1366x768, UTC, the language's locale), downloads accepted.
export async function newPage(browser, lang = 'en') {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1366, height: 768 },
    locale: lang === 'zh' ? 'zh-CN' : 'en-US', timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => check(false, `no script error on the page: ${e.message}`));
  return page;
}

export async function signIn(page, base, name, pw) {
  await page.goto(`${base}/console/`);
  await page.fill('#operator', name);
  await page.fill('#password', pw);
  await page.click('#signin-submit');
}

// The page's own fetch (the browser's cookie), as the console would make it.
export function pageFetch(page, method, path, headers = {}, body) {
  return page.evaluate(async ([m, p, h, b]) => {
    const r = await fetch(p, { method: m, headers: { 'Content-Type': 'application/json', ...h }, body: b, credentials: 'same-origin' });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, headers, body]);
}

export async function runAxe(page, name) {
  await page.addScriptTag({ content: AXE }).catch(() => page.evaluate(AXE));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`  ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  check(bad.length === 0, `axe: no serious or critical violations on ${name}`);
}
