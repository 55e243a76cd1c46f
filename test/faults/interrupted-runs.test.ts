/**
 * The real `keywarden sweep --apply` interrupted the ways people and machines interrupt it:
 * Ctrl-C (SIGINT) and a service manager's SIGTERM in the middle of its work, a reader that goes
 * away (`| head -1`), a holder that dies (SIGKILL) and leaves its lock, and `keywarden unlock`.
 * Each signal is sent when a request of the sweep is seen (a gate in front of IAM, Slack or
 * DynamoDB), never after a sleep; each ends with the lock free and, after a re-run, the same IAM
 * account and ledger as one clean run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { dynamoState } from '../../src/adapters/store/dynamo-state';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import type { SweepJson } from '../../src/text/sweep-json';
import { type GateRequest, startGate } from '../support/gate';
import { type TranspiledTree, transpileTree } from '../support/transpile';
import { CliWorld, type Snapshot, SWEEP_DATE } from './cli-world';

/** Out of reach hygiene thresholds (as cli-world's default) and plain next-day teardowns. */
const WORLD_ENV = { KEY_MAX_AGE_DAYS: '3650', UNUSED_DAYS: '3650', FINAL_NOTICE_DAYS: '0' };
const SWEEP = ['sweep', '--apply', '--date', SWEEP_DATE, '--json'];
const MUTATING_IAM = /^(Delete|Detach|Remove|Update|Deactivate)/;
/**
 * Each test runs the CLI three to ten times. One test at a time: side by side they starved each
 * other (and the kill suite) on a loaded 2-core machine.
 */
jest.setTimeout(180_000);

let tree: TranspiledTree | undefined;
let cli = '';
let dynamo: EmbeddedDynamo;
let tables = 0;
let clean: Snapshot;
let cleanReport: SweepJson;

beforeAll(async () => {
  tree = transpileTree(['src'], 'keywarden-interrupted');
  cli = join(tree.outDir, 'src', 'cli.js');
  dynamo = await startEmbeddedDynamo();
  const world = await newWorld();
  try {
    const run = await world.run();
    if (run.code !== 0 || !run.report) throw new Error(`clean run failed: ${run.stderr}`);
    clean = await world.snapshot();
    cleanReport = run.report;
  } finally {
    await world.close();
  }
}, 60_000);

afterAll(async () => {
  await dynamo?.close();
  tree?.remove();
});

function newWorld(env: Record<string, string | undefined> = {}): Promise<CliWorld> {
  return CliWorld.start(cli, dynamo, `keywarden-interrupted-${++tables}`, { ...WORLD_ENV, ...env });
}

// ---------------------------------------------------------------------------------------------

const iamAction = (request: GateRequest) => new URLSearchParams(request.body).get('Action') ?? '';
const iamUser = (request: GateRequest) => new URLSearchParams(request.body).get('UserName') ?? '';
const dynamoOperation = (request: GateRequest) =>
  String(request.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');
const touchesLock = (request: GateRequest) => request.body.includes('"LOCK#sweep"');

interface Child {
  readonly process: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves once the child has printed something matching on stderr. */
  said(pattern: RegExp): Promise<void>;
}

function spawnCli(world: CliWorld, args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...world.env(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const waiter of waiting) if (waiter.pattern.test(stderr)) waiter.resolve();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  const said = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(stderr)) return resolve();
      waiting.push({ pattern, resolve });
      void done.then(() => reject(new Error(`the CLI exited without printing ${pattern}: ${stderr}`)));
    });
  return { process: child, done, said };
}

function reportOf(stdout: string): SweepJson {
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as SweepJson;
}

/** A Node stack trace line: what a crash prints and a clean stop never does. */
const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;

async function lockHolder(world: CliWorld) {
  return dynamoState(dynamo.client, tableOf(world)).lock.holder('sweep');
}

function tableOf(world: CliWorld): string {
  return world.env().DYNAMODB_TABLE ?? '';
}

const removals = (report: SweepJson) =>
  report.results.filter(
    (result) =>
      result.outcome === 'done' &&
      result.action.kind !== 'notify-week-ahead' &&
      result.action.kind !== 'notify-owner-unknown',
  ).length;

/** A re-run (the world's own, as in the kill tests) ends where the clean run ended. */
async function expectFinishedLikeClean(world: CliWorld): Promise<void> {
  const rerun = await world.run();
  expect({ code: rerun.code, stderr: rerun.stderr }).toEqual({ code: 0, stderr: '' });
  expect(rerun.report?.results.filter((r) => r.outcome !== 'done')).toEqual([]);
  const end = await world.snapshot();
  expect(end.iam).toEqual(clean.iam);
  expect(end.ledger).toEqual(clean.ledger);
  expect(await lockHolder(world)).toBeNull();
}

