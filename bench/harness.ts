/**
 * What the single-account and the Organization benchmarks share: the injected latencies, the
 * deployment's NODE_OPTIONS, child processes with a time limit, and number formatting.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TapStats } from '../test/support/http-tap';

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
