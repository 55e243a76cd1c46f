/**
 * Two `keywarden sweep --apply` on one embedded demo at once (the real CLI, as child processes):
 * the second waits for the first to save the simulator's account and then finds nothing left to
 * do. Before, it held a stale copy of the account and saved it last, bringing back a user the
 * first had torn down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type TranspiledTree, transpileTree } from '../support/transpile';

let tree: TranspiledTree;
let cli: string;
beforeAll(() => {
  tree = transpileTree(['src'], 'keywarden-concurrent');
  cli = join(tree.outDir, 'src', 'cli.js');
  // The demo is seeded from examples/, found beside src/.
  cpSync(join(REPO_ROOT, 'examples'), join(tree.outDir, 'examples'), { recursive: true });
});
afterAll(() => tree.remove());

interface Run {
  readonly child: ChildProcess;
  /** Resolves when stderr has printed something matching. */
  stderrShows(pattern: RegExp): Promise<void>;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(home: string, ...args: string[]): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    // The demo is seeded for today; FINAL_NOTICE_DAYS=0 keeps the plain next-day teardown it shows.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      KEYWARDEN_HOME: home,
      LOG_LEVEL: 'error',
      FINAL_NOTICE_DAYS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const waiter of waiters.filter((w) => w.pattern.test(stderr))) waiter.resolve();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    done,
    stderrShows: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`exited before stderr showed ${pattern}: ${stderr}`)));
      }),
  };
}

const demoUsers = (home: string) =>
  (
    JSON.parse(readFileSync(join(home, 'demo', 'iam-account.json'), 'utf8')) as {
      users: { userName: string }[];
    }
  ).users.map((user) => user.userName);

describe('two embedded-demo applies at once', () => {
  let home: string;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'keywarden-concurrent-'));
    const seeded = await start(home, 'demo-reset').done;
    expect({ code: seeded.code, stderr: seeded.stderr }).toEqual({ code: 0, stderr: '' });
    expect(demoUsers(home)).toContain('ci-deploy');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('the second waits for the first, then finds the teardown done and brings nothing back', async () => {
    const first = start(home, 'sweep', '--apply');
    // The banner prints once the runtime is built: the first run holds the demo account now. Paused
    // there (well within the lock's stale time), it cannot finish before the second one starts.
    await first.stderrShows(/組み込み:/);
    first.child.kill('SIGSTOP');
    const second = start(home, 'sweep', '--apply');
    await second.stderrShows(/another keywarden process is using .*iam-account\.json; waiting/);
    first.child.kill('SIGCONT');

    const [a, b] = await Promise.all([first.done, second.done]);
    expect({ code: a.code, stderr: a.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(a.stdout).toMatch(/ユーザー削除\s+完了/);
    expect({ code: b.code, stdout: b.stdout }).toEqual({
      code: 0,
      stdout: expect.stringContaining('操作: なし'),
    });
    expect(demoUsers(home)).not.toContain('ci-deploy');
  });

  it('started together, one of them tears down and the user stays gone', async () => {
    const runs = [start(home, 'sweep', '--apply'), start(home, 'sweep', '--apply')];
    const results = await Promise.all(runs.map((run) => run.done));
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    expect(results.filter((result) => /ユーザー削除\s+完了/.test(result.stdout))).toHaveLength(1);
    expect(demoUsers(home)).not.toContain('ci-deploy');
    const after = await start(home, 'sweep', '--apply').done;
    expect(after.stdout).toContain('操作: なし');
  });
});
