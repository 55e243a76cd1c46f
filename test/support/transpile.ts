/**
 * Turns the TypeScript sources into plain CommonJS for a child process, one `.js` per `.ts` as
 * `tsc` lays out `dist/`, without type-checking (that is `npm run typecheck`'s job). esbuild
 * does it in well under a second where TypeScript's own transpiler took several, and every
 * test waiting for the child's CLI waited for it.
 *
 * The output goes under `node_modules/.cache/`, inside the repository, so that the compiled
 * files resolve `@aws-sdk/…`, `@slack/…` and the rest from the repository's `node_modules`
 * exactly as `dist/` does, and it is always built from the sources as they are now — never a
 * stale `dist/` from an earlier `npm run build`. The workspace packages (`packages/*`) are
 * compiled too, into the tree's own `node_modules/`, where the tree finds them before the
 * repository's links to their (possibly unbuilt) `dist/`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface TranspiledTree {
  /** Where `<dir>/x.ts` of the repository became `<dir>/x.js`. */
  readonly outDir: string;
  readonly files: number;
  /**
   * A directory for `NODE_COMPILE_CACHE`: children started from this tree share V8's compiled
   * code instead of each compiling the CLI and its dependencies again. Removed with the tree.
   */
  readonly compileCache: string;
  remove(): void;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts'))
      out.push(path);
  }
}

/** Transpiles every `.ts` under `dirs` (relative to the repository) into a fresh cache directory. */
export function transpileTree(dirs: readonly string[], name: string): TranspiledTree {
  const cache = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, `${name}-`));
  const sources: string[] = [];
  for (const dir of dirs) walk(join(REPO_ROOT, dir), sources);
  compile(sources, outDir, REPO_ROOT);
  // Where the CLI reads its version (`--version`), as dist/../package.json in a build.
  copyFileSync(join(REPO_ROOT, 'package.json'), join(outDir, 'package.json'));
  for (const dir of readdirSync(join(REPO_ROOT, 'packages'))) {
    const root = join(REPO_ROOT, 'packages', dir);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
    const installed = join(outDir, 'node_modules', manifest.name);
    const packageSources: string[] = [];
    walk(join(root, 'src'), packageSources);
    // Laid out as the package's own build: its package.json points at dist/.
    compile(packageSources, join(installed, 'dist'), join(root, 'src'));
    copyFileSync(join(root, 'package.json'), join(installed, 'package.json'));
  }
  const compileCache = join(outDir, '.node-compile-cache');
  mkdirSync(compileCache);
  return {
    outDir,
    files: sources.length,
    compileCache,
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

function compile(sources: readonly string[], outdir: string, outbase: string): void {
  buildSync({
    entryPoints: [...sources],
    outdir,
    outbase,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    logLevel: 'error',
  });
}
