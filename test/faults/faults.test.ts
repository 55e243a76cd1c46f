/**
 * Keywarden under faults, bounded in time (well under a minute on 2 cores):
 * - transient faults (IAM Throttling, Slack 429 + Retry-After, Sheets 429/503) change nothing
 *   about the outcome of an apply sweep;
 * - the real CLI, SIGKILLed at chosen and at random points of an apply sweep and re-run, ends
 *   where one clean run ends, never sends a DM twice and never deletes outside the plan;
 * - a ledger of malformed rows is reported row by row and never acted on.
 * The last line printed counts what was tried.
 */
import { join } from 'node:path';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import type { LocalDate } from '../../src/domain/dates';
import { noticeKey } from '../../src/domain/journal-keys';
import type { SweepReport } from '../../src/domain/report';
import type { SweepJson } from '../../src/text/sweep-json';
import { Prng } from '../support/prng';
import { type TranspiledTree, transpileTree } from '../support/transpile';
import { BAD_ROWS, badLedger } from './bad-ledger';
import {
  type CliProgram,
  CliWorld,
  type KillPlan,
  type Mutation,
  type RunOutcome,
  type Snapshot,
  type Tick,
} from './cli-world';
import { ADMIN_CHANNEL, FaultWorld, type WorldState } from './fault-world';

const counts = { faulted: 0, kills: 0, badRows: 0 };
/**
 * These scenarios are about interrupted teardowns, so rows are deleted the day after their end
 * date (FINAL_NOTICE_DAYS=0); the warning rule has its scenarios in destructive-guards.test.ts.
 * The other two settings are cli-world's defaults.
 */
const NEXT_DAY = { KEY_MAX_AGE_DAYS: '3650', UNUSED_DAYS: '3650', FINAL_NOTICE_DAYS: '0' };
let dynamo: EmbeddedDynamo | undefined;
let tables = 0;
const nextTable = () => `keywarden-faults-${++tables}`;

/** dynalite, shared by every world (each has its own table); started on first use. */
let dynamoStarting: Promise<EmbeddedDynamo> | undefined;
function sharedDynamo(): Promise<EmbeddedDynamo> {
  dynamoStarting ??= startEmbeddedDynamo().then((started) => {
    dynamo = started;
    return started;
  });
  return dynamoStarting;
}

afterAll(async () => {
  await dynamo?.close();
  console.log(
    `fault suite: ${counts.faulted} requests faulted, ${counts.kills} kills survived, ` +
      `${counts.badRows} bad rows tried`,
  );
});

