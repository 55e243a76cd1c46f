/**
 * The Step Functions path of one sweep, in its own process: serverless.yml's SweepStateMachine
 * run locally (aws-local-stepfunctions, `test/support/sweep-machine.ts`) with its Map's
 * MaxConcurrency, its three tasks calling the real Lambda handlers (`createHandlers` from
 * src/lambda.ts) — all in this one process, as if each function kept one warm instance, so the
 * peak RSS here is the fan-out's, not one Lambda function's (`npm run bench -- --lambda` measures
 * those). Settings from the environment, as on Lambda; Date (only Date) starts at BENCH_NOW and
 * runs at the real rate. Each invocation gets a Lambda context counting down its function's
 * timeout (BENCH_TIMEOUTS_MS).
 *
 * Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { createHandlers, type LambdaContext } from '../src/lambda';
import { runSweepMachine, sweepDefinition } from '../test/support/sweep-machine';
import { fixedDate, memoryPeaks, required, runMain } from './child';

export interface SfnChildResult {
  /** The Map's MaxConcurrency this run used: the definition's, or 1 with BENCH_SFN_ONE_AT_A_TIME=1. */
  readonly maxConcurrency: number;
  /**
   * With BENCH_SFN_ONE_AT_A_TIME=1, each account task had this process's CPU to itself, as each
   * Lambda invocation has its own: those times laid over the definition's MaxConcurrency lanes,
   * in the Map's order, are the fan-out Step Functions would take.
   */
  readonly projected?: {
    readonly maxConcurrency: number;
    readonly fanOutMs: number;
    readonly taskMsTotal: number;
    readonly p90Ms: number;
  };
  /** The execution, start to end. */
  readonly wallMs: number;
  readonly prepareMs: number;
  /** From Prepare's end to Finish's start: the Map over the accounts. */
  readonly fanOutMs: number;
  readonly finishMs: number;
  /** Every sweepAccount invocation (a retried account's attempts each count). */
  readonly accountTasks: {
    readonly invocations: number;
    readonly failed: number;
    readonly slowestMs: number;
    readonly slowestAccount: string;
    readonly medianMs: number;
  };
  /** What the execution returned (sweepFinish's summary). */
  readonly summary: unknown;
  readonly maxRssMb: number;
  readonly memoryPeaksMb: Readonly<Record<string, number>>;
}

type Handlers = ReturnType<typeof createHandlers>;
type Task = { readonly account: string; readonly ms: number; readonly ok: boolean };

/** When the last of `durations` ends if each starts on the first of `lanes` lanes to come free, in order. */
function makespan(durations: readonly number[], lanes: number): number {
  const free = Array<number>(Math.max(1, lanes)).fill(0);
  for (const ms of durations) {
    const lane = free.indexOf(Math.min(...free));
    free[lane] = (free[lane] ?? 0) + ms;
  }
  return Math.max(...free);
}

/** A fresh Lambda context for each invocation, its time left counted from the function's timeout. */
function contextFor(timeoutMs: number, id: string): LambdaContext {
  const deadline = performance.now() + timeoutMs;
  return { awsRequestId: id, getRemainingTimeInMillis: () => deadline - performance.now() };
}

async function main(): Promise<void> {
  const timeouts = JSON.parse(required('BENCH_TIMEOUTS_MS')) as Record<
    'sweepPrepare' | 'sweepAccount' | 'sweepFinish',
    number
  >;
  const deployed = sweepDefinition(required('BENCH_REPO_ROOT'));
  const deployedMap = (deployed.States as Record<string, { MaxConcurrency?: number }>).Accounts;
  const oneAtATime = process.env.BENCH_SFN_ONE_AT_A_TIME === '1';
  const definition = structuredClone(deployed);
  if (oneAtATime)
    (definition.States as Record<string, { MaxConcurrency?: number }>).Accounts = {
      ...deployedMap,
      MaxConcurrency: 1,
    };
  const accountsState = (definition.States as Record<string, { MaxConcurrency?: number }>).Accounts;
  const clock = fixedDate(required('BENCH_NOW'));
  const { peaksMb: peaks, sample } = memoryPeaks();
  const handlers = createHandlers();
  const marks = { prepared: 0, finishing: 0 };
  const tasks: Task[] = [];
  let invocations = 0;
  const timed: Pick<Handlers, 'sweepPrepare' | 'sweepAccount' | 'sweepFinish'> = {
    sweepPrepare: async (event) => {
      try {
        return await handlers.sweepPrepare(event, contextFor(timeouts.sweepPrepare, 'prepare'));
      } finally {
        marks.prepared = performance.now();
      }
    },
    sweepAccount: async (event) => {
      const started = performance.now();
      let ok = false;
      try {
        const outcome = await handlers.sweepAccount(
          event,
          contextFor(timeouts.sweepAccount, `account-${++invocations}`),
        );
        ok = true;
        return outcome;
      } finally {
        tasks.push({ account: event.account, ms: performance.now() - started, ok });
      }
    },
    sweepFinish: async (event) => {
      marks.finishing = performance.now();
      return handlers.sweepFinish(event, contextFor(timeouts.sweepFinish, 'finish'));
    },
  };
  try {
    const started = performance.now();
    const summary = await runSweepMachine(
      timed,
      { 'detail-type': 'Scheduled Event', time: new Date().toISOString() },
      undefined,
      randomUUID(),
      definition,
    );
    const ended = performance.now();
    sample();
    const sorted = [...tasks].sort((a, b) => a.ms - b.ms);
    const slowest = sorted[sorted.length - 1];
    const lanes = deployedMap?.MaxConcurrency ?? 1;
    const result: SfnChildResult = {
      maxConcurrency: accountsState?.MaxConcurrency ?? 0,
      ...(oneAtATime
        ? {
            projected: {
              maxConcurrency: lanes,
              fanOutMs: Math.round(
                makespan(
                  tasks.map((t) => t.ms),
                  lanes,
                ),
              ),
              taskMsTotal: Math.round(tasks.reduce((sum, t) => sum + t.ms, 0)),
              p90Ms: Math.round(
                sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]?.ms ?? 0,
              ),
            },
          }
        : {}),
      wallMs: Math.round(ended - started),
      prepareMs: Math.round(marks.prepared - started),
      fanOutMs: Math.round((marks.finishing || ended) - marks.prepared),
      finishMs: marks.finishing ? Math.round(ended - marks.finishing) : 0,
      accountTasks: {
        invocations: tasks.length,
        failed: tasks.filter((t) => !t.ok).length,
        slowestMs: Math.round(slowest?.ms ?? 0),
        slowestAccount: slowest?.account ?? '',
        medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]?.ms ?? 0),
      },
      summary,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      memoryPeaksMb: peaks,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clock.uninstall();
  }
}

// The handlers keep their clients open, as a warm Lambda does; the execution is over.
runMain('step functions child', main, true);
