/**
 * `npm run bench`: Keywarden at IAM's quota against local servers with realistic latency,
 * beside the naive strategy most scripts use. See bench/README.md.
 *
 * This process hosts the servers (IAM simulator, Sheets and Slack fakes, dynalite), each
 * behind a tap that counts requests and measures how long the service was busy; the sweep
 * and the baseline each run in a child process, so their peak RSS is theirs alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTap, type Tap, type TapRequest, type TapStats } from '../test/support/http-tap';
import type { BaselineChildResult } from './baseline-child';
import { FULL_SCALE, generate, NOW, type Scale, TODAY } from './generate';
import {
  ADMIN_CHANNEL,
  BOT_TOKEN,
  byLabel,
  deployedNodeOptions,
  fmtMs,
  LATENCY,
  LoadSampler,
  line,
  ratio,
  runChild,
  SLACK_RATE,
  SPREADSHEET_ID,
} from './harness';
import { benchLambda } from './lambda';
import { benchOrganization } from './organization';
import { startServices } from './services';
import type { SweepChildResult } from './sweep-child';

/** Users the baseline calls per-user APIs for unless BENCH_BASELINE=full; the rest is extrapolated. */
const BASELINE_SAMPLE = 1000;
type Service = 'iam' | 'sheets' | 'slack' | 'dynamodb';
const SERVICES: readonly Service[] = ['iam', 'sheets', 'slack', 'dynamodb'];

/**
 * Watches chat.postMessage as it reaches the Slack fake (which enforces the rate, with jitter):
 * how many posts were tried in any minute and how close two posts to one channel came.
 */
export class SlackPosts {
  private last = new Map<string, number>();
  posted: number[] = [];
  minGapMs = Number.POSITIVE_INFINITY;

  reset(): void {
    this.last = new Map();
    this.posted = [];
    this.minGapMs = Number.POSITIVE_INFINITY;
  }

  see(request: TapRequest): void {
    if (!request.path.startsWith('/api/chat.postMessage')) return;
    const body = request.body.toString('utf8');
    const type = String(request.headers['content-type'] ?? '');
    let channel = '';
    try {
      channel = type.includes('json')
        ? String((JSON.parse(body) as { channel?: unknown }).channel ?? '')
        : (new URLSearchParams(body).get('channel') ?? '');
    } catch {
      channel = '';
    }
    const now = performance.now();
    const last = this.last.get(channel);
    if (last !== undefined) this.minGapMs = Math.min(this.minGapMs, now - last);
    this.last.set(channel, now);
    this.posted.push(now);
  }

  /** Most posts tried in any 60-second window. */
  peakPerMinute(): number {
    let peak = 0;
    let start = 0;
    for (let end = 0; end < this.posted.length; end++) {
      while ((this.posted[end] ?? 0) - (this.posted[start] ?? 0) >= 60_000) start += 1;
      peak = Math.max(peak, end - start + 1);
    }
    return peak;
  }
}

interface Phase {
  readonly name: string;
  readonly processMs: number;
  readonly maxRssMb: number;
  readonly taps: Readonly<Record<Service, TapStats>>;
  readonly slack429: number;
  readonly slackPosts: number;
  readonly slackPeakPerMinute: number;
  readonly slackMinGapMs: number | null;
}

/** BENCH_USERS=500 for a quick try of the bench itself; the numbers that count are at 5,000. */
function scaleFromEnv(): Scale {
  const users = Number(process.env.BENCH_USERS ?? FULL_SCALE.users);
  return users === FULL_SCALE.users
    ? FULL_SCALE
    : {
        ...FULL_SCALE,
        users,
        historicalRows: Math.round(users * 0.03),
        unrecordedUsers: Math.round(users * 0.03),
      };
}

