/**
 * `npm run bench -- --lambda`: the DEPLOYED sweep state machine's handlers at 5,000 users — the
 * esbuild bundle `npm run bundle` builds, each step's handler in its own process as its own
 * Lambda function runs it (`lambda-child.ts`): `sweepPrepare` with the event EventBridge
 * Scheduler starts the execution with, `sweepAccount` with what the Map state hands each
 * iteration, `sweepFinish` with the Map's outputs, each step's JSON output the next one's input
 * and the run's tables in the S3 fake (SWEEP_RUN_BUCKET). With serverless.yml's NODE_OPTIONS and
 * then without `--enable-source-maps`, against the same generated world as `npm run bench`, on a
 * clock fixed to the world's instant.
 *
 * Settings reach it as they do on Lambda: secrets named by `<SETTING>_PARAMETER` and read from
 * SSM (the SSM fake), Google auth by Workload Identity Federation from the function's AWS
 * credentials (the token exchange answered by a local tap). ARCHIVE_BUCKET is left unset.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server } from '../test/fakes/s3-server';
import { startSsmServer } from '../test/fakes/ssm-server';
import { startTap, type Tap, type TapStats } from '../test/support/http-tap';
import { FULL_SCALE, generate, NOW, type Scale, TODAY } from './generate';
import {
  ADMIN_CHANNEL,
  BOT_TOKEN,
  deployedNodeOptions,
  federatedCredentialConfig,
  fmtMs,
  LATENCY,
  LoadSampler,
  line,
  runChild,
  SPREADSHEET_ID,
  type StepFunction,
  startGoogleTokenExchange,
  stepFunctionTimeoutsMs,
} from './harness';
import type { LambdaChildResult } from './lambda-child';
import { startServices } from './services';

type Service = 'iam' | 'sheets' | 'slack' | 'dynamodb' | 's3';
const SERVICES: readonly Service[] = ['iam', 'sheets', 'slack', 'dynamodb', 's3'];
const TABLE = 'keywarden-bench-lambda';
const SECRETS = '/keywarden/bench';
const RUN_BUCKET = 'keywarden-bench-sweep-runs';

/** One step's function invoked once, in its own process. */
interface LambdaStep {
  readonly handler: StepFunction;
  readonly processMs: number;
  readonly child: LambdaChildResult;
  readonly taps: Readonly<Record<Service, TapStats>>;
  readonly slack429: number;
}

/** One execution of the state machine: prepare → the account(s) → finish. */
interface LambdaPhase {
  readonly name: string;
  readonly nodeOptions: string;
  readonly steps: readonly LambdaStep[];
}

/** The first step's output when it prepared a run (not refused, not turned away by the lock). */
interface Prepared {
  readonly run: unknown;
  readonly accounts: readonly string[];
}

function isPrepared(output: unknown): output is Prepared {
  const o = output as Partial<Prepared> | null;
  return typeof o === 'object' && o !== null && o.run !== undefined && Array.isArray(o.accounts);
}

