/**
 * `npm run bench -- --accounts N`: Keywarden over an AWS Organization of N accounts of
 * `--users-per-account` users each (200 by default), as the sweep child sweeps them with the
 * production account targets: Organizations ListAccounts, then AssumeRole through STS into each
 * member account (the STS/Organizations fake), every account's IAM at 30 ms a request.
 *
 * Every account is its own `IamAccount`, all behind ONE simulator server that routes each request
 * by the access key that signed it (the management account's own key, or the key STS handed out
 * for a member's assumed role): a thousand accounts need one socket, not a thousand.
 *
 * Phases: a dry run per ACCOUNT_CONCURRENCY asked for; the first apply (at the first one); the
 * steady daily run (apply again, nothing new to do) per ACCOUNT_CONCURRENCY. And the Step
 * Functions path (`sfn-child.ts`): serverless.yml's state machine with its Map's MaxConcurrency,
 * the real Lambda handlers, the run's tables in the S3 fake: a dry run after the self-hosted dry
 * runs, the daily run after the self-hosted daily runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IamAccount, startMultiAccountIamServer } from '@keywarden/iam-simulator';
import { startEmbeddedDynamo } from '../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../src/adapters/store/ensure-table';
import { startS3Server } from '../test/fakes/s3-server';
import { startSheetsServer } from '../test/fakes/sheets-server';
import { startSlackServer } from '../test/fakes/slack-server';
import { assumedKeyId, startControlPlane } from '../test/fakes/sts-organizations-server';
import { startTap, type Tap, type TapStats } from '../test/support/http-tap';
import { ACCOUNT_ID, generateOrganization, NOW, TODAY } from './generate';
import {
  ADMIN_CHANNEL,
  BOT_TOKEN,
  byLabel,
  deployedNodeOptions,
  federatedCredentialConfig,
  fmtMs,
  LATENCY,
  LoadSampler,
  line,
  runChild,
  SLACK_RATE,
  SPREADSHEET_ID,
  startGoogleTokenExchange,
  stepFunctionTimeoutsMs,
} from './harness';
import type { SfnChildResult } from './sfn-child';
import type { SweepChildResult } from './sweep-child';

export interface OrganizationOptions {
  readonly accounts: number;
  readonly usersPerAccount: number;
  /** ACCOUNT_CONCURRENCY values; the first one also runs the first apply, unless set below. */
  readonly concurrencies: readonly number[];
  readonly firstApplyConcurrency?: number;
  /** Dry runs only: no first apply, no daily run. */
  readonly dryRunOnly: boolean;
  readonly childTimeoutMs: number;
}

/** The management account's own credentials: the sweep's home account. */
const HOME_KEY = 'AKIDBENCH';

type Service = 'iam' | 'sts' | 'sheets' | 'slack' | 'dynamodb' | 's3';
const SERVICES: readonly Service[] = ['iam', 'sts', 'sheets', 'slack', 'dynamodb', 's3'];
const RUN_BUCKET = 'keywarden-bench-sweep-runs';

interface OrganizationPhase {
  readonly name: string;
  readonly concurrency: number;
  readonly processMs: number;
  readonly child: SweepChildResult;
  readonly taps: Readonly<Record<Service, TapStats>>;
  /** IAM requests per account in this phase. */
  readonly iamPerAccount: { readonly mean: number; readonly max: number; readonly min: number };
  readonly slack429: number;
}

/** One execution of the state machine, its handlers in one child process. */
interface StepFunctionsPhase {
  readonly name: string;
  readonly processMs: number;
  readonly child: SfnChildResult;
  readonly taps: Readonly<Record<Service, TapStats>>;
  readonly iamPerAccount: { readonly mean: number; readonly max: number; readonly min: number };
  readonly slack429: number;
}