/** The journal never keeps a removal half-done: each one is completed or was never begun. */
function halfDoneRemovals(snapshot: Snapshot): string[] {
  return [...snapshot.journal]
    .filter(([key, state]) => /^(teardown-user|delete-key)#/.test(key) && state !== 'completed')
    .map(([key]) => key);
}

// ---------------------------------------------------------------------------------------------

describe('an apply sweep, interrupted', () => {
  it('SIGINT inside a teardown: that teardown finishes, nothing after it starts, the lock is released, exit 130; the re-run finishes', async () => {
    const world = await newWorld();
    let child: Child | undefined;
    let interrupted = '';
    // The teardown step is held until the sweep has taken the signal in: it lands mid-teardown.
    const iam = await startGate(world.env().IAM_ENDPOINT ?? '', async (request) => {
      if (interrupted || !MUTATING_IAM.test(iamAction(request))) return;
      interrupted = iamUser(request);
      child?.process.kill('SIGINT');
      await child?.said(/SIGINT を受け取りました/);
    });
    try {
      child = spawnCli(world, SWEEP, { IAM_ENDPOINT: iam.url });
      const run = await child.done;
      expect(interrupted).not.toBe('');
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('SIGINT を受け取りました。次の安全な区切りで停止します');
      expect(run.stderr).toMatch(/途中で停止しました（SIGINT を受け取りました）。ロックは解放済みです/);
      expect(run.stderr).not.toMatch(STACK_TRACE);
      const report = reportOf(run.stdout);
      expect(report.stopped).toEqual({
        reason: 'SIGINT received',
        reasonFacts: { kind: 'signal', signal: 'SIGINT' },
      });
      // The removal under way when the signal came ran to its end; the others never began.
      expect(removals(report)).toBeGreaterThanOrEqual(1);
      expect(removals(report)).toBeLessThan(removals(cleanReport));
      const after = await world.snapshot();
      expect(halfDoneRemovals(after)).toEqual([]);
      expect(await lockHolder(world)).toBeNull();

      await expectFinishedLikeClean(world);
    } finally {
      await iam.close();
      await world.close();
    }
  });

  it('SIGTERM between notices: no removal starts, no DM is sent twice, the lock is released, exit 143; the re-run finishes', async () => {
    const world = await newWorld();
    let child: Child | undefined;
    let sent = false;
    const slack = await startGate(world.env().SLACK_API_URL ?? '', async (request) => {
      if (sent || !request.path.includes('chat.postMessage') || !/"channel":"U|channel=U/.test(request.body))
        return;
      sent = true;
      child?.process.kill('SIGTERM');
      await child?.said(/SIGTERM を受け取りました。次の安全な区切りで停止します/);
    });
    try {
      child = spawnCli(world, SWEEP, { SLACK_API_URL: `${slack.url}/` });
      const run = await child.done;
      expect(sent).toBe(true);
      expect(run.code).toBe(143);
      expect(run.stderr).not.toMatch(STACK_TRACE);
      const report = reportOf(run.stdout);
      expect(report.stopped).toEqual({
        reason: 'SIGTERM received',
        reasonFacts: { kind: 'signal', signal: 'SIGTERM' },
      });
      expect(removals(report)).toBe(0);
      expect(world.mutations).toEqual([]);
      expect(await lockHolder(world)).toBeNull();

      await expectFinishedLikeClean(world);
      const dms = [...(await world.snapshot()).posts].filter(([channel]) => channel.startsWith('U'));
      expect(dms).toEqual([...clean.posts].filter(([channel]) => channel.startsWith('U')));
    } finally {
      await slack.close();
      await world.close();
    }
  });

  it('stdout closed mid-run (`| head -1`): no stack trace, the sweep finishes, the lock is released', async () => {
    // Without Slack the notices are printed as the sweep goes, so the reader leaves mid-run.
    const world = await newWorld({ SLACK_BOT_TOKEN: undefined });
    try {
      const child = spawnCli(world, ['sweep', '--apply', '--date', SWEEP_DATE]);
      child.process.stdout?.once('data', () => child.process.stdout?.destroy());
      const run = await child.done;
      expect(run.stderr).toContain('標準出力が閉じられました（EPIPE）。以降は表示せずに続けます');
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.code).toBe(0);
      expect(await lockHolder(world)).toBeNull();
      const end = await world.snapshot();
      expect(end.iam).toEqual(clean.iam);
      expect(end.ledger).toEqual(clean.ledger);
    } finally {
      await world.close();
    }
  });

  it('the lease is renewed while the sweep runs (heartbeat)', async () => {
    const world = await newWorld({ SWEEP_LOCK_LEASE_SECONDS: '2', SWEEP_LOCK_RENEW_SECONDS: '0.2' });
    const renewals: string[] = [];
    let renewedTwice: () => void = () => undefined;
    const twice = new Promise<void>((resolve) => {
      renewedTwice = resolve;
    });
    const db = await startGate(world.env().DYNAMODB_ENDPOINT ?? '', (request) => {
      if (dynamoOperation(request) !== 'UpdateItem' || !touchesLock(request)) return;
      renewals.push(/":owner":\{"S":"([^"]+)"/.exec(request.body)?.[1] ?? '?');
      if (renewals.length >= 2) renewedTwice();
    });
    // The sweep's first IAM change waits until the lock has been renewed twice.
    let held = false;
    const iam = await startGate(world.env().IAM_ENDPOINT ?? '', async (request) => {
      if (held || !MUTATING_IAM.test(iamAction(request))) return;
      held = true;
      await twice;
    });
    try {
      const run = await spawnCli(world, SWEEP, { DYNAMODB_ENDPOINT: db.url, IAM_ENDPOINT: iam.url }).done;
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const report = reportOf(run.stdout);
      expect(renewals.length).toBeGreaterThanOrEqual(2);
      expect(new Set(renewals)).toEqual(new Set([report.sweepId]));
      expect(await lockHolder(world)).toBeNull();
    } finally {
      await Promise.all([db.close(), iam.close()]);
      await world.close();
    }
  });

  it('a holder that died: the next sweep is refused while its lease runs, then takes over', async () => {
    // Long enough that the refused run starts inside it on a loaded machine (10 s was not, at
    // load 14: the CLI took over instead); the test then waits the rest of it out.
    const world = await newWorld({ SWEEP_LOCK_LEASE_SECONDS: '40' });
    let child: Child | undefined;
    let killed = false;
    const iam = await startGate(world.env().IAM_ENDPOINT ?? '', (request) => {
      if (killed || !MUTATING_IAM.test(iamAction(request))) return;
      killed = true;
      child?.process.kill('SIGKILL');
    });
    try {
      child = spawnCli(world, SWEEP, { IAM_ENDPOINT: iam.url });
      const dead = child.process.pid;
      await child.done;
      expect(killed).toBe(true);
      const holder = await lockHolder(world);
      expect(holder?.process?.pid).toBe(dead);

      // Refused while the lease runs (the lock outlives its holder by at most the lease)...
      const refused = await spawnCli(world, SWEEP).done;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `別のスイープが実行中のため、実行しませんでした。スイープのロックは使用中です: スイープ ${holder?.owner}（`,
      );
      expect(refused.stderr).toContain(`のプロセス ${dead}）`);
      expect(refused.stderr).not.toMatch(STACK_TRACE);
      // ...until `unlock` sees the lease expired (no one renews it): then a sweep takes over.
      for (;;) {
        const shown = await spawnCli(world, ['unlock']).done;
        expect(shown.code).toBe(0);
        if (/リースは\d+秒前に切れています/.test(shown.stdout)) break;
      }
      await expectFinishedLikeClean(world);
    } finally {
      await iam.close();
      await world.close();
    }
  });

  it('`keywarden unlock` shows the holder of a lock left by a killed sweep, and releases it only with --force', async () => {
    const world = await newWorld();
    try {
      const killed = await world.run({
        at: (tick) => tick.service === 'iam' && MUTATING_IAM.test(tick.operation),
        applied: true,
      });
      expect(killed.killedAt).not.toBeNull();
      const holder = await lockHolder(world);
      if (!holder) throw new Error('the killed sweep left no lock');

      const shown = await spawnCli(world, ['unlock']).done;
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`スイープのロックは使用中です: スイープ ${holder.owner}（`);
      expect(shown.stdout).toMatch(/開始 \S+（\d+秒前）、最終更新 \S+（\d+秒前）、リースの残り\d+秒/);
      expect(holder.process?.pid).toEqual(expect.any(Number));
      expect(shown.stdout).toContain(
        `そのプロセス（${holder.process?.pid}）はこのホストで動いていません。そのスイープは停止しています。`,
      );
      expect(shown.stdout).toContain('解放していません。');
      expect(await lockHolder(world)).toEqual(holder);

      const released = await spawnCli(world, ['unlock', '--force']).done;
      expect(released.code).toBe(0);
      expect(released.stdout).toContain(`スイープ ${holder.owner} のロックを解放しました。`);
      expect(await lockHolder(world)).toBeNull();
      const free = await spawnCli(world, ['unlock']).done;
      expect(free.stdout).toContain('スイープのロックは空いています');

      await expectFinishedLikeClean(world);
    } finally {
      await world.close();
    }
  });
});
