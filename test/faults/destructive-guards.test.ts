/**
 * The destructive guards of issue 10, through the real CLI as a child process (cli-world):
 * - an apply run never acts as of a day that has not come;
 * - nobody loses a key without a warning: the first apply on a fresh journal only warns, a
 *   final notice's date survives re-runs, and a sweep killed while warning never deletes;
 * - several rows for one access key id act once, for the key's real holder.
 * The last line printed counts what was tried.
 */

import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dynamoState } from '../../src/adapters/store/dynamo-state';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { addDays, dateInZone } from '../../src/domain/dates';
import { journalAction, parseJournalKey } from '../../src/domain/journal-keys';
import { type TranspiledTree, transpileTree } from '../support/transpile';
import { ADMIN_CHANNEL, CliWorld, type RunOutcome, SWEEP_DATE } from './cli-world';

const counts = { scenarios: 0, kills: 0, refusals: 0 };
/** A few CLI runs, each pacing its Slack posts a second apart per channel, on a busy machine. */
const RUN_BUDGET_MS = 120_000;
/** cli-world's defaults, without FINAL_NOTICE_DAYS: the warning rule at its default of 3 days. */
const DEFAULTS = { KEY_MAX_AGE_DAYS: '3650', UNUSED_DAYS: '3650' };
const CI_KEY = 'AKIAEXAMPLECIXXX1002';
const SANDBOX_KEY = 'AKIAEXAMPLESBXXX1003';
const DESTRUCTIVE = /^(Delete|Deactivate|Detach|Remove)/;
const isDm = (channel: string) => /^U/.test(channel);

let dynamo: EmbeddedDynamo | undefined;
let tables = 0;
let tree: TranspiledTree | undefined;

async function world(env: Record<string, string | undefined> = DEFAULTS): Promise<CliWorld> {
  dynamo ??= await startEmbeddedDynamo();
  tree ??= transpileTree(['src'], 'keywarden-guards');
  return CliWorld.start(join(tree.outDir, 'src', 'cli.js'), dynamo, `keywarden-guards-${++tables}`, env);
}

function rowIdOf(key: string): string {
  const parsed = parseJournalKey(key);
  if (!parsed || !('rowId' in parsed)) throw new Error(`not a row's journal key: ${key}`);
  return parsed.rowId;
}

/** A notice an earlier sweep completed on `day`, written as the executor writes it. */
async function journaled(key: string, day: string, detail?: unknown): Promise<void> {
  if (!dynamo) throw new Error('no world started');
  const journal = dynamoState(dynamo.client, `keywarden-guards-${tables}`).journal;
  const at = new Date(`${day}T06:00:00Z`);
  await journal.begin(
    {
      key,
      action: journalAction(key),
      rowId: `default/${rowIdOf(key)}`,
      sweepId: 'earlier',
      detail,
    },
    at,
  );
  await journal.complete(key, at);
}

/** `keywarden sweep` with other arguments than cli-world's run, in the same environment. */
function cli(w: CliWorld, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  if (!tree) throw new Error('no world started');
  const child = spawn(process.execPath, [join(tree.outDir, 'src', 'cli.js'), 'sweep', ...args], {
    env: w.env(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, stderr: Buffer.concat(stderr).toString('utf8') })),
  );
}

const kinds = (run: RunOutcome) => run.report?.results.map((r) => `${r.action.kind}:${r.outcome}`) ?? [];

afterAll(async () => {
  await dynamo?.close();
  tree?.remove();
  console.log(
    `destructive guards: ${counts.scenarios} scenarios, ${counts.refusals} future-date refusals, ` +
      `${counts.kills} kills survived`,
  );
});