export async function benchOrganization(
  options: OrganizationOptions,
  repoRoot: string,
  log: (line: string) => void,
): Promise<string> {
  const load = new LoadSampler(() => loadavg()[0] ?? 0);
  log(`generating ${options.accounts} accounts × ${options.usersPerAccount} users and one ledger`);
  const org = generateOrganization(options.accounts, options.usersPerAccount);
  const home = org.accounts[0];
  if (!home) throw new Error('an Organization needs at least one account');
  const byKey = new Map<string, IamAccount>([
    [HOME_KEY, home],
    ...org.accounts.slice(1).map((a) => [assumedKeyId(a.accountId), a] as const),
  ]);
  let perAccount = new Map<string, number>();
  // Everything started is stopped, whatever fails: a server left listening keeps the bench alive.
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const iamServer = await startMultiAccountIamServer(
      (keyId) => {
        const account = byKey.get(keyId);
        if (account) perAccount.set(account.accountId, (perAccount.get(account.accountId) ?? 0) + 1);
        return account;
      },
      { latencyMs: LATENCY.iam },
    );
    closers.push(() => iamServer.close());
    const control = await startControlPlane(
      ACCOUNT_ID,
      org.accounts.map((a) => ({ id: a.accountId, status: 'ACTIVE' })),
    );
    closers.push(() => control.close());
    const sheets = await startSheetsServer({ latencyMs: LATENCY.sheets, requireAuth: true });
    closers.push(() => sheets.close());
    sheets.setSheet(SPREADSHEET_ID, '台帳', org.ledger);
    sheets.setSheet(SPREADSHEET_ID, 'users', org.people);
    const slack = await startSlackServer({ latencyMs: LATENCY.slack, token: BOT_TOKEN, ...SLACK_RATE });
    closers.push(() => slack.close());
    slack.setUsers(org.slackUsers);
    const dynamo = await startEmbeddedDynamo();
    closers.push(() => dynamo.close());
    await ensureTable(dynamo.client, 'keywarden-bench');
    const s3 = await startS3Server([RUN_BUCKET]);
    closers.push(() => s3.close());
    const googleSts = await startGoogleTokenExchange(new URL(sheets.url).origin);
    closers.push(() => googleSts.close());

    const taps: Record<Service, Tap> = {
      iam: await startTap({
        target: iamServer.url,
        label: (r) => new URLSearchParams(r.body.toString('utf8')).get('Action') ?? '?',
      }),
      // STS is as far away as IAM.
      sts: await startTap({
        target: control.url,
        latencyMs: LATENCY.iam,
        label: (r) =>
          String(r.headers['x-amz-target'] ?? '').split('.')[1] ??
          new URLSearchParams(r.body.toString('utf8')).get('Action') ??
          '?',
      }),
      sheets: await startTap({
        target: new URL(sheets.url).origin,
        label: (r) => /values:(batchGet|batchUpdate)/.exec(r.path)?.[1] ?? r.method,
      }),
      slack: await startTap({
        target: new URL(slack.apiUrl).origin,
        label: (r) => r.path.replace(/^\/api\//, '').split('?')[0] ?? '?',
      }),
      dynamodb: await startTap({
        target: dynamo.endpoint,
        latencyMs: LATENCY.dynamodb,
        label: (r) => String(r.headers['x-amz-target'] ?? '?').replace('DynamoDB_20120810.', ''),
      }),
      s3: await startTap({ target: s3.url, label: (r) => r.method }),
    };
    for (const tap of Object.values(taps)) closers.push(() => tap.close());
    const dir = mkdtempSync(join(tmpdir(), 'keywarden-bench-org-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const nodeOptions = deployedNodeOptions(repoRoot);
    const sweepEnv = (mode: 'dry-run' | 'apply', concurrency: number): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? '',
      HOME: dir,
      KEYWARDEN_HOME: dir,
      LOG_LEVEL: 'error',
      TIME_ZONE: 'Asia/Tokyo',
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: HOME_KEY,
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      IAM_SOURCE: 'aws',
      IAM_ENDPOINT: taps.iam.url,
      ACCOUNTS: 'organizations',
      ACCOUNT_CONCURRENCY: String(concurrency),
      STS_ENDPOINT: taps.sts.url,
      ORGANIZATIONS_ENDPOINT: taps.sts.url,
      STATE_SOURCE: 'aws',
      DYNAMODB_ENDPOINT: taps.dynamodb.url,
      DYNAMODB_TABLE: 'keywarden-bench',
      // The ledger comes from Sheets (see sweep-child.ts); the CSV paths are never read.
      LEDGER_SOURCE: 'csv',
      LEDGER_CSV: join(dir, 'unused-ledger.csv'),
      PEOPLE_CSV: join(dir, 'unused-people.csv'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: `${taps.slack.url}/api/`,
      SLACK_ADMIN_CHANNEL: ADMIN_CHANNEL,
      SLACK_ADMIN_USERS: 'U0ADMIN',
      FINAL_NOTICE_DAYS: '0',
      BENCH_SHEETS_URL: `${taps.sheets.url}/`,
      BENCH_SPREADSHEET_ID: SPREADSHEET_ID,
      BENCH_MODE: mode,
      BENCH_DATE: TODAY,
      BENCH_NOW: NOW.toISOString(),
    });

    // The Lambda functions' settings (serverless.yml's provider.environment), the secrets given
    // directly rather than through SSM: the functions read them once per cold start.
    const sfnEnv = (mode: 'dry-run' | 'apply'): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? '',
      HOME: dir,
      LOG_LEVEL: 'error',
      TIME_ZONE: 'Asia/Tokyo',
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: HOME_KEY,
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: 'keywarden-bench-sweepFinish',
      IAM_SOURCE: 'aws',
      IAM_ENDPOINT: taps.iam.url,
      ACCOUNTS: 'organizations',
      STS_ENDPOINT: taps.sts.url,
      ORGANIZATIONS_ENDPOINT: taps.sts.url,
      STATE_SOURCE: 'aws',
      DYNAMODB_ENDPOINT: taps.dynamodb.url,
      DYNAMODB_TABLE: 'keywarden-bench',
      LEDGER_SOURCE: 'sheets',
      SHEETS_SPREADSHEET_ID: SPREADSHEET_ID,
      SHEETS_ROOT_URL: `${taps.sheets.url}/`,
      GOOGLE_SERVICE_ACCOUNT_JSON: federatedCredentialConfig(`${googleSts.url}/v1/token`),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: `${taps.slack.url}/api/`,
      SLACK_ADMIN_CHANNEL: ADMIN_CHANNEL,
      SLACK_ADMIN_USERS: 'U0ADMIN',
      WORKER_FUNCTION_NAME: 'keywarden-bench-worker',
      SWEEP_RUN_BUCKET: RUN_BUCKET,
      S3_ENDPOINT: taps.s3.url,
      SWEEP_APPLY: String(mode === 'apply'),
      FINAL_NOTICE_DAYS: '0',
      BENCH_REPO_ROOT: repoRoot,
      BENCH_NOW: NOW.toISOString(),
      BENCH_TIMEOUTS_MS: JSON.stringify(stepFunctionTimeoutsMs(repoRoot)),
    });

    const phases: OrganizationPhase[] = [];
    const sfnPhases: StepFunctionsPhase[] = [];
    /** A Step Functions phase that did not finish (its child failed or ran out of time), and why. */
    const sfnFailures: { readonly name: string; readonly error: string }[] = [];
    /** Runs one child with the taps and the per-account IAM count reset, and what they saw. */
    const observe = async <T>(label: string, script: string, env: NodeJS.ProcessEnv) => {
      for (const service of SERVICES) taps[service].resetStats();
      perAccount = new Map();
      const rateLimitedBefore = slack.stats.rateLimited;
      log(`${label}…`);
      const progress = setInterval(() => {
        const done = SERVICES.map((service) => `${service} ${taps[service].stats.requests}`).join(', ');
        log(`${label}: requests so far: ${done}; accounts reached ${perAccount.size}`);
      }, 30_000);
      progress.unref();
      const { result, ms } = await runChild<T>(join(__dirname, script), env, options.childTimeoutMs).finally(
        () => clearInterval(progress),
      );
      const counts = [...perAccount.values()];
      log(`${label}: ${fmtMs(ms)}`);
      return {
        processMs: ms,
        child: result,
        taps: Object.fromEntries(SERVICES.map((s) => [s, taps[s].stats])) as Record<Service, TapStats>,
        iamPerAccount: {
          mean: counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length),
          max: counts.reduce((a, b) => Math.max(a, b), 0),
          min: counts.reduce((a, b) => Math.min(a, b), counts[0] ?? 0),
        },
        slack429: slack.stats.rateLimited - rateLimitedBefore,
      };
    };
    const measure = async (name: string, mode: 'dry-run' | 'apply', concurrency: number) => {
      const seen = await observe<SweepChildResult>(
        `${name}, ACCOUNT_CONCURRENCY=${concurrency}`,
        'sweep-child.js',
        sweepEnv(mode, concurrency),
      );
      phases.push({ name, concurrency, ...seen });
    };
    // Its failure is a result too: the self-hosted phases measured before it are still written.
    const measureStepFunctions = async (name: string, mode: 'dry-run' | 'apply', oneAtATime = false) => {
      try {
        const seen = await observe<SfnChildResult>(`Step Functions path: ${name}`, 'sfn-child.js', {
          ...sfnEnv(mode),
          ...(oneAtATime ? { BENCH_SFN_ONE_AT_A_TIME: '1' } : {}),
        });
        sfnPhases.push({ name, ...seen });
      } catch (error) {
        const why = (error instanceof Error ? error.message : String(error))
          .split('\n')
          .slice(0, 3)
          .join(' ');
        log(`Step Functions path: ${name} not measured: ${why}`);
        sfnFailures.push({ name, error: why });
      }
    };

    const [first = 8] = options.concurrencies;
    for (const c of options.concurrencies) await measure('dry run', 'dry-run', c);
    await measureStepFunctions('dry run', 'dry-run');
    // Each account task with the CPU to itself, as on Lambda: the fan-out projected from those times.
    await measureStepFunctions('dry run, one task at a time', 'dry-run', true);
    if (!options.dryRunOnly) {
      await measure('first apply', 'apply', options.firstApplyConcurrency ?? first);
      for (const c of options.concurrencies) await measure('steady daily run (apply again)', 'apply', c);
      // After the self-hosted runs: the daily run finds the journal and ledger the first apply left.
      await measureStepFunctions('steady daily run (apply again)', 'apply');
      await measureStepFunctions('steady daily run, one task at a time', 'apply', true);
    }
    return render(options, org.stats, phases, sfnPhases, sfnFailures, load.summary(), nodeOptions);
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