/** Builds the bundle as `npm run bundle` does (its own esbuild arguments), into `dir`. */
function buildBundle(repoRoot: string, dir: string): string {
  const scripts = (
    JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const [command, ...args] = (scripts.bundle ?? '').split(/\s+/);
  if (command !== 'esbuild') throw new Error(`the bundle script no longer runs esbuild: ${command}`);
  const outfile = join(dir, 'index.js');
  execFileSync(
    join(repoRoot, 'node_modules', '.bin', 'esbuild'),
    args.map((arg) => (arg.startsWith('--outfile=') ? `--outfile=${outfile}` : arg)),
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return outfile;
}

export async function benchLambda(
  repoRoot: string,
  scale: Scale,
  log: (line: string) => void,
): Promise<string> {
  const load = new LoadSampler(() => loadavg()[0] ?? 0);
  const dir = mkdtempSync(join(tmpdir(), 'keywarden-bench-lambda-'));
  log('building the Lambda bundle (npm run bundle)');
  const bundle = buildBundle(repoRoot, dir);
  log(`generating the account, ledger and people table (${scale.users} users)`);
  const generated = generate(scale);
  const services = await startServices(generated, TABLE);
  const { iamServer, sheets, slack, dynamo } = services;
  const ssm = await startSsmServer('us-east-1');
  const s3 = await startS3Server([RUN_BUCKET]);
  const taps: Record<Service, Tap> = {
    iam: await startTap({
      target: iamServer.url,
      label: (r) => new URLSearchParams(r.body.toString('utf8')).get('Action') ?? '?',
    }),
    sheets: await startTap({ target: new URL(sheets.url).origin }),
    slack: await startTap({ target: new URL(slack.apiUrl).origin }),
    dynamodb: await startTap({ target: dynamo.endpoint, latencyMs: LATENCY.dynamodb }),
    s3: await startTap({ target: s3.url }),
  };
  const googleSts = await startGoogleTokenExchange(new URL(sheets.url).origin);
  ssm.put(
    `${SECRETS}/google-service-account-json`,
    federatedCredentialConfig(`${googleSts.url}/v1/token`),
    'SecureString',
  );
  ssm.put(`${SECRETS}/slack-bot-token`, BOT_TOKEN, 'SecureString');
  ssm.put(`${SECRETS}/slack-signing-secret`, 'bench-signing-secret', 'SecureString');

  const deployed = deployedNodeOptions(repoRoot);
  const withoutMaps = deployed
    .split(/\s+/)
    .filter((flag) => flag !== '--enable-source-maps')
    .join(' ');
  const timeouts = stepFunctionTimeoutsMs(repoRoot);
  const lambdaEnv = (
    nodeOptions: string,
    apply: boolean,
    handler: StepFunction,
    event: unknown,
  ): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    NODE_OPTIONS: nodeOptions,
    // What Lambda gives every function: its role's session credentials, region and name.
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHLAMBDA00001',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_LAMBDA_FUNCTION_NAME: `keywarden-bench-${handler}`,
    AWS_EC2_METADATA_DISABLED: 'true',
    // serverless.yml's provider.environment, its secrets through SSM.
    TIME_ZONE: 'Asia/Tokyo',
    LEDGER_SOURCE: 'sheets',
    SHEETS_SPREADSHEET_ID: SPREADSHEET_ID,
    SHEETS_ROOT_URL: `${taps.sheets.url}/`,
    GOOGLE_SERVICE_ACCOUNT_JSON_PARAMETER: `${SECRETS}/google-service-account-json`,
    IAM_SOURCE: 'aws',
    IAM_ENDPOINT: taps.iam.url,
    STATE_SOURCE: 'aws',
    DYNAMODB_ENDPOINT: taps.dynamodb.url,
    DYNAMODB_TABLE: TABLE,
    SLACK_BOT_TOKEN_PARAMETER: `${SECRETS}/slack-bot-token`,
    SLACK_SIGNING_SECRET_PARAMETER: `${SECRETS}/slack-signing-secret`,
    SLACK_ADMIN_CHANNEL: ADMIN_CHANNEL,
    SLACK_ADMIN_USERS: 'U0ADMIN',
    SLACK_API_URL: `${taps.slack.url}/api/`,
    SSM_ENDPOINT: ssm.url,
    SWEEP_RUN_BUCKET: RUN_BUCKET,
    S3_ENDPOINT: taps.s3.url,
    SWEEP_APPLY: String(apply),
    WORKER_FUNCTION_NAME: 'keywarden-bench-worker',
    // As `npm run bench`: removals due on a fresh journal, not final notices.
    FINAL_NOTICE_DAYS: '0',
    BENCH_BUNDLE: bundle,
    BENCH_NOW: NOW.toISOString(),
    BENCH_HANDLER: handler,
    BENCH_EVENT: JSON.stringify(event),
    BENCH_TIMEOUT_MS: String(timeouts[handler]),
  });

  const phases: LambdaPhase[] = [];
  const invoke = async (
    phase: string,
    nodeOptions: string,
    apply: boolean,
    handler: StepFunction,
    event: unknown,
  ): Promise<LambdaStep> => {
    for (const service of SERVICES) taps[service].resetStats();
    const rateLimitedBefore = slack.stats.rateLimited;
    log(`Lambda ${phase}: ${handler}…`);
    const { result, ms } = await runChild<LambdaChildResult>(
      join(__dirname, 'lambda-child.js'),
      lambdaEnv(nodeOptions, apply, handler, event),
    );
    log(`Lambda ${phase}: ${handler}: ${fmtMs(ms)}, peak RSS ${result.maxRssMb} MB`);
    return {
      handler,
      processMs: ms,
      child: result,
      taps: Object.fromEntries(SERVICES.map((s) => [s, taps[s].stats])) as Record<Service, TapStats>,
      slack429: slack.stats.rateLimited - rateLimitedBefore,
    };
  };
  // What the state machine does, each task a fresh process: Prepare's output is the Map's items
  // (ItemSelector: the run and one account), the Map's outputs land in `swept` for Finish.
  const measure = async (name: string, nodeOptions: string, apply: boolean) => {
    // The Prepare task's Parameters: the scheduler's event, the execution's name and start.
    const prepare = await invoke(name, nodeOptions, apply, 'sweepPrepare', {
      input: { 'detail-type': 'Scheduled Event', time: NOW.toISOString() },
      execution: `bench-${name}-${apply ? 'apply' : 'dry-run'}-${Date.now()}`,
      startedAt: NOW.toISOString(),
    });
    const prepared = prepare.child.output;
    if (!isPrepared(prepared)) throw new Error(`sweepPrepare prepared no run: ${JSON.stringify(prepared)}`);
    const steps = [prepare];
    for (const account of prepared.accounts)
      steps.push(await invoke(name, nodeOptions, apply, 'sweepAccount', { run: prepared.run, account }));
    const swept = steps.slice(1).map((step) => step.child.output);
    steps.push(await invoke(name, nodeOptions, apply, 'sweepFinish', { ...prepared, swept }));
    phases.push({ name, nodeOptions, steps });
  };

  try {
    await measure('dry run', deployed, false);
    await measure('dry run, without --enable-source-maps', withoutMaps, false);
    if (process.env.BENCH_ONLY === 'dry-run') return render(scale, phases, load.summary());
    await measure('first apply', deployed, true);
    await measure('daily run (apply again)', deployed, true);
    await measure('daily run (apply again), without --enable-source-maps', withoutMaps, true);
    return render(scale, phases, load.summary());
  } finally {
    await Promise.all([...SERVICES.map((s) => taps[s].close()), googleSts.close(), ssm.close(), s3.close()]);
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(scale: Scale, phases: readonly LambdaPhase[], load: string): string {
  const all = phases.flatMap((p) => p.steps.map((step) => ({ phase: p, step })));
  return [
    `# Keywarden benchmark: the Lambda sweep state machine's handlers at ${scale.users} users`,
    '',
    `Generated by \`npm run bench -- --lambda\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores ` +
      `(shared; 1-minute load average during the run: ${load}), Node ${process.version}. The bundle \`npm run bundle\` builds; ` +
      'each step of the state machine is its own function in its own fresh process (a cold start each): `sweepPrepare` with the ' +
      `scheduler's \`{"detail-type":"Scheduled Event","time":"${NOW.toISOString()}"}\`, \`sweepAccount\` with the Map's \`{run, account}\`, ` +
      `\`sweepFinish\` with Prepare's output and the Map's outputs in \`swept\`; the run's tables in the S3 fake. Date fixed to ${NOW.toISOString()} (${TODAY} in Tokyo). ` +
      `Same world and latencies as \`npm run bench\`${scale === FULL_SCALE ? '' : ' (at a smaller scale)'}.`,
    '',
    line([
      'phase',
      'step',
      'NODE_OPTIONS',
      'wall',
      'require',
      'RSS (heapUsed) after require',
      'invocation',
      'IAM / Sheets / Slack (429) / DynamoDB / S3 requests',
      'peak RSS',
      'heapUsed / heapTotal peak',
    ]),
    line(Array.from({ length: 10 }, () => '---')),
    ...all.map(({ phase, step }) =>
      line([
        phase.name,
        `\`${step.handler}\``,
        `\`${phase.nodeOptions}\``,
        fmtMs(step.processMs),
        fmtMs(step.child.requireMs),
        `${step.child.rssAfterRequireMb} (${step.child.heapUsedAfterRequireMb}) MB`,
        fmtMs(step.child.invokeMs),
        `${step.taps.iam.requests} / ${step.taps.sheets.requests} / ${step.taps.slack.requests} (${step.slack429}) / ${step.taps.dynamodb.requests} / ${step.taps.s3.requests}`,
        `${step.child.maxRssMb} MB`,
        `${step.child.memoryPeaksMb.heapUsed ?? '?'} / ${step.child.memoryPeaksMb.heapTotal ?? '?'} MB`,
      ]),
    ),
    '',
    `What \`sweepFinish\` returned: ${phases
      .map((p) => {
        const output = p.steps[p.steps.length - 1]?.child.output;
        const { sweepId: _id, ...summary } = (output ?? {}) as Record<string, unknown>;
        return `${p.name}: \`${JSON.stringify(summary)}\``;
      })
      .join('; ')}.`,
  ].join('\n');
}
