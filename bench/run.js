#!/usr/bin/env node
/**
 * `npm run bench` entry point. Transpiles src/, test/fakes, test/support, bench/ and packages/ into
 * node_modules/.cache (type-checking is `npm run typecheck`'s job; this takes ~2 s where a
 * full tsc build takes ~6), so the sweep's child process runs plain JavaScript and its peak
 * RSS is not inflated by a TypeScript loader. Then runs bench/main.
 */
const {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join, relative } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..');
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, 'keywarden-bench-'));

function walk(dir, files) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, files);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts'))
      files.push(path);
  }
  return files;
}

function transpile(sources, base, outDir) {
  for (const source of sources) {
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2023,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    });
    const target = join(outDir, relative(base, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}

transpile(
  ['src', 'test/fakes', 'test/support', 'bench'].flatMap((dir) => walk(join(root, dir), [])),
  root,
  out,
);
// The workspace packages, laid out as installed and built, where the transpiled code finds them
// before the repository's links to their (possibly unbuilt) dist/.
for (const dir of readdirSync(join(root, 'packages'))) {
  const manifest = join(root, 'packages', dir, 'package.json');
  const installed = join(out, 'node_modules', JSON.parse(readFileSync(manifest, 'utf8')).name);
  transpile(
    walk(join(root, 'packages', dir, 'src'), []),
    join(root, 'packages', dir, 'src'),
    join(installed, 'dist'),
  );
  copyFileSync(manifest, join(installed, 'package.json'));
}

process.env.BENCH_REPO_ROOT = root;
const cleanUp = () => rmSync(out, { recursive: true, force: true });
process.once('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
require(join(out, 'bench', 'main.js'));
