/**
 * `npm run bench -- --lambda`: the DEPLOYED sweep handler at 5,000 users — the esbuild bundle
 * `npm run bundle` builds, invoked as EventBridge invokes it (`lambda-child.ts`), with
 * serverless.yml's NODE_OPTIONS and then without `--enable-source-maps` — against the same
 * generated world as `npm run bench`, on a clock fixed to the world's instant.
 *
 * Settings reach it as they do on Lambda: secrets named by `<SETTING>_PARAMETER` and read from
 * SSM (the SSM fake), Google auth by Workload Identity Federation from the function's AWS
 * credentials (the token exchange answered by a local tap). ARCHIVE_BUCKET is left unset.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIamServer } from '@keywarden/iam-simulator';
import { startEmbeddedDynamo } from '../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../src/adapters/store/ensure-table';
import { startSheetsServer } from '../test/fakes/sheets-server';
import { startSlackServer } from '../test/fakes/slack-server';
import { startSsmServer } from '../test/fakes/ssm-server';
import { startTap, type Tap, type TapStats } from '../test/support/http-tap';
import { FULL_SCALE, generate, NOW, type Scale, TODAY } from './generate';
import {
  ADMIN_CHANNEL,
  BOT_TOKEN,
  deployedNodeOptions,
  fmtMs,
  LATENCY,
  LoadSampler,
  line,
  runChild,
  SLACK_RATE,
  SPREADSHEET_ID,
} from './harness';
import type { LambdaChildResult } from './lambda-child';

type Service = 'iam' | 'sheets' | 'slack' | 'dynamodb';
const SERVICES: readonly Service[] = ['iam', 'sheets', 'slack', 'dynamodb'];
const TABLE = 'keywarden-bench-lambda';
const SECRETS = '/keywarden/bench';

interface LambdaPhase {
  readonly name: string;
  readonly nodeOptions: string;
  readonly processMs: number;
  readonly child: LambdaChildResult;
  readonly taps: Readonly<Record<Service, TapStats>>;
  readonly slack429: number;
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
  const iamServer = await startIamServer(generated.account, { latencyMs: LATENCY.iam });
  const sheets = await startSheetsServer({ latencyMs: LATENCY.sheets, requireAuth: true });
  sheets.setSheet(SPREADSHEET_ID, '台帳', generated.ledger);
  sheets.setSheet(SPREADSHEET_ID, 'users', generated.people);
  const slack = await startSlackServer({ latencyMs: LATENCY.slack, token: BOT_TOKEN, ...SLACK_RATE });
  slack.setUsers(generated.slackUsers);
  const dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, TABLE);
  const ssm = await startSsmServer('us-east-1');
  const taps: Record<Service, Tap> = {
    iam: await startTap({
      target: iamServer.url,
      label: (r) => new URLSearchParams(r.body.toString('utf8')).get('Action') ?? '?',
    }),
    sheets: await startTap({ target: new URL(sheets.url).origin }),
    slack: await startTap({ target: new URL(slack.apiUrl).origin }),
    dynamodb: await startTap({ target: dynamo.endpoint, latencyMs: LATENCY.dynamodb }),
  };
  // Google's STS: exchanges the function's signed GetCallerIdentity for an access token.
  const googleSts = await startTap({
    target: new URL(sheets.url).origin,
    intercept: () => ({
      kind: 'reply',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        access_token: 'bench-federated-token',
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    }),
  });
  // What `gcloud iam workload-identity-pools create-cred-config … --aws` writes, Google's STS local.
  ssm.put(
    `${SECRETS}/google-service-account-json`,
    JSON.stringify({
      type: 'external_account',
      audience:
        '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/keywarden/providers/aws',
      subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
      token_url: `${googleSts.url}/v1/token`,
      credential_source: {
        environment_id: 'aws1',
        regional_cred_verification_url:
          'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
      },
    }),
    'SecureString',
  );
  ssm.put(`${SECRETS}/slack-bot-token`, BOT_TOKEN, 'SecureString');
  ssm.put(`${SECRETS}/slack-signing-secret`, 'bench-signing-secret', 'SecureString');

  const deployed = deployedNodeOptions(repoRoot);
  const withoutMaps = deployed
    .split(/\s+/)
    .filter((flag) => flag !== '--enable-source-maps')
    .join(' ');
  const lambdaEnv = (nodeOptions: string, apply: boolean): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    NODE_OPTIONS: nodeOptions,
    // What Lambda gives every function: its role's session credentials, region and name.
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHLAMBDA00001',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_LAMBDA_FUNCTION_NAME: 'keywarden-bench-sweep',
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
    SWEEP_APPLY: String(apply),
    WORKER_FUNCTION_NAME: 'keywarden-bench-worker',
    // As `npm run bench`: removals due on a fresh journal, not final notices.
    FINAL_NOTICE_DAYS: '0',
    BENCH_BUNDLE: bundle,
    BENCH_NOW: NOW.toISOString(),
    BENCH_DATE: TODAY,
  });

  const phases: LambdaPhase[] = [];
  const measure = async (name: string, nodeOptions: string, apply: boolean) => {
    for (const service of SERVICES) taps[service].resetStats();
    const rateLimitedBefore = slack.stats.rateLimited;
    log(`Lambda handler: ${name}…`);
    const { result, ms } = await runChild<LambdaChildResult>(
      join(__dirname, 'lambda-child.js'),
      lambdaEnv(nodeOptions, apply),
    );
    phases.push({
      name,
      nodeOptions,
      processMs: ms,
      child: result,
      taps: Object.fromEntries(SERVICES.map((s) => [s, taps[s].stats])) as Record<Service, TapStats>,
      slack429: slack.stats.rateLimited - rateLimitedBefore,
    });
    log(`Lambda handler: ${name}: ${fmtMs(ms)}, peak RSS ${result.maxRssMb} MB`);
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
    await Promise.all([
      ...SERVICES.map((s) => taps[s].close()),
      googleSts.close(),
      iamServer.close(),
      sheets.close(),
      slack.close(),
      ssm.close(),
    ]);
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(scale: Scale, phases: readonly LambdaPhase[], load: string): string {
  return [
    `# Keywarden benchmark: the Lambda sweep handler at ${scale.users} users`,
    '',
    `Generated by \`npm run bench -- --lambda\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores ` +
      `(shared; 1-minute load average during the run: ${load}), Node ${process.version}. The bundle \`npm run bundle\` builds, ` +
      `its \`sweep\` handler invoked once per fresh process (a cold start) with \`{ date: ${TODAY} }\`, Date fixed to ${NOW.toISOString()}. ` +
      `Same world and latencies as \`npm run bench\`${scale === FULL_SCALE ? '' : ' (at a smaller scale)'}.`,
    '',
    line([
      'phase',
      'NODE_OPTIONS',
      'wall',
      'require',
      'RSS after require',
      'invocation',
      'IAM / Sheets / Slack (429) / DynamoDB requests',
      'peak RSS',
    ]),
    line(Array.from({ length: 8 }, () => '---')),
    ...phases.map((p) =>
      line([
        p.name,
        `\`${p.nodeOptions}\``,
        fmtMs(p.processMs),
        fmtMs(p.child.requireMs),
        `${p.child.rssAfterRequireMb} MB`,
        fmtMs(p.child.invokeMs),
        `${p.taps.iam.requests} / ${p.taps.sheets.requests} / ${p.taps.slack.requests} (${p.slack429}) / ${p.taps.dynamodb.requests}`,
        `${p.child.maxRssMb} MB`,
      ]),
    ),
    '',
    `Heap peaks (MB, sampled every 50 ms): ${phases
      .map(
        (p) =>
          `${p.name}: heapTotal ${p.child.memoryPeaksMb.heapTotal ?? '?'}, heapUsed ${p.child.memoryPeaksMb.heapUsed ?? '?'}`,
      )
      .join('; ')}.`,
    '',
    `What the handler returned: ${phases
      .map((p) => {
        const { sweepId: _id, ...summary } = p.child.summary as Record<string, unknown>;
        return `${p.name}: \`${JSON.stringify(summary)}\``;
      })
      .join('; ')}.`,
  ].join('\n');
}