function render(
  options: OrganizationOptions,
  stats: Readonly<Record<string, number>>,
  phases: readonly OrganizationPhase[],
  sfnPhases: readonly StepFunctionsPhase[],
  sfnFailures: readonly { readonly name: string; readonly error: string }[],
  load: string,
  nodeOptions: string,
): string {
  const out: string[] = [
    `# Keywarden benchmark: an Organization of ${options.accounts} account${options.accounts === 1 ? '' : 's'}`,
    '',
    `Generated by \`npm run bench -- --accounts ${options.accounts} --users-per-account ${options.usersPerAccount}\` on ${new Date().toISOString().slice(0, 10)}: ` +
      `${cpus().length} cores (shared; 1-minute load average during the run: ${load}), Node ${process.version}.`,
    `${options.accounts} account${options.accounts === 1 ? '' : 's'} (the management account, the sweep's home, and ${options.accounts - 1} members reached by ` +
      'Organizations ListAccounts and STS AssumeRole), each its own IAM simulator account behind one server routed by signing key. ' +
      `${stats.users} IAM users and ${stats['access keys']} access keys in all; one ledger of ${stats['ledger rows']} rows ` +
      `(${stats['rows in the notice window'] ?? 0} in the 7-day notice window, ${stats['rows past due'] ?? 0} past due) with an AWS account id column.`,
    `Injected latency per request: IAM and STS ${LATENCY.iam} ms, Sheets ${LATENCY.sheets} ms, Slack ${LATENCY.slack} ms, DynamoDB ${LATENCY.dynamodb} ms. ` +
      `Slack answers 429 to a second chat.postMessage to one channel within ${SLACK_RATE.channelRate.intervalMs} ms of arrival, every request up to ${SLACK_RATE.jitterMs} ms late each way. ` +
      `The sweep child runs with serverless.yml's NODE_OPTIONS=\`${nodeOptions}\` and a clock fixed to ${NOW.toISOString()}.`,
    '',
    line([
      'phase',
      'ACCOUNT_CONCURRENCY',
      'wall',
      'slowest account',
      'IAM requests per account (mean / max)',
      'STS + Organizations',
      'Sheets',
      'Slack requests / 429',
      'DynamoDB requests',
      'accounts failed',
      'peak RSS',
    ]),
    line(Array.from({ length: 11 }, () => '---')),
  ];
  for (const p of phases) {
    const slowest = p.child.accounts;
    out.push(
      line([
        p.name,
        p.concurrency,
        fmtMs(p.processMs),
        slowest ? `${fmtMs(slowest.slowestMs)} (median ${fmtMs(slowest.medianMs)})` : 'n/a',
        `${p.iamPerAccount.mean.toFixed(1)} / ${p.iamPerAccount.max}`,
        p.taps.sts.requests,
        p.taps.sheets.requests,
        `${p.taps.slack.requests} / ${p.slack429}`,
        p.taps.dynamodb.requests,
        slowest?.failed ?? 0,
        `${p.child.maxRssMb} MB`,
      ]),
    );
  }
  out.push(
    '',
    'Wall is the child process from spawn to exit (Node start-up included). Slowest account: from the ' +
      "account's sweep beginning to its end (`runSweep`'s onAccount/onAccountDone), credential reports " +
      'having been asked for in every account first.',
    '',
    '## Step Functions path',
    '',
    "serverless.yml's `SweepStateMachine` run locally (aws-local-stepfunctions) with its Map's MaxConcurrency, " +
      'its tasks calling the real handlers (`sweepPrepare`, `sweepAccount`, `sweepFinish` from src/lambda.ts) with ' +
      "the Lambda functions' settings (Sheets through Workload Identity Federation, the run's tables in the S3 fake), " +
      "all in one child process (each function as one warm instance: its peak RSS is the fan-out's, not one function's; " +
      '`npm run bench -- --lambda` measures each function in its own process). Its dry run follows the self-hosted dry runs, ' +
      'its daily run the self-hosted daily runs (the journal and ledger the first apply left). Fan-out: from Prepare returning to Finish being called (the Map state). Account task: one ' +
      '`sweepAccount` invocation, a retried one counted per attempt. "One task at a time": the same run with the ' +
      "Map's MaxConcurrency 1, so each account task has the process's CPU to itself as each Lambda invocation has " +
      "its own; its tasks' times laid over the deployed MaxConcurrency lanes in the Map's order give the projected fan-out.",
    '',
    line([
      'phase',
      'MaxConcurrency',
      'wall (child)',
      'execution: prepare / fan-out / finish',
      'account tasks (failed)',
      'slowest account task (median)',
      'IAM requests per account (mean / max)',
      'STS + Organizations',
      'Sheets',
      'Slack requests / 429',
      'DynamoDB',
      'S3 (GET / PUT)',
      'peak RSS',
      'summary',
    ]),
    line(Array.from({ length: 14 }, () => '---')),
    ...sfnPhases.map((p) => {
      const { sweepId: _id, ...summary } = (p.child.summary ?? {}) as Record<string, unknown>;
      return line([
        p.name,
        p.child.maxConcurrency,
        fmtMs(p.processMs),
        `${fmtMs(p.child.prepareMs)} / **${fmtMs(p.child.fanOutMs)}** / ${fmtMs(p.child.finishMs)}` +
          (p.child.projected
            ? `; projected at MaxConcurrency ${p.child.projected.maxConcurrency}: **${fmtMs(p.child.projected.fanOutMs)}** ` +
              `(tasks ${fmtMs(p.child.projected.taskMsTotal)} in all, p90 ${fmtMs(p.child.projected.p90Ms)})`
            : ''),
        `${p.child.accountTasks.invocations} (${p.child.accountTasks.failed})`,
        `${fmtMs(p.child.accountTasks.slowestMs)} (${fmtMs(p.child.accountTasks.medianMs)})`,
        `${p.iamPerAccount.mean.toFixed(1)} / ${p.iamPerAccount.max}`,
        p.taps.sts.requests,
        p.taps.sheets.requests,
        `${p.taps.slack.requests} / ${p.slack429}`,
        p.taps.dynamodb.requests,
        `${p.taps.s3.byLabel.GET ?? 0} / ${p.taps.s3.byLabel.PUT ?? 0}`,
        `${p.child.maxRssMb} MB`,
        `\`${JSON.stringify(summary)}\``,
      ]);
    }),
    ...sfnFailures.map((f) =>
      line([
        f.name,
        `not measured: ${f.error.replaceAll('|', '/')}`,
        ...Array.from({ length: 12 }, () => ''),
      ]),
    ),
    '',
    '## Requests by call',
    '',
    ...phases.map(
      (p) =>
        `- **${p.name}** (ACCOUNT_CONCURRENCY=${p.concurrency}): IAM: ${byLabel(p.taps.iam) || 'none'}; STS/Organizations: ${byLabel(p.taps.sts) || 'none'}; ` +
        `Slack: ${byLabel(p.taps.slack) || 'none'}; DynamoDB: ${byLabel(p.taps.dynamodb) || 'none'}; ` +
        `actions: ${
          Object.entries(p.child.actions)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'none'
        }`,
    ),
    ...sfnPhases.map(
      (p) =>
        `- **Step Functions path: ${p.name}**: IAM: ${byLabel(p.taps.iam) || 'none'}; STS/Organizations: ${byLabel(p.taps.sts) || 'none'}; ` +
        `Slack: ${byLabel(p.taps.slack) || 'none'}; DynamoDB: ${byLabel(p.taps.dynamodb) || 'none'}`,
    ),
  );
  return out.join('\n');
}
