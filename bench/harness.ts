/**
 * What the single-account and the Organization benchmarks share: the injected latencies, the
 * deployment's NODE_OPTIONS, child processes with a time limit, and number formatting.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTap, type Tap, type TapStats } from '../test/support/http-tap';

export const LATENCY = { iam: 30, sheets: 80, slack: 20, dynamodb: 5 } as const;
export const SPREADSHEET_ID = 'bench-ledger';
export const ADMIN_CHANNEL = 'C0ADMINS';
export const BOT_TOKEN = 'xoxb-bench';
/**
 * Slack's chat.postMessage rate as the Slack fake enforces it: one post per channel per second
 * by when the post arrives, no burst, and every request up to `jitterMs` late on the way in and
 * again on the way out, so a sender that paces by when it sent meets 429s.
 */
export const SLACK_RATE = { channelRate: { intervalMs: 1000, burst: 1 }, jitterMs: 100 } as const;
/** Bounds on each child: an apply run is mostly Slack pacing, ~1.1 s per admin-channel post. */
export const CHILD_TIMEOUT_MS = 20 * 60_000;

/**
 * The sweep runs with the NODE_OPTIONS the deployment gives it (serverless.yml), so the bench
 * measures the process as it is shipped.
 */
export function deployedNodeOptions(repoRoot: string): string {
  const manifest = parse(readFileSync(join(repoRoot, 'serverless.yml'), 'utf8'), { logLevel: 'error' });
  const options = manifest?.provider?.environment?.NODE_OPTIONS;
  if (typeof options !== 'string')
    throw new Error('serverless.yml sets no provider.environment.NODE_OPTIONS');
  return options;
}

/** Runs `script` with Node and `env`; its last stdout line is its JSON result. */
export function runChild<T>(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = CHILD_TIMEOUT_MS,
): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code !== 0 || !stdout) {
        reject(new Error(`${script} ended with ${code ?? signal}: ${Buffer.concat(err).toString('utf8')}`));
        return;
      }
      resolve({ result: JSON.parse(stdout.split('\n').pop() ?? '{}') as T, ms: performance.now() - started });
    });
  });
}

export const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
export const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');
export const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;

export function byLabel(stats: TapStats): string {
  return Object.entries(stats.byLabel)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
}

/** Load on the machine while the bench ran: the 1-minute load average, sampled. */
export class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(loadavg: () => number) {
    this.timer = setInterval(() => this.samples.push(loadavg()), 5_000);
    this.timer.unref();
  }

  summary(): string {
    clearInterval(this.timer);
    if (this.samples.length === 0) return 'n/a';
    const sorted = [...this.samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    return `median ${median.toFixed(1)}, max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)}`;
  }
}

/** Google's STS, local: exchanges a function's signed GetCallerIdentity for an access token. */
export function startGoogleTokenExchange(target: string): Promise<Tap> {
  return startTap({
    target,
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
}

/**
 * What `gcloud iam workload-identity-pools create-cred-config … --aws` writes — how the Lambda
 * functions authenticate to Sheets — with Google's STS at `tokenUrl`.
 */
export function federatedCredentialConfig(tokenUrl: string): string {
  return JSON.stringify({
    type: 'external_account',
    audience:
      '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/keywarden/providers/aws',
    subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
    token_url: tokenUrl,
    credential_source: {
      environment_id: 'aws1',
      regional_cred_verification_url:
        'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
    },
  });
}

/** Each step function's timeout from serverless.yml, in ms: what Lambda's context counts down from. */
export function stepFunctionTimeoutsMs(repoRoot: string): Record<StepFunction, number> {
  const manifest = parse(readFileSync(join(repoRoot, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as {
    functions?: Record<string, { timeout?: number }>;
  };
  return Object.fromEntries(
    STEP_FUNCTIONS.map((name) => {
      const seconds = manifest.functions?.[name]?.timeout;
      if (typeof seconds !== 'number') throw new Error(`serverless.yml sets no timeout for ${name}`);
      return [name, seconds * 1000];
    }),
  ) as Record<StepFunction, number>;
}

/** The sweep state machine's task functions, in the order it runs them. */
export const STEP_FUNCTIONS = ['sweepPrepare', 'sweepAccount', 'sweepFinish'] as const;
export type StepFunction = (typeof STEP_FUNCTIONS)[number];
