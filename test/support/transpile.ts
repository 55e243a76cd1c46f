/**
 * Turns the TypeScript sources into plain CommonJS for a child process, without type-checking
 * (that is `npm run typecheck`'s job), in a couple of seconds instead of a full `tsc` build.
 *
 * The output goes under `node_modules/.cache/`, inside the repository, so that the compiled
 * files resolve `@aws-sdk/…`, `@slack/…` and the rest from the repository's `node_modules`
 * exactly as `dist/` does, and it is always built from the sources as they are now — never a
 * stale `dist/` from an earlier `npm run build`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface TranspiledTree {
  /** Where `<dir>/x.ts` of the repository became `<dir>/x.js`. */
  readonly outDir: string;
  readonly files: number;
  remove(): void;
}

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2023,
  esModuleInterop: true,
  inlineSourceMap: true,
};

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
  for (const source of sources) {
    const output = ts.transpileModule(readFileSync(source, 'utf8'), {
      compilerOptions: OPTIONS,
      fileName: source,
    });
    const target = join(outDir, relative(REPO_ROOT, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return {
    outDir,
    files: sources.length,
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