describe('destructive guards through the real CLI', () => {
  it(
    'refuses --apply as of a day that has not come: exit 2, and nothing read, sent, journaled or deleted',
    async () => {
      const w = await world();
      try {
        const today = dateInZone(new Date(), 'Asia/Tokyo');
        for (const day of [addDays(today, 1), addDays(today, 200)]) {
          const refused = await cli(w, '--apply', '--date', day);
          expect(refused.code).toBe(2);
          expect(refused.stderr).toMatch(/の時点では実行できません/);
          counts.refusals += 1;
        }
        const after = await w.snapshot();
        expect(w.mutations).toEqual([]);
        expect(after.journal.size).toBe(0);
        expect(after.posts.size).toBe(0);
        expect(w.slack.calls).toEqual([]);
        counts.scenarios += 1;
      } finally {
        await w.close();
      }
    },
    RUN_BUDGET_MS,
  );

  it(
    'the first apply on a fresh journal warns instead of deleting, and a re-run keeps the date and repeats nothing',
    async () => {
      const w = await world();
      try {
        const first = await w.run();
        expect(first.code).toBe(0);
        expect(w.mutations.filter((m) => DESTRUCTIVE.test(m.action))).toEqual([]);
        expect(kinds(first)).not.toContain('teardown-user:done');
        const finals = first.report?.results.filter((r) => r.action.kind === 'notify-final') ?? [];
        expect(finals.length).toBeGreaterThanOrEqual(2);
        // Counted from the real date: a catch-up run (SWEEP_DATE is in the past) never shortens the warning.
        const deleteOn = addDays(dateInZone(new Date(), 'Asia/Tokyo'), 3);
        for (const r of finals) expect(r.action).toMatchObject({ deleteOn });
        const posts = (await w.snapshot()).posts;
        expect(posts.get('U02SATO')?.filter((text) => text.startsWith('【最終通知】'))).toHaveLength(1);
        expect((posts.get(ADMIN_CHANNEL) ?? []).join('\n')).toContain('最終通知を送りました');

        const second = await w.run();
        expect(second.report?.results).toEqual([]);
        expect(
          second.report?.skips.filter((s) => s.reason === 'deletion-scheduled').map((s) => s.deleteOn),
        ).toEqual(finals.map(() => deleteOn));
        const again = (await w.snapshot()).posts;
        for (const [channel, texts] of again) if (isDm(channel)) expect(texts).toEqual(posts.get(channel));
        expect(w.mutations.filter((m) => DESTRUCTIVE.test(m.action))).toEqual([]);
        counts.scenarios += 1;
      } finally {
        await w.close();
      }
    },
    RUN_BUDGET_MS,
  );

  it(
    'deletes only rows whose owner was warned long enough ago, or whose final notice date has come',
    async () => {
      const w = await world();
      try {
        // ci-deploy's owner had the week-ahead notice; sandbox-suzuki's final notice named SWEEP_DATE.
        await journaled(`notice#${CI_KEY}#2026-11-20`, '2026-11-13');
        await journaled(`final-notice#${SANDBOX_KEY}#2026-11-22`, '2026-11-21', { deleteOn: SWEEP_DATE });
        const run = await w.run();
        expect(kinds(run)).toEqual(expect.arrayContaining(['teardown-user:done', 'delete-key:done']));
        expect(w.account.listUsers().map((u) => u.userName)).not.toContain('ci-deploy');
        expect(w.account.listAccessKeys('sandbox-suzuki').map((k) => k.accessKeyId)).not.toContain(
          SANDBOX_KEY,
        );
        // report-bot was never warned: a final notice, not a deletion attempt.
        expect(run.report?.results.find((r) => r.action.kind === 'notify-final')?.action).toMatchObject({
          row: { iamUser: 'report-bot' },
        });
        counts.scenarios += 1;
      } finally {
        await w.close();
      }
    },
    RUN_BUDGET_MS,
  );

  it(
    'a sweep killed while sending a final notice never deletes that key: the next run flags it',
    async () => {
      const w = await world();
      try {
        const killed = await w.run({
          at: (tick) =>
            tick.service === 'slack' &&
            tick.operation === 'chat.postMessage' &&
            /U02SATO 【最終通知】/.test(tick.detail),
          applied: false,
        });
        expect(killed.killedAt).not.toBeNull();
        await w.expireLock();
        const rerun = await w.run();
        expect(rerun.code).toBe(0);
        const flagged = rerun.report?.skips.find((s) => s.row.accessKeyId === CI_KEY);
        expect(flagged).toMatchObject({ attention: true, detail: expect.stringMatching(/final notice/) });
        expect(w.account.listUsers().map((u) => u.userName)).toContain('ci-deploy');
        expect(w.mutations.filter((m) => DESTRUCTIVE.test(m.action))).toEqual([]);
        // Every other owner got exactly one final notice.
        const posts = (await w.snapshot()).posts;
        for (const [channel, texts] of posts)
          if (isDm(channel))
            expect(texts.filter((t) => t.includes('最終通知')).length).toBeLessThanOrEqual(1);
        counts.kills += 1;
        counts.scenarios += 1;
      } finally {
        await w.close();
      }
    },
    RUN_BUDGET_MS,
  );

  it(
    'several rows for one key, killed mid-teardown and re-run: one teardown for the real holder, every copy written back, the typo row untouched',
    async () => {
      const w = await world({ ...DEFAULTS, FINAL_NOTICE_DAYS: '0' });
      try {
        const ledgerPath = w.env().LEDGER_CSV ?? '';
        appendFileSync(
          ledgerPath,
          [
            '佐藤 花子,CIからのデプロイ,codedeploy:web-app,ci-deploy,AKIAEXAMPLECIXXX1002,2026/04/01,2026/11/20,利用中',
            '鈴木 一郎,負荷試験,ec2:loadtest,sandbox-suzuki,AKIAEXAMPLESBXXX1003,2026/09/01,2026/10/31,利用中',
            '高橋 次郎,ログ転送,logs:app,log-shipper,AKIAEXAMPLEETLXX1001,2026/06/01,2026/11/28,利用中',
            '',
          ].join('\n'),
        );
        const killed = await w.run({
          at: (tick) => tick.service === 'iam' && tick.operation === 'DeleteUser',
          applied: true,
        });
        expect(killed.killedAt).not.toBeNull();
        await w.expireLock();
        const rerun = await w.run();
        expect(rerun.code).toBe(0);

        const rows = readFileSync(ledgerPath, 'utf8').trim().split('\n');
        for (const n of [3, 14, 4, 15]) expect(rows[n - 1]).toMatch(/,削除済み$/);
        expect(rows[15]).toMatch(/,利用中$/);
        expect(w.account.listUsers().map((u) => u.userName)).not.toContain('ci-deploy');
        expect(w.mutations.filter((m) => m.action === 'DeleteUser').map((m) => m.params.UserName)).toEqual([
          'ci-deploy',
        ]);
        // Nothing touched the user the typo names, nor the key it names.
        expect(
          w.mutations.filter((m) => m.params.UserName === 'log-shipper' || m.params.UserName === 'etl-batch'),
        ).toEqual([]);
        const posts = (await w.snapshot()).posts;
        expect(posts.get('U01YAMADA')?.filter((text) => text.includes('利用期間があと'))).toHaveLength(1);
        counts.kills += 1;
        counts.scenarios += 1;
      } finally {
        await w.close();
      }
    },
    RUN_BUDGET_MS,
  );
});