/** The sweep summary names its duration; everything else must match exactly. */
function comparablePosts(state: WorldState): Record<string, string[]> {
  return Object.fromEntries(
    [...state.posts].map(([channel, texts]) => [
      channel,
      texts.map((text) => text.replace(/\b\d+ ms\b/g, '<n> ms')),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------

interface CleanRun {
  readonly snapshot: Snapshot;
  readonly ticks: readonly Tick[];
  readonly mutations: ReadonlySet<string>;
  readonly report: SweepJson;
}

const mutationKey = (m: Mutation) =>
  `${m.action} ${JSON.stringify(Object.fromEntries(Object.entries(m.params).sort()))}`;

const isDm = (channel: string) => /^U/.test(channel);

function dmTally(snapshot: Snapshot): Map<string, number> {
  const tally = new Map<string, number>();
  for (const [channel, texts] of snapshot.posts) {
    if (!isDm(channel)) continue;
    for (const text of texts) tally.set(`${channel} ${text}`, (tally.get(`${channel} ${text}`) ?? 0) + 1);
  }
  return tally;
}

function describeRuns(runs: readonly RunOutcome[]): string {
  return runs
    .map((run, i) => {
      const where = run.killedAt
        ? `killed at tick ${run.killedAt.n}: ${run.killedAt.service} ${run.killedAt.operation} ${run.killedAt.detail.slice(0, 100)}`
        : `exit ${run.code}`;
      return `run ${i + 1}: ${where}${run.code ? ` ${run.stderr.slice(0, 300)}` : ''}`;
    })
    .join('\n');
}

/**
 * Where a sweep that was killed (any number of times) and finally run to its end must be:
 * the clean run's IAM account and ledger, every deletion journaled as completed, no DM twice,
 * nothing changed in IAM that the clean run did not change, and every week-ahead notice a
 * kill interrupted flagged to the admins.
 */
async function expectSameEndAsClean(world: CliWorld, runs: readonly RunOutcome[], clean: CleanRun) {
  const context = describeRuns(runs);
  const last = runs[runs.length - 1];
  if (!last) throw new Error('no run');
  expect({ context, code: last.code }).toEqual({ context, code: 0 });
  const final = last.report;
  expect(final?.results.filter((r) => r.outcome !== 'done') ?? ['no report']).toEqual([]);

  const snapshot = await world.snapshot();
  const iam = snapshot.iam;
  expect({ context, iam }).toEqual({ context, iam: clean.snapshot.iam });
  expect({ context, ledger: snapshot.ledger }).toEqual({ context, ledger: clean.snapshot.ledger });

  // Every IAM change any of the runs made is one the clean run made too: nothing outside the plan.
  const outside = world.mutations.map(mutationKey).filter((key) => !clean.mutations.has(key));
  expect({ context, outside }).toEqual({ context, outside: [] });

  // Journal: the same entries; deletions all completed; a notice may stay "started" (lost by design).
  expect({ context, keys: [...snapshot.journal.keys()].sort() }).toEqual({
    context,
    keys: [...clean.snapshot.journal.keys()].sort(),
  });
  const unfinished = [...snapshot.journal].filter(([, state]) => state !== 'completed').map(([key]) => key);
  const unfinishedDeletions = unfinished.filter((key) => !/^(notice|owner-unknown|finding)#/.test(key));
  expect({ context, unfinishedDeletions }).toEqual({ context, unfinishedDeletions: [] });

  // No DM twice, none the clean run did not send; one missing is a notice left "started".
  const dms = dmTally(snapshot);
  const cleanDms = dmTally(clean.snapshot);
  expect({ context, twice: [...dms].filter(([, n]) => n > 1).map(([dm]) => dm) }).toEqual({
    context,
    twice: [],
  });
  expect({ context, extra: [...dms.keys()].filter((dm) => !cleanDms.has(dm)) }).toEqual({
    context,
    extra: [],
  });
  const missing = [...cleanDms.keys()].filter((dm) => !dms.has(dm));
  expect(missing.length).toBeLessThanOrEqual(unfinished.length);

  // A week-ahead notice the kill interrupted is flagged to the admins in every later report.
  for (const key of unfinished.filter((k) => k.startsWith('notice#'))) {
    const flagged = final?.skips.some(
      (skip) => noticeKey(skip.row) === key && skip.attention && skip.facts.kind === 'notice-unsure',
    );
    expect({ context, key, flagged }).toEqual({ context, key, flagged: true });
  }
  // The admins hear about an owner-less key at most once.
  const ownerUnknownPosts = (snapshot.posts.get(ADMIN_CHANNEL) ?? []).filter((t) =>
    /所有者が見つかりません/.test(t),
  );
  expect(ownerUnknownPosts.length).toBeLessThanOrEqual(1);
}

// One describe block, so that the tests below run side by side (jest runs describe blocks one
// after the other), as many at a time as jest's maxConcurrency, which jest.config.js sizes to
// the cores: a CLI run is mostly its child starting up, which is CPU.
describe('faults', () => {
  let tree: TranspiledTree | undefined;
  let shared: { cli: CliProgram; clean: CleanRun } | undefined;

  /**
   * The CLI, transpiled from the sources as they are now (not type-checked, never a stale
   * dist/), and one clean run of it to compare every killed world with, made once before the
   * tests so that none of them spends its own time budget waiting for it.
   */
  beforeAll(async () => {
    tree = transpileTree(['src'], 'keywarden-faults');
    const cli = { script: join(tree.outDir, 'src', 'cli.js'), compileCache: tree.compileCache };
    const world = await CliWorld.start(cli, await sharedDynamo(), nextTable(), NEXT_DAY);
    try {
      const run = await world.run();
      if (run.code !== 0 || !run.report) throw new Error(`clean run failed: ${run.stderr}`);
      shared = {
        cli,
        clean: {
          snapshot: await world.snapshot(),
          ticks: run.ticks,
          mutations: new Set(world.mutations.map(mutationKey)),
          report: run.report,
        },
      };
    } finally {
      await world.close();
    }
  }, 120_000);

  afterAll(() => tree?.remove());

  function setup(): { cli: CliProgram; clean: CleanRun } {
    if (!shared) throw new Error('the clean run did not finish');
    return shared;
  }

  /** Kills as planned, letting each dead sweep's lock expire, then runs to the end. */
  async function killThenFinish(world: CliWorld, plans: readonly KillPlan[]): Promise<RunOutcome[]> {
    const runs: RunOutcome[] = [];
    for (const plan of plans) {
      const run = await world.run(plan);
      runs.push(run);
      if (run.killedAt) await world.expireLock();
    }
    runs.push(await world.run());
    return runs;
  }

  async function scenario(plans: readonly KillPlan[]): Promise<RunOutcome[]> {
    const { cli, clean } = setup();
    const world = await CliWorld.start(cli, await sharedDynamo(), nextTable(), NEXT_DAY);
    try {
      const runs = await killThenFinish(world, plans);
      await expectSameEndAsClean(world, runs, clean);
      counts.kills += runs.filter((run) => run.killedAt).length;
      return runs;
    } finally {
      await world.close();
    }
  }

  const at =
    (service: Tick['service'], operation: string, detail: RegExp = /.*/) =>
    (tick: Tick) =>
      tick.service === service && tick.operation === operation && detail.test(tick.detail);
  const ownerDm = at('slack', 'chat.postMessage', /^U01YAMADA アクセスキー/);

  it.concurrent('transient faults (IAM Throttling, Slack 429, Sheets 429/503): an apply sweep ends with the same results, IAM account, ledger and Slack messages as a clean one', async () => {
    const db = await sharedDynamo();
    const clean = await FaultWorld.start(db, nextTable());

    const sheetsFaults: Record<string, Record<number, { status: 429 | 503; retryAfterSeconds?: number }>> = {
      'values.batchGet': { 1: { status: 429, retryAfterSeconds: 1 }, 2: { status: 503 } },
      'values.batchUpdate': { 1: { status: 503 }, 2: { status: 429 } },
    };
    const world = await FaultWorld.start(db, nextTable(), {
      faults: {
        // Every 10th request: enough to hit every kind of call; a larger share only adds retry waits.
        iam: (_action, n) => (n % 10 === 0 ? 'Throttling' : null),
        sheets: (method, n) => sheetsFaults[method]?.[n] ?? null,
        slack: (method, n) =>
          (method === 'chat.postMessage' && n === 2) || (method === 'users.lookupByEmail' && n === 1)
            ? 1
            : null,
      },
    });
    try {
      // Independent worlds: the clean reference runs beside the faulty one.
      const [cleanReport, report] = await Promise.all([clean.sweep('apply'), world.sweep('apply')]);
      const cleanState = clean.state();
      const faulted = world.faulted();
      counts.faulted += faulted.iam + faulted.sheets + faulted.slack;

      expect(faulted.iam).toBeGreaterThanOrEqual(4);
      expect(faulted.sheets).toBe(4);
      expect(faulted.slack).toBe(2);
      const outcome = (r: SweepReport) => r.results.map((x) => [x.action.kind, x.outcome, x.detail]);
      expect(outcome(report)).toEqual(outcome(cleanReport));
      expect(report.results.every((r) => r.outcome === 'done')).toBe(true);
      expect(report.hygiene).toEqual(cleanReport.hygiene);

      const state = world.state();
      expect(state.iam).toEqual(cleanState.iam);
      expect(state.ledger).toEqual(cleanState.ledger);
      expect(comparablePosts(state)).toEqual(comparablePosts(cleanState));
      // Faults cost retries, never extra reads or writes of the ledger (one read, one key-column check, one write).
      expect(world.sheets.stats).toMatchObject({ reads: 2, writes: 1 });
    } finally {
      await Promise.all([clean.close(), world.close()]);
    }
  }, 90_000);

  it.concurrent('bad input: a ledger of malformed rows lists every row by its number and acts on none', async () => {
    // Hygiene off: it reads the credential report, not the ledger, and DMs findings of its own.
    const world = await FaultWorld.start(await sharedDynamo(), nextTable(), {
      ledger: badLedger(),
      hygiene: false,
    });
    try {
      const before = world.state();
      const report = await world.sweep('apply', '2026-11-24' as LocalDate);
      counts.badRows += BAD_ROWS.length;

      expect(report.results).toEqual([]);
      const listed = new Map<number, string>();
      for (const problem of report.problems)
        listed.set(problem.rowNumber, problem.problems.map((fault) => fault.kind).join('; '));
      for (const skip of report.skips) if (skip.attention) listed.set(skip.row.rowNumber, skip.detail.kind);
      // A row still waiting for its key is a request, not an error: counted as pending. A key id
      // without its IAM user names a key that exists: malformed, for a person to match.
      for (const row of report.pending?.rows ?? []) listed.set(row, 'pending');
      expect(report.pending?.rows.map((row) => BAD_ROWS[row - 2]?.kind)).toEqual(['empty key id']);
      expect(report.problems.map((problem) => BAD_ROWS[problem.rowNumber - 2]?.kind)).toContain(
        'empty IAM user',
      );
      const unlisted = BAD_ROWS.map((bad, i) => ({ row: i + 2, kind: bad.kind })).filter(
        ({ row }) => !listed.has(row),
      );
      expect(unlisted).toEqual([]);

      const after = world.state();
      expect(after.iam).toEqual(before.iam);
      expect(after.ledger).toEqual(before.ledger);
      expect(world.sheets.stats.writes).toBe(0);
      // Nothing to anyone but the admins: the reminder about the request awaiting issuance
      // (their start dates are long past) and the sweep summary; no DM, no owner-unknown post.
      expect(world.slack.callsTo('chat.postMessage').map((call) => call.args.channel)).toEqual([
        ADMIN_CHANNEL,
        ADMIN_CHANNEL,
      ]);
      expect(report.pending).toMatchObject({ outcome: 'done', reminded: report.pending?.rows });
    } finally {
      await world.close();
    }
  });

  it.concurrent('kill: the clean run does the whole plan', async () => {
    const { clean } = setup();
    expect(clean.report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
      ['teardown-user', 'done'],
      ['delete-key', 'done'],
    ]);
    expect(clean.ticks.length).toBeGreaterThan(50);
  });

  it.concurrent('kill: killed as the owner’s DM is posted, its answer lost: a re-run inside the lease is refused; ' +
    'killed again as DeleteUser is applied and after every deletion but before the ledger write-back: ends as one clean run', async () => {
    const { cli, clean } = setup();
    const world = await CliWorld.start(cli, await sharedDynamo(), nextTable(), NEXT_DAY);
    try {
      const runs = [await world.run({ at: ownerDm, applied: true })];
      const before = await world.snapshot();
      const refused = await world.run();
      runs.push(refused);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/lock/);
      expect((await world.snapshot()).iam).toEqual(before.iam);
      await world.expireLock();
      runs.push(
        ...(await killThenFinish(world, [
          { at: at('iam', 'DeleteUser'), applied: true },
          { at: at('dynamodb', 'PutItem', /^AUDIT#\S+ delete-key$/), applied: true },
        ])),
      );
      await expectSameEndAsClean(world, runs, clean);
      expect(runs.filter((run) => run.killedAt)).toHaveLength(3);
      counts.kills += 3;
    } finally {
      await world.close();
    }
  }, 120_000);

  it.concurrent('kill: killed before the owner’s DM reaches Slack, before a teardown is journaled complete, as a key-only ' +
    'deletion deactivates the key and before the lock is released: ends as one clean run', async () => {
    const runs = await scenario([
      { at: ownerDm, applied: false },
      { at: at('dynamodb', 'UpdateItem', /^JOURNAL#teardown#AKIAEXAMPLECIXXX1002/), applied: false },
      { at: at('iam', 'UpdateAccessKey', /AKIAEXAMPLESBXXX1003/), applied: true },
      { at: at('dynamodb', 'DeleteItem', /^LOCK#/), applied: false },
    ]);
    expect(runs.filter((run) => run.killedAt)).toHaveLength(4);
  }, 120_000);

  it.concurrent('kill: killed between the owners’ DMs and the admins’ grouped copy: ends as one clean run', async () => {
    await scenario([
      { at: at('slack', 'chat.postMessage', /^C0ADMINS アクセスキーの期限に関する通知/), applied: false },
    ]);
  }, 120_000);

  const SEEDS = [11, 23, 37, 41];
  it.concurrent.each(SEEDS)(
    'kill, seed %i: killed once or twice at random requests, re-run to the end',
    async (seed) => {
      const { clean } = setup();
      const prng = new Prng(seed);
      const plans = Array.from({ length: prng.int(1, 2) }, () => ({
        at: prng.int(1, clean.ticks.length),
        applied: prng.chance(0.5),
      }));
      await scenario(plans);
    },
    120_000,
  );

  // Gaps this suite found in resumption, now closed: each scenario failed before its fix.
  it.concurrent(
    'a teardown resumed after kills still deletes the MFA device and policy the killed attempt had freed',
    () =>
      scenario([
        { at: at('iam', 'DeactivateMFADevice'), applied: true },
        { at: at('iam', 'DetachUserPolicy', /ci-deploy-policy/), applied: true },
      ]),
    120_000,
  );

  /** Kills at `plan`, then runs to the end; returns the final run. */
  async function killOnceThenFinish(
    plan: KillPlan,
    env?: Record<string, string | undefined>,
  ): Promise<{ world: Snapshot; last: RunOutcome }> {
    const { cli } = setup();
    const world = await CliWorld.start(
      cli,
      await sharedDynamo(),
      nextTable(),
      env ? { FINAL_NOTICE_DAYS: '0', ...env } : NEXT_DAY,
    );
    try {
      const killed = await world.run(plan);
      expect(killed.killedAt).not.toBeNull();
      counts.kills += 1;
      await world.expireLock();
      const last = await world.run();
      return { world: await world.snapshot(), last };
    } finally {
      await world.close();
    }
  }

  // Lost by design (at most once), like a week-ahead notice; what must not happen is losing it without a word.
  it.concurrent('an owner-unknown notice lost to a kill is flagged to the admins afterwards', async () => {
    const { last } = await killOnceThenFinish({
      at: at('slack', 'chat.postMessage', /所有者が見つかりません/),
      applied: false,
    });
    const skip = last.report?.skips.find((s) => s.row.iamUser === 'log-shipper');
    expect(skip?.attention).toBe(true);
  }, 120_000);

  it.concurrent('a finding DM lost to a kill is not resent, and its findings still reach the admins', async () => {
    // Production thresholds, so that owners get finding DMs; ml-train's owner has two in one DM.
    const { world } = await killOnceThenFinish(
      { at: at('slack', 'chat.postMessage', /^U06WATANABE/), applied: false },
      {},
    );
    const findingDms = [...world.posts]
      .filter(([channel]) => isDm(channel))
      .map(([channel, texts]) => [channel, texts.filter((text) => /点検結果/.test(text)).length] as const)
      .filter(([, count]) => count > 0);
    // Every other owner got exactly one; the owner whose DM died got none on the re-run.
    expect(findingDms.length).toBeGreaterThan(0);
    expect(findingDms.filter(([, count]) => count !== 1)).toEqual([]);
    expect(findingDms.map(([channel]) => channel)).not.toContain('U06WATANABE');
    const admins = (world.posts.get(ADMIN_CHANNEL) ?? []).join('\n');
    expect(admins).toMatch(/`ml-train` 古いアクセスキー/);
    expect(admins).toMatch(/`ml-train` 未使用の認証情報/);
  }, 120_000);
});
