// The console's screenshots (scripts/console-screenshots; docs/console.md,
// "Screenshots"): every page in English and Chinese at 1366x768, Debian's
// chromium driven by playwright-core, against a back office the script
// started with tests/console/store.sh's data.
//   node screenshots.mjs BASE OPERATOR PASSWORD OUT_DIR   (writes NAME-LANG.png and pages.tsv)
//   node screenshots.mjs --pages                          (the page table: name, address, title)
//   node screenshots.mjs --check MAIN_JSX                 (every row a page the console has; a ctest entry)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, newPage, signIn } from './browser.mjs';

// Every page shown, in the order of the docs: its name (the file's), the
// console's address (hash), what it shows, what is done before the picture
// (the page being drawn first: ready, a selector). A page added to the
// console gets a row here.
export const PAGES = [
  { name: 'signin', hash: '', title: 'Signing in', signedOut: true, ready: '#operator' },
  { name: 'overview', hash: '#/overview', title: 'Overview', ready: '#kiosks-online' },
  {
    name: 'monitor', hash: '#/monitor', title: 'Monitoring, a room\'s panel open', ready: '.tile',
    async then(page) {
      await page.click('#room-R404');
      await page.waitForSelector('#history-readings-table');
      await page.evaluate(() => window.scrollTo(0, 0));
    },
  },
  {
    name: 'accounts', hash: '#/accounts', title: 'Accounts, one chosen', ready: '#accounts tbody button.link',
    async then(page) {
      await page.click('#accounts tbody button.link');
      await page.waitForSelector('#account-title');
    },
  },
  { name: 'finance', hash: '#/finance', title: 'Finance', ready: '#total-income' },
  {
    name: 'reports', hash: '#/reports', title: 'Reports: a meter\'s energy by day', ready: '#report-meter',
    async then(page) {
      await page.selectOption('#report-meter', '000000000001');
      await page.selectOption('#report-by', 'day');
      const day = (d) => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10);
      await page.fill('#span-from', day(30));
      await page.fill('#span-to', day(-1));
      await page.waitForSelector('#energy tbody tr');
    },
  },
  {
    name: 'batches', hash: '#/batches?id=BATCH-1', title: 'Batch operations, one followed', ready: '#batch-progress',
    async then(page) {
      await page.evaluate(() => document.querySelector('#batch-progress').scrollIntoView({ block: 'center' }));
    },
  },
  { name: 'kiosks', hash: '#/kiosks', title: 'Kiosks', ready: '#fleet tbody tr' },
  { name: 'staff', hash: '#/staff', title: 'Staff: operators, groups, the audit log', ready: '#audit tbody tr' },
  { name: 'structure', hash: '#/structure', title: 'Structure: organisations, buildings, rooms', ready: '#buildings tbody tr' },
];

const LANGS = [['en', 'English'], ['zh', '中文']];

async function shoot(browser, base, operator, pw, out) {
  const lines = [];
  for (const [lang] of LANGS) {
    const page = await newPage(browser, lang);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const p of PAGES) {
      if (p.signedOut) {
        await page.goto(`${base}/console/`);
      } else {
        if (!(await page.$('#who'))) {
          await signIn(page, base, operator, pw);
          await page.waitForSelector('#who');
        }
        await page.goto(`${base}/console/${p.hash}`);
      }
      await page.waitForSelector(p.ready);
      if (p.then) await p.then(page);
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      const file = `${p.name}-${lang}.png`;
      await page.screenshot({ path: join(out, file) });
      lines.push([p.name, lang, file, p.title].join('\t'));
      console.log(`  ${file}`);
    }
    await page.context().close();
  }
  writeFileSync(join(out, 'pages.tsv'), `${lines.join('\n')}\n`);
}

// Whether every row names a page of the console's (main.jsx's pages), once.
function checkTable(mainJsx) {
  const ids = [...readFileSync(mainJsx, 'utf8').matchAll(/\{ id: '([\w-]+)'/g)].map((m) => m[1]);
  const bad = PAGES.filter((p) => !p.signedOut && !ids.includes(p.hash.replace(/^#\//, '').split('?')[0]));
  const names = PAGES.map((p) => p.name);
  for (const p of bad) console.log(`FAIL: ${p.name}: ${p.hash} is not a page of the console's (${ids.join(', ')})`);
  if (new Set(names).size !== names.length) console.log(`FAIL: a name twice: ${names.join(', ')}`);
  const ok = ids.length > 0 && bad.length === 0 && new Set(names).size === names.length;
  console.log(`${ok ? 'ok' : 'FAIL'}: ${PAGES.length} pages in the table, each one of the console's ${ids.length}`);
  return ok;
}

try {
  if (process.argv[2] === '--check') {
    if (!checkTable(process.argv[3])) process.exit(1);
  } else if (process.argv[2] === '--pages') {
    for (const p of PAGES) console.log([p.name, p.hash, p.title].join('\t'));
  } else {
    const [, , base, operator, pw, out] = process.argv;
    const browser = await launch();
    await shoot(browser, base, operator, pw, out);
    await browser.close();
  }
} catch (e) {
  console.error(`screenshots: ${e.message}`);
  process.exit(1);
}
