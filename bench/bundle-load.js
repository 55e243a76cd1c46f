#!/usr/bin/env node
/**
 * `npm run bench:bundle`: what loading the Lambda bundle's handler module costs (a cold
 * start's require), with and without source maps. Builds the bundle exactly as `npm run bundle`
 * does, plus variants, into a temp dir; then, per variant, requires it in fresh Node processes
 * and takes the median wall time, CPU time and RSS after the require, and the peak RSS.
 *
 *   npm run bench:bundle             # 7 runs per variant
 *   BENCH_RUNS=3 npm run bench:bundle
 */
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const work = mkdtempSync(join(tmpdir(), 'keywarden-bundle-load-'));
const [command, ...shipped] = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).scripts.bundle.split(/\s+/);
if (command !== 'esbuild') throw new Error(`the bundle script no longer runs esbuild: ${command}`);

/** [name, esbuild args, node flags] */
const withContent = shipped.filter((a) => a !== '--sources-content=false');
const variants = [
  ['shipped: --sourcemap without sourcesContent, --enable-source-maps', shipped, ['--enable-source-maps']],
  ['--sourcemap with sourcesContent, --enable-source-maps', withContent, ['--enable-source-maps']],
  ['--sourcemap, no --enable-source-maps', shipped, []],
  ['no source map', shipped.filter((a) => !a.startsWith('--source')), []],
  [
    'as shipped, but with @slack/socket-mode and undici',
    shipped.filter((a) => !a.startsWith('--alias:')),
    ['--enable-source-maps'],
  ],
];

const probe = `
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  require(process.argv[1]);
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({
    wallMs: Number(process.hrtime.bigint() - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    peakMiB: process.resourceUsage().maxRSS / 1024,
  }));`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  variants.forEach(([name, args, flags], i) => {
    const outfile = join(work, String(i), 'index.js');
    execFileSync(
      join(root, 'node_modules', '.bin', 'esbuild'),
      args.map((a) => (a.startsWith('--outfile=') ? `--outfile=${outfile}` : a)),
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const samples = Array.from({ length: runs }, () =>
      JSON.parse(
        execFileSync(process.execPath, [...flags, '-e', probe, outfile], {
          // The handler module reads no settings at load; a clean environment keeps NODE_OPTIONS out.
          env: { PATH: process.env.PATH ?? '' },
          encoding: 'utf8',
        }),
      ),
    );
    const map = (() => {
      try {
        return statSync(`${outfile}.map`).size;
      } catch {
        return 0;
      }
    })();
    const pick = (key) => median(samples.map((s) => s[key])).toFixed(key.endsWith('Ms') ? 0 : 1);
    rows.push([
      name,
      (statSync(outfile).size / 2 ** 20).toFixed(1),
      (map / 2 ** 20).toFixed(1),
      pick('wallMs'),
      pick('cpuMs'),
      pick('rssMiB'),
      pick('peakMiB'),
    ]);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
const header = ['variant', 'bundle MiB', 'map MiB', 'require ms', 'CPU ms', 'RSS MiB', 'peak RSS MiB'];
console.log(`Node ${process.version}, median of ${runs} fresh processes each\n`);
for (const row of [header, header.map(() => '---'), ...rows]) console.log(`| ${row.join(' | ')} |`);
