// Builds the console into one folder (argument 1): the script and the style
// sheet bundled by esbuild and named by their content's hash, and
// index.html naming them. No inline script or style: the back office serves
// it under a strict Content-Security-Policy (docs/console.md).
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = resolve(process.argv[2] || join(here, 'dist'));
mkdirSync(out, { recursive: true });
// an earlier build's files, and nothing else
for (const f of readdirSync(out)) if (/^((app|style)-\w+\.(js|css)|index\.html)$/.test(f)) rmSync(join(out, f));

const result = await esbuild.build({
  entryPoints: { app: join(here, 'src/main.jsx'), style: join(here, 'src/app.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const names = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = names.find((n) => n.startsWith('app-') && n.endsWith('.js'));
const css = names.find((n) => n.startsWith('style-') && n.endsWith('.css'));
for (const n of names) if (n.startsWith('style-') && n.endsWith('.js')) rmSync(join(out, n));
writeFileSync(join(out, 'index.html'), `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Back office console · 后台管理</title>
<link rel="stylesheet" href="/console/${css}">
<script type="module" src="/console/${js}"></script>
</head>
<body><div id="app"></div></body>
</html>
`);
console.log(`console built in ${out}: index.html, ${js}, ${css}`);
