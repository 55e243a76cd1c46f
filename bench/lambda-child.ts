/**
 * One of the deployed Lambda bundle's sweep-step handlers in its own process, as Lambda runs a
 * function: the esbuild bundle `npm run bundle` builds (BENCH_BUNDLE), serverless.yml's
 * NODE_OPTIONS (given by the parent, or not), settings from the environment with the secrets read
 * from SSM (the fake) at cold start, Google auth by Workload Identity Federation from the
 * function's AWS credentials (the token exchange answered locally). One invocation of
 * BENCH_HANDLER (`sweepPrepare`, `sweepAccount` or `sweepFinish`) with the event BENCH_EVENT (the
 * JSON Step Functions would hand it), then the process's peak RSS and the handler's output.
 *
 * The handlers build their own clock (`sweepDepsOf`'s default), so the fixed clock comes from
 * outside: Date (only Date) starts at BENCH_NOW and runs at the real rate.
 *
 * Prints one JSON line.
 */

import { fixedDate, memoryPeaks, required, runMain } from './child';
import type { StepFunction } from './harness';

/** Not imported from the harness: this process loads nothing but the bundle and the fake clock. */
const HANDLERS = ['sweepPrepare', 'sweepAccount', 'sweepFinish'] as const satisfies readonly StepFunction[];

export interface LambdaChildResult {
  /** What the handler returned: the next step's input, as Step Functions passes it on. */
  readonly output: unknown;
  /** The require of the bundle: a cold start's module load. */
  readonly requireMs: number;
  readonly rssAfterRequireMb: number;
  /** Live heap once the bundle is loaded: the modules' share of the peak's heapUsed. */
  readonly heapUsedAfterRequireMb: number;
  /** The invocation, cold start (settings, SSM, clients) included. */
  readonly invokeMs: number;
  readonly maxRssMb: number;
  readonly memoryPeaksMb: Readonly<Record<string, number>>;
}

interface LambdaContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}
type Handlers = Record<StepFunction, (event: unknown, context: LambdaContext) => Promise<unknown>>;

function stepHandler(name: string): StepFunction {
  const handler = HANDLERS.find((h) => h === name);
  if (!handler) throw new Error(`BENCH_HANDLER must be one of ${HANDLERS.join(', ')}: ${name}`);
  return handler;
}

async function main(): Promise<void> {
  const handler = stepHandler(required('BENCH_HANDLER'));
  const event: unknown = JSON.parse(required('BENCH_EVENT'));
  const timeoutMs = Number(required('BENCH_TIMEOUT_MS'));
  const clock = fixedDate(required('BENCH_NOW'));
  const { peaksMb: peaks, sample } = memoryPeaks();
  try {
    const loading = performance.now();
    const handlers = require(required('BENCH_BUNDLE')) as Handlers;
    const requireMs = performance.now() - loading;
    const { rss, heapUsed } = process.memoryUsage();
    const rssAfterRequireMb = Math.round(rss / 1024 / 1024);
    const heapUsedAfterRequireMb = Math.round(heapUsed / 1024 / 1024);
    const invoked = performance.now();
    // The function's timeout (serverless.yml), as Lambda's context reports it.
    const deadline = invoked + timeoutMs;
    const output = await handlers[handler](event, {
      awsRequestId: `bench-${handler}`,
      getRemainingTimeInMillis: () => deadline - performance.now(),
    });
    sample();
    const result: LambdaChildResult = {
      output,
      requireMs: Math.round(requireMs),
      rssAfterRequireMb,
      heapUsedAfterRequireMb,
      invokeMs: Math.round(performance.now() - invoked),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      memoryPeaksMb: peaks,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clock.uninstall();
  }
}

// A warm Lambda process keeps its clients; this one is done, like a frozen execution environment.
runMain('lambda child', main, true);
