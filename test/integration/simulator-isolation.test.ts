/**
 * The IAM simulator (packages/iam-simulator) is a demo and test tool: the Lambda bundle never
 * contains it and `keywarden serve` on real AWS never loads it. Checked against what esbuild,
 * dependency-cruiser and Node's module loader report, not against our own reading of the imports.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemo } from '../../src/demo/seed';
import { dateInZone } from '../../src/domain/dates';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { REPO_ROOT, type TranspiledTree, transpileTree } from '../support/transpile';

/** A module path that belongs to the simulator, as source, as its build, or as installed. */
const SIMULATOR = /(^|\/)(packages\/iam-simulator|node_modules\/@keywarden\/iam-simulator)\//;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keywarden-isolation-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the Lambda bundle', () => {
  /** The inputs esbuild bundled, run exactly as `npm run bundle` runs it, with a metafile. */
  function bundleInputs(name: string, change: (args: string[]) => string[] = (args) => args): string[] {
    const scripts = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const [command, ...args] = (scripts.bundle ?? '').split(/\s+/);
    expect(command).toBe('esbuild');
    expect(args.filter((arg) => arg.startsWith('--outfile='))).toHaveLength(1);
    const meta = join(work, `${name}.meta.json`);
    execFileSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'esbuild'),
      [
        ...change(args).map((arg) =>
          arg.startsWith('--outfile=') ? `--outfile=${join(work, name, 'index.js')}` : arg,
        ),
        `--metafile=${meta}`,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return Object.keys(
      (JSON.parse(readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs,
    );
  }

  it('contains nothing of the IAM simulator', () => {
    const inputs = bundleInputs('lambda');
    // What the Lambda does bundle: its own code and the real IAM client.
    expect(inputs).toContain('src/lambda.ts');
    expect(inputs.some((input) => input.startsWith('node_modules/@aws-sdk/client-iam/'))).toBe(true);
    expect(inputs.filter((input) => SIMULATOR.test(input))).toEqual([]);
  });

  it('would show the simulator, had anything on its path imported it', () => {
    // The embedded composition, bundled the same way, from the package's sources (no build needed).
    const inputs = bundleInputs('embedded', (args) => [
      ...args.map((arg) => (arg === 'src/lambda.ts' ? 'src/compose/embedded.ts' : arg)),
      '--conditions=keywarden-source',
    ]);
    expect(inputs).toContain('src/compose/embedded.ts');
    expect(inputs.filter((input) => SIMULATOR.test(input))).toEqual(
      expect.arrayContaining([
        'packages/iam-simulator/src/account.ts',
        'packages/iam-simulator/src/server.ts',
      ]),
    );
  });
});

describe('the dependency rule simulator-only-in-embedded-mode', () => {
  const RULE = 'simulator-only-in-embedded-mode';

  it('holds in src/, and sees every import of the simulator (from the two modules it allows)', () => {
    // The project's rules plus a copy of this one without its exception, in one run of dependency-cruiser.
    const config = join(work, 'strict.cjs');
    writeFileSync(
      config,
      `const base = require(${JSON.stringify(join(REPO_ROOT, '.dependency-cruiser.cjs'))});
const rule = base.forbidden.find((r) => r.name === ${JSON.stringify(RULE)});
base.forbidden.push({ ...rule, name: ${JSON.stringify(`${RULE}-strict`)}, from: { path: rule.from.path } });
module.exports = base;
`,
    );
    let output: string;
    try {
      output = execFileSync(
        process.execPath,
        [
          join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs'),
          'src',
          '--config',
          config,
          '--output-type',
          'json',
        ],
        { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (error) {
      // It exits non-zero when any rule is broken, other rules too; its JSON is complete all the same.
      output = String((error as { stdout?: unknown }).stdout ?? '');
    }
    const { violations } = (
      JSON.parse(output) as { summary: { violations: { rule: { name: string }; from: string }[] } }
    ).summary;
    const importers = (name: string) =>
      [...new Set(violations.filter((v) => v.rule.name === name).map((v) => v.from))].sort();

    expect(importers(RULE)).toEqual([]);
    expect(importers(`${RULE}-strict`)).toEqual(['src/compose/embedded.ts', 'src/embedded/account-file.ts']);
  });
});

describe('keywarden serve', () => {
  let tree: TranspiledTree;
  let slack: FakeSlack;
  let probe: string;
  beforeAll(async () => {
    tree = transpileTree(['src'], 'keywarden-isolation');
    slack = await startSlackServer({ token: 'xoxb-isolation' });
    probe = join(REPO_ROOT, 'test', 'support', 'module-probe.cjs');
  });
  afterAll(async () => {
    await slack?.close();
    tree?.remove();
  });

  /**
   * Starts the real CLI's `serve` and, once its sweep is scheduled (the last step of starting),
   * lists every file it has loaded; then stops it.
   */
  async function modulesLoadedByServe(name: string, env: Record<string, string>): Promise<string[]> {
    const home = mkdtempSync(join(work, `${name}-`));
    await ensureDemo(home, dateInZone(new Date(), 'Asia/Tokyo'));
    const child: ChildProcess = spawn(
      process.execPath,
      ['--require', probe, join(tree.outDir, 'src', 'cli.js'), 'serve'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          KEYWARDEN_HOME: home,
          LOG_LEVEL: 'info',
          PORT: '0',
          SLACK_BOT_TOKEN: 'xoxb-isolation',
          SLACK_SIGNING_SECRET: 'isolation-secret',
          SLACK_API_URL: slack.apiUrl,
          SLACK_ADMIN_CHANNEL: 'C0ADMINS',
          SLACK_ADMIN_USERS: 'U0ADMIN',
          NODE_COMPILE_CACHE: tree.compileCache,
          ...env,
        },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (stderr.includes('"message":"sweep scheduled"')) resolve();
        });
        void closed.then(() => reject(new Error(`serve exited before scheduling its sweep: ${stderr}`)));
      });
      const answer = new Promise<string[]>((resolve) =>
        child.once('message', (paths) => resolve(paths as string[])),
      );
      child.send('loaded modules');
      return await Promise.race([
        answer,
        closed.then(() => Promise.reject(new Error(`serve exited before answering: ${stderr}`))),
      ]);
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
  }

  const inTree = (loaded: readonly string[], path: string) => loaded.includes(join(tree.outDir, path));

  it('on AWS, never loads the IAM simulator nor the embedded composition', async () => {
    const loaded = await modulesLoadedByServe('aws', {
      IAM_SOURCE: 'aws',
      STATE_SOURCE: 'aws',
      // Nothing listens there: serve reaches neither before its first sweep.
      IAM_ENDPOINT: 'http://127.0.0.1:9',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAISOLATIONTEST',
      AWS_SECRET_ACCESS_KEY: 'isolation',
    });
    expect(inTree(loaded, 'src/serve.js')).toBe(true);
    expect(loaded.some((path) => path.includes('/node_modules/@aws-sdk/client-iam/'))).toBe(true);
    expect(inTree(loaded, 'src/compose/embedded.js')).toBe(false);
    expect(loaded.filter((path) => SIMULATOR.test(path))).toEqual([]);
  });

  it('in embedded mode, loads it (so the probe above would have seen it)', async () => {
    const loaded = await modulesLoadedByServe('embedded', {});
    expect(inTree(loaded, 'src/compose/embedded.js')).toBe(true);
    expect(loaded).toEqual(
      expect.arrayContaining([
        join(tree.outDir, 'node_modules', '@keywarden', 'iam-simulator', 'dist', 'server.js'),
      ]),
    );
  });
});
