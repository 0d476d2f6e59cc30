// Builds the resident's phone page (docs/phone.md) into the console's
// folder (argument 1), next to the console's files: phone-HASH.js and
// phone-HASH.css bundled by esbuild (the console's, console/node_modules)
// and phone.html naming them. No inline script or style: the back office
// serves it under the console's Content-Security-Policy.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const esbuild = await import(pathToFileURL(join(here, '../console/node_modules/esbuild/lib/main.js')).href);
const out = resolve(process.argv[2] || join(here, 'dist'));
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (/^(phone-\w+\.(js|css)|phone\.html)$/.test(f)) rmSync(join(out, f));

const result = await esbuild.build({
  entryPoints: { phone: join(here, 'src/main.js'), 'phone-style': join(here, 'src/phone.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const names = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = names.find((n) => /^phone-(?!style)\w+\.js$/.test(n));
const css = names.find((n) => n.startsWith('phone-style-') && n.endsWith('.css'));
for (const n of names) if (n.startsWith('phone-style-') && n.endsWith('.js')) rmSync(join(out, n));
writeFileSync(join(out, 'phone.html'), `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>电表充值 · My meter</title>
<link rel="stylesheet" href="/my/${css}">
<script type="module" src="/my/${js}"></script>
</head>
<body><main id="app"></main></body>
</html>
`);
console.log(`phone page built in ${out}: phone.html, ${js}, ${css}`);