/** A positive whole number from an option or environment variable. */
function count(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number: ${value}`);
  return n;
}

async function main(): Promise<void> {
  const repoRoot = process.env.BENCH_REPO_ROOT ?? join(__dirname, '..', '..');
  const benchStarted = performance.now();
  const log = (text: string) =>
    process.stderr.write(`[bench ${fmtMs(performance.now() - benchStarted)}] ${text}\n`);
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      accounts: { type: 'string', default: process.env.BENCH_ACCOUNTS },
      'users-per-account': { type: 'string', default: process.env.BENCH_USERS_PER_ACCOUNT ?? '200' },
      // ACCOUNT_CONCURRENCY, one or more (`--concurrency 8 --concurrency 32`).
      concurrency: {
        type: 'string',
        multiple: true,
        default: (process.env.BENCH_ACCOUNT_CONCURRENCY ?? '8').split(','),
      },
      'dry-run-only': { type: 'boolean', default: false },
      // ACCOUNT_CONCURRENCY for the first apply alone (default: the first --concurrency): its
      // time goes to Slack's per-channel pacing, not the CPU, so more accounts at once help it.
      'first-apply-concurrency': { type: 'string' },
      // The deployed Lambda bundle's state machine handlers instead, each in its own process (see lambda.ts).
      lambda: { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '20' },
    },
  });
  if (values.lambda) {
    const markdown = await benchLambda(repoRoot, scaleFromEnv(), log);
    process.stdout.write(`${markdown}\n`);
    writeFileSync(join(repoRoot, 'bench', 'results-lambda.md'), `${markdown}\n`);
    log('wrote bench/results-lambda.md');
    return;
  }
  if (values.accounts === undefined) return benchSingleAccount(repoRoot, log);
  const accounts = count('--accounts', values.accounts);
  const markdown = await benchOrganization(
    {
      accounts,
      usersPerAccount: count('--users-per-account', values['users-per-account']),
      concurrencies: values.concurrency.map((c) => count('--concurrency', c)),
      ...(values['first-apply-concurrency'] === undefined
        ? {}
        : { firstApplyConcurrency: count('--first-apply-concurrency', values['first-apply-concurrency']) }),
      dryRunOnly: values['dry-run-only'],
      childTimeoutMs: count('--timeout-minutes', values['timeout-minutes']) * 60_000,
    },
    repoRoot,
    log,
  );
  process.stdout.write(`${markdown}\n`);
  const file = `results-org-${accounts}.md`;
  writeFileSync(join(repoRoot, 'bench', file), `${markdown}\n`);
  log(`wrote bench/${file}`);
}

async function benchSingleAccount(repoRoot: string, log: (text: string) => void): Promise<void> {
  const fullBaseline = process.env.BENCH_BASELINE === 'full';
  const load = new LoadSampler(() => loadavg()[0] ?? 0);

  log('generating the account, ledger and people table');
  const scale = scaleFromEnv();
  const generated = generate(scale);
  const services = await startServices(generated, 'keywarden-bench');
  const { iamServer, sheets, slack, dynamo } = services;

  const posts = new SlackPosts();
  const slackBase = new URL(slack.apiUrl);
  const taps: Record<Service, Tap> = {
    iam: await startTap({
      target: iamServer.url,
      label: (r) => new URLSearchParams(r.body.toString('utf8')).get('Action') ?? '?',
    }),
    sheets: await startTap({
      target: new URL(sheets.url).origin,
      label: (r) =>
        /values:(batchGet|batchUpdate)/.exec(r.path)?.[1] ??
        `values.${r.method === 'PUT' ? 'update' : 'get'}`,
    }),
    slack: await startTap({
      target: slackBase.origin,
      label: (r) => r.path.replace(/^\/api\//, '').split('?')[0] ?? '?',
      intercept: (r) => {
        posts.see(r);
        return { kind: 'forward' };
      },
    }),
    dynamodb: await startTap({
      target: dynamo.endpoint,
      latencyMs: LATENCY.dynamodb,
      label: (r) => String(r.headers['x-amz-target'] ?? '?').replace('DynamoDB_20120810.', ''),
    }),
  };
  const home = mkdtempSync(join(tmpdir(), 'keywarden-bench-'));
  const cellsFile = join(home, 'cells.json');
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    KEYWARDEN_HOME: home,
    LOG_LEVEL: 'error',
    TIME_ZONE: 'Asia/Tokyo',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    IAM_ENDPOINT: taps.iam.url,
    BENCH_SHEETS_URL: `${taps.sheets.url}/`,
    BENCH_SPREADSHEET_ID: SPREADSHEET_ID,
  };
  const nodeOptions = deployedNodeOptions(repoRoot);
  const sweepEnv = (mode: string): NodeJS.ProcessEnv => ({
    ...baseEnv,
    NODE_OPTIONS: nodeOptions,
    BENCH_MODE: mode,
    BENCH_DATE: TODAY,
    // The instant the generated account is fixed to, as the sweep's clock: reproducible hygiene.
    BENCH_NOW: NOW.toISOString(),
    IAM_SOURCE: 'aws',
    STATE_SOURCE: 'aws',
    DYNAMODB_ENDPOINT: taps.dynamodb.url,
    DYNAMODB_TABLE: 'keywarden-bench',
    // The ledger comes from Sheets (see sweep-child.ts); the CSV paths are never read.
    LEDGER_SOURCE: 'csv',
    LEDGER_CSV: join(home, 'unused-ledger.csv'),
    PEOPLE_CSV: join(home, 'unused-people.csv'),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: `${taps.slack.url}/api/`,
    SLACK_ADMIN_CHANNEL: ADMIN_CHANNEL,
    SLACK_ADMIN_USERS: 'U0ADMIN',
    // The generated ledger has removals due on a fresh journal; measure them as in earlier runs
    // rather than the final notices a first apply now sends (FINAL_NOTICE_DAYS defaults to 3).
    FINAL_NOTICE_DAYS: '0',
  });

  const phases: Phase[] = [];
  const measure = async <T>(name: string, script: string, env: NodeJS.ProcessEnv): Promise<T> => {
    for (const service of SERVICES) taps[service].resetStats();
    posts.reset();
    const rateLimitedBefore = slack.stats.rateLimited;
    log(`${name}…`);
    const progress = setInterval(() => {
      const done = SERVICES.map((service) => `${service} ${taps[service].stats.requests}`).join(', ');
      log(`${name}: requests so far: ${done}; Slack 429s ${slack.stats.rateLimited - rateLimitedBefore}`);
    }, 30_000);
    progress.unref();
    const { result, ms } = await runChild<T>(join(__dirname, script), env).finally(() =>
      clearInterval(progress),
    );
    phases.push({
      name,
      processMs: ms,
      maxRssMb: (result as { maxRssMb?: number }).maxRssMb ?? 0,
      taps: {
        iam: taps.iam.stats,
        sheets: taps.sheets.stats,
        slack: taps.slack.stats,
        dynamodb: taps.dynamodb.stats,
      },
      slack429: slack.stats.rateLimited - rateLimitedBefore,
      slackPosts: posts.posted.length,
      slackPeakPerMinute: posts.peakPerMinute(),
      slackMinGapMs: Number.isFinite(posts.minGapMs) ? posts.minGapMs : null,
    });
    log(`${name}: ${fmtMs(ms)}`);
    return result;
  };

  try {
    const dry = await measure<SweepChildResult>('sweep, dry run', 'sweep-child.js', sweepEnv('dry-run'));
    if (process.env.BENCH_ONLY === 'dry-run') {
      process.stdout.write(`${JSON.stringify({ ...dry, cells: dry.cells.length }, null, 2)}\n`);
      return;
    }
    writeFileSync(cellsFile, JSON.stringify(dry.cells));
    // The same dry run on V8's defaults, which size the young generation from the machine's memory.
    const { NODE_OPTIONS: _deployed, ...undeployed } = sweepEnv('dry-run');
    const defaults = await measure<SweepChildResult>(
      'sweep, dry run, without NODE_OPTIONS',
      'sweep-child.js',
      undeployed,
    );
    const apply = await measure<SweepChildResult>('sweep, apply', 'sweep-child.js', sweepEnv('apply'));
    const again = await measure<SweepChildResult>(
      'sweep, apply again (nothing left)',
      'sweep-child.js',
      sweepEnv('apply'),
    );
    const baseline = await measure<BaselineChildResult>(
      fullBaseline ? 'baseline (naive), all users' : `baseline (naive), ${BASELINE_SAMPLE} users sampled`,
      'baseline-child.js',
      { ...baseEnv, BENCH_CELLS_FILE: cellsFile, BENCH_SAMPLE: fullBaseline ? '0' : String(BASELINE_SAMPLE) },
    );
    const markdown = render(
      generated.stats,
      phases,
      { dry, apply, again, baseline, defaults },
      fullBaseline,
      nodeOptions,
      load.summary(),
    );
    process.stdout.write(`${markdown}\n`);
    writeFileSync(join(repoRoot, 'bench', 'results.md'), `${markdown}\n`);
    log(`wrote bench/results.md`);
  } finally {
    await Promise.all(SERVICES.map((s) => taps[s].close()));
    await services.close();
    rmSync(home, { recursive: true, force: true });
  }
}

interface Results {
  readonly defaults: SweepChildResult;
  readonly dry: SweepChildResult;
  readonly apply: SweepChildResult;
  readonly again: SweepChildResult;
  readonly baseline: BaselineChildResult;
}

function render(
  stats: Readonly<Record<string, number>>,
  phases: readonly Phase[],
  r: Results,
  fullBaseline: boolean,
  nodeOptions: string,
  load: string,
): string {
  // Phases in the order they ran: dry run, dry run on V8 defaults, apply, apply again, baseline.
  const [dryPhase, , applyPhase, , basePhase] = phases;
  if (!dryPhase || !applyPhase || !basePhase) throw new Error('a phase is missing');
  const b = r.baseline;
  // Per-user cost measured on the sample, times every user: stated as an estimate.
  const perUser = b.sampled > 0 ? b.perUserMs / b.sampled : 0;
  const baselineIamMs = b.listUsersMs + perUser * b.users;
  const baselineIamRequests = b.listUsersCalls + 3 * b.users;
  const baselineMs = baselineIamMs + b.ledgerReadMs + b.cellWriteMs;
  const sweepReadWriteMs = r.dry.wallMs + r.apply.ledgerWriteMs;
  const dryIam = dryPhase.taps.iam;
  const inventoryCalls = dryIam.byLabel.GetAccountAuthorizationDetails ?? 0;
  const keyChecks = dryIam.byLabel.ListAccessKeys ?? 0;
  const reportCalls =
    (dryIam.byLabel.GenerateCredentialReport ?? 0) +
    (dryIam.byLabel.GetCredentialReport ?? 0) +
    (dryIam.byLabel.GetAccountPasswordPolicy ?? 0);
  const peakRss = Math.max(r.dry.maxRssMb, r.apply.maxRssMb, r.again.maxRssMb);
  const anySlack429 = phases.reduce((n, p) => n + p.slack429, 0);

  const out: string[] = [
    '# Keywarden benchmark',
    '',
    "One AWS account at IAM's user quota, the sweep as the CLI runs it. An Organization of accounts (`npm run bench -- --accounts N`) is in `results-org-N.md`; the deployed Lambda state machine's handlers (`npm run bench -- --lambda`) in `results-lambda.md`.",
    '',
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (shared; 1-minute load average during the run: ${load}), Node ${process.version}. The sweep's clock is fixed to ${NOW.toISOString()}, the instant the account is generated for.`,
    `Account: ${stats.users} IAM users, ${stats['access keys']} access keys, ${stats['login profiles']} console passwords, ` +
      `${stats['MFA devices']} MFA devices, ${stats['dedicated policies']} single-user policies, 40 shared policies, 25 groups. ` +
      `Ledger: ${stats['ledger rows']} rows (${stats['rows in the notice window']} in the 7-day notice window, ` +
      `${stats['rows past due']} past due); people table: 300 people.`,
    `Injected latency per request: IAM ${LATENCY.iam} ms, Sheets ${LATENCY.sheets} ms, Slack ${LATENCY.slack} ms, DynamoDB ${LATENCY.dynamodb} ms. ` +
      `Slack answers 429 to a second chat.postMessage to one channel within ${SLACK_RATE.channelRate.intervalMs} ms of arrival, every request up to ${SLACK_RATE.jitterMs} ms late each way.`,
    '',
    '## Per phase and service',
    '',
    'Busy = wall time during which at least one request to that service was in flight. RSS = peak resident set of the child process that ran the phase (servers live in the parent).',
    '',
    line([
      'phase',
      'wall',
      'IAM req / busy',
      'Sheets req / busy',
      'Slack req / busy / 429',
      'DynamoDB req / busy',
      'peak RSS',
    ]),
    line(['---', '---', '---', '---', '---', '---', '---']),
  ];
  for (const p of phases) {
    out.push(
      line([
        p.name,
        fmtMs(p.processMs),
        `${p.taps.iam.requests} / ${fmtMs(p.taps.iam.busyMs)}`,
        `${p.taps.sheets.requests} / ${fmtMs(p.taps.sheets.busyMs)}`,
        `${p.taps.slack.requests} / ${fmtMs(p.taps.slack.busyMs)} / ${p.slack429}`,
        `${p.taps.dynamodb.requests} / ${fmtMs(p.taps.dynamodb.busyMs)}`,
        `${p.maxRssMb} MB`,
      ]),
    );
  }
  out.push(
    '',
    'Wall is the child process from spawn to exit (Node start-up included). ' +
      (fullBaseline
        ? 'The baseline called the per-user APIs for every user.'
        : `The baseline row is what was **measured**: all of ListUsers, both ledger reads, every cell write, but the per-user calls for ${b.sampled} of ${b.users} users only; the comparison below **extrapolates** the per-user cost to all users (\`BENCH_BASELINE=full npm run bench\` measures it instead, ~7 more minutes).`),
    '',
    '## Requests by call',
    '',
    ...phases.map(
      (p) =>
        `- **${p.name}**: IAM: ${byLabel(p.taps.iam) || 'none'}; Sheets: ${byLabel(p.taps.sheets) || 'none'}; Slack: ${byLabel(p.taps.slack) || 'none'}; DynamoDB: ${byLabel(p.taps.dynamodb) || 'none'}`,
    ),
    '',
    `Apply actions: ${Object.entries(r.apply.actions)
      .map(([k, n]) => `${k} ${n}`)
      .join(
        ', ',
      )}; ${r.apply.attention} rows need attention; ${r.apply.ledgerCellsWritten} ledger cells written. ` +
      `Slack: ${applyPhase.slackPosts} messages posted, at most ${applyPhase.slackPeakPerMinute} in any minute, ` +
      `closest two posts to one channel ${applyPhase.slackMinGapMs === null ? 'n/a' : fmtMs(applyPhase.slackMinGapMs)} apart.`,
    '',
    '## Against the baseline',
    '',
    line(['', 'Keywarden', `baseline${fullBaseline ? '' : ' (extrapolated)'}`, 'ratio']),
    line(['---', '---', '---', '---']),
    line([
      'IAM requests to read the account',
      `${inventoryCalls + keyChecks} (${inventoryCalls} GetAccountAuthorizationDetails + ${keyChecks} ListAccessKeys before removals)`,
      `${baselineIamRequests} (${b.listUsersCalls} ListUsers + 3 × ${b.users})`,
      ratio(baselineIamRequests, inventoryCalls + keyChecks),
    ]),
    line([
      'Sheets reads / writes',
      `${dryPhase.taps.sheets.requests} / ${applyPhase.taps.sheets.byLabel.batchUpdate ?? 0}`,
      `2 / ${b.cellWrites}`,
      '',
    ]),
    line([
      'read + write-back wall time',
      `${fmtMs(sweepReadWriteMs)} (dry run ${fmtMs(r.dry.wallMs)} + write ${fmtMs(r.apply.ledgerWriteMs)})`,
      `${fmtMs(baselineMs)} (IAM ${fmtMs(baselineIamMs)}, ledger read ${fmtMs(b.ledgerReadMs)}, ${b.cellWrites} cell writes ${fmtMs(b.cellWriteMs)})`,
      ratio(baselineMs, sweepReadWriteMs),
    ]),
    '',
    "The baseline does not notify or delete anything; the sweep's apply time beyond read and write-back is the notices (paced at one post per second per channel) and teardowns, which any strategy has to do.",
    '',
    '## Targets (issue #6)',
    '',
    line(['target', 'measured', 'met']),
    line(['---', '---', '---']),
    line([
      '≤ 12 IAM requests for the read side of a 5,000-user sweep',
      `${inventoryCalls + reportCalls}: ${inventoryCalls} GetAccountAuthorizationDetails + ${reportCalls} credential report/password policy. ` +
        `Not in it: ${keyChecks} ListAccessKeys, one per user due for removal, made by the executor right before each removal (in a dry run too, to show what apply would refuse): they scale with removals, not with the account`,
      inventoryCalls + reportCalls <= 12 ? 'yes' : 'no',
    ]),
    line([
      '1 Sheets read and 1 write',
      `${applyPhase.taps.sheets.byLabel.batchGet ?? 0} batchGet, ${applyPhase.taps.sheets.byLabel.batchUpdate ?? 0} batchUpdate (apply)`,
      (applyPhase.taps.sheets.byLabel.batchGet ?? 0) === 1 &&
      (applyPhase.taps.sheets.byLabel.batchUpdate ?? 0) === 1
        ? 'yes'
        : 'no',
    ]),
    line([
      'Slack sends within the rate tiers (no 429 storm)',
      `${anySlack429} × 429 over all phases; ≤ 1 post per channel per second enforced; peak ${applyPhase.slackPeakPerMinute} posts/minute`,
      anySlack429 === 0 ? 'yes' : 'no',
    ]),
    line([
      'peak RSS ≤ 200 MB',
      `${peakRss} MB (sweep child, largest of the three runs; ${r.dry.startupRssMb} MB of it before the sweep reads anything; ` +
        `heap peak ${r.dry.memoryPeaksMb.heapTotal ?? '?'} MB allocated, ${r.dry.memoryPeaksMb.heapUsed ?? '?'} MB used). ` +
        `Sweeps run with serverless.yml's NODE_OPTIONS=\`${nodeOptions}\`; without them: ${r.defaults.maxRssMb} MB (dry run)`,
      peakRss <= 200 ? 'yes' : 'no',
    ]),
    line([
      '≥ 20× less wall time than the baseline',
      `${ratio(baselineMs, sweepReadWriteMs)} on read + write-back${fullBaseline ? '' : ' (baseline extrapolated from the sample)'}`,
      baselineMs / Math.max(1, sweepReadWriteMs) >= 20 ? 'yes' : 'no',
    ]),
  );
  return out.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
