/**
 * The deployed Lambda bundle's sweep handler in its own process, as Lambda runs it: the
 * esbuild bundle `npm run bundle` builds (BENCH_BUNDLE), serverless.yml's NODE_OPTIONS (given by
 * the parent, or not), settings from the environment with the secrets read from SSM (the fake)
 * at cold start, Google auth by Workload Identity Federation from the function's AWS credentials
 * (the token exchange answered locally). One scheduled invocation, then the process's peak RSS.
 *
 * The handler builds its own clock (`sweepDepsOf`'s default), so the fixed clock comes from
 * outside: Date (only Date) starts at BENCH_NOW and runs at the real rate.
 *
 * Prints one JSON line.
 */
import { install } from '@sinonjs/fake-timers';

export interface LambdaChildResult {
  readonly summary: unknown;
  /** The require of the bundle: a cold start's module load. */
  readonly requireMs: number;
  readonly rssAfterRequireMb: number;
  /** The invocation, cold start (settings, SSM, clients) included. */
  readonly invokeMs: number;
  readonly maxRssMb: number;
  readonly memoryPeaksMb: Readonly<Record<string, number>>;
}

interface SweepHandler {
  sweep(
    event: { readonly date?: string; readonly time?: string },
    context: { readonly awsRequestId: string; getRemainingTimeInMillis(): number },
  ): Promise<unknown>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const clock = install({
    now: Date.parse(required('BENCH_NOW')),
    toFake: ['Date'],
    shouldAdvanceTime: true,
  });
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const [name, bytes] of Object.entries(process.memoryUsage()))
      peaks[name] = Math.max(peaks[name] ?? 0, Math.round(bytes / 1024 / 1024));
  };
  const sampler = setInterval(sample, 50);
  sampler.unref();
  try {
    const loading = performance.now();
    const handlers = require(required('BENCH_BUNDLE')) as SweepHandler;
    const requireMs = performance.now() - loading;
    const rssAfterRequireMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const invoked = performance.now();
    // The sweep function's 15-minute timeout, as Lambda's context reports it.
    const deadline = invoked + 15 * 60_000;
    const summary = await handlers.sweep(
      { date: required('BENCH_DATE'), time: new Date().toISOString() },
      { awsRequestId: 'bench', getRemainingTimeInMillis: () => deadline - performance.now() },
    );
    sample();
    const result: LambdaChildResult = {
      summary,
      requireMs: Math.round(requireMs),
      rssAfterRequireMb,
      invokeMs: Math.round(performance.now() - invoked),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      memoryPeaksMb: peaks,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clock.uninstall();
  }
}

main()
  // A warm Lambda process keeps its clients; this one is done, like a frozen execution environment.
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(
      `lambda child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
