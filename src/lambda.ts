import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { ConfigError, loadConfig } from './config';
import { buildRuntime, sweepDepsOf } from './container';
import { parseIsoDate } from './domain/dates';
import { summaryFields } from './domain/report';
import { createLogger } from './log';
import { slackAppFor } from './slack/compose';
import type { Job } from './slack/jobs';
import { runJob } from './slack/jobs';
import { type DigestResult, runDigest } from './sweep/digest';
import { runSweep, SweepDateError, SweepLockedError } from './sweep/run-sweep';

/** The fields of an EventBridge scheduled event the sweep reads. */
export interface ScheduledEvent {
  readonly 'detail-type'?: string;
  readonly time?: string;
  /** A manual invoke's catch-up day (`YYYY-MM-DD`); an apply run refuses a day still to come. */
  readonly date?: string;
}

export interface SweepSummary {
  readonly sweepId?: string;
  readonly mode?: string;
  readonly actions?: number;
  readonly failed?: number;
  readonly skipped?: string;
  /** Why nothing was done: a bad or future `date`. Not retried: the same event fails the same way. */
  readonly refused?: string;
}

type Runtime = Awaited<ReturnType<typeof build>>;

/** The part of Lambda's context object the logs use. */
export interface LambdaContext {
  readonly awsRequestId?: string;
}

async function build(env: NodeJS.ProcessEnv) {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, { service: 'keywarden' });
  // No embedded components: on Lambda everything is a real AWS, Google or Slack service.
  const runtime = await buildRuntime(config, { write: (line) => logger.info(line) });
  const sweep = sweepDepsOf(runtime);
  const workerName = env.WORKER_FUNCTION_NAME;
  const lambda = new LambdaClient({ ...(env.LAMBDA_ENDPOINT ? { endpoint: env.LAMBDA_ENDPOINT } : {}) });
  const slack = slackAppFor(runtime, sweep, logger, {
    // AwsLambdaReceiver answers Slack only when the listener returns, so slow work goes
    // to the worker function as an asynchronous ('Event') invocation.
    dispatch: async (job: Job) => {
      if (!workerName) throw new ConfigError('WORKER_FUNCTION_NAME is not set');
      await lambda.send(
        new InvokeCommand({
          FunctionName: workerName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ job })),
        }),
      );
    },
  });
  return { config, logger, runtime, sweep, slack };
}

/**
 * The Lambda entry points. A warm Lambda process serves many invocations, so clients are
 * built once per process on first use (the promise below), never at import time.
 * Node 24 runtimes accept only async handlers: none takes a callback.
 */
export function createHandlers(env: () => NodeJS.ProcessEnv = () => process.env) {
  let runtime: Promise<Runtime> | undefined;
  const get = () => {
    runtime ??= build(env()).catch((error: unknown) => {
      runtime = undefined; // a failed cold start (bad config, SSM hiccup) must not poison the process
      throw error;
    });
    return runtime;
  };

  return {
    /** API Gateway (HTTP API, payload v2) → Bolt. Slack's 3 seconds: listeners ack and dispatch. */
    async slack(event: AwsEvent, context: unknown): Promise<AwsResponse> {
      const { slack } = await get();
      if (!slack?.lambdaReceiver) return { statusCode: 503, body: 'Slack is not configured' };
      return slack.lambdaReceiver.toHandler()(event, context);
    },

    /** EventBridge schedule → the daily sweep; acts only with SWEEP_APPLY=true. */
    async sweep(event: ScheduledEvent, context?: LambdaContext): Promise<SweepSummary> {
      const { config, sweep, ...rest } = await get();
      const logger = rest.logger.child({ requestId: context?.awsRequestId });
      const date = event.date === undefined ? undefined : parseIsoDate(event.date);
      if (date === null) {
        logger.warn('sweep refused', { date: event.date });
        return { refused: 'date must be YYYY-MM-DD' };
      }
      try {
        const report = await runSweep(sweep, {
          mode: config.sweepApply ? 'apply' : 'dry-run',
          ...(date ? { date } : {}),
        });
        const failed = report.results.filter((r) => r.outcome === 'failed').length;
        logger.info('sweep finished', { ...summaryFields(report), scheduledAt: event.time });
        return { sweepId: report.sweepId, mode: report.mode, actions: report.results.length, failed };
      } catch (error) {
        if (error instanceof SweepDateError) {
          logger.warn('sweep refused', { error: error.message });
          return { refused: error.message };
        }
        if (!(error instanceof SweepLockedError)) throw error;
        logger.info('sweep skipped: another sweep holds the lock');
        return { skipped: 'locked' };
      }
    },

    /** EventBridge weekly schedule → the hygiene digest. */
    async digest(_event: ScheduledEvent): Promise<DigestResult> {
      const { config, runtime, sweep } = await get();
      return runDigest(
        sweep,
        { reports: runtime.credentialReports, policy: config.hygiene },
        runtime.archive,
      );
    },

    /** Asynchronous invocations from the Slack function: the work after an ack. */
    async worker(event: { readonly job: Job }, context?: LambdaContext): Promise<void> {
      const { slack, logger } = await get();
      if (!slack) throw new ConfigError('the worker needs Slack configured');
      await runJob(event.job, slack.jobs);
      logger.info('job done', {
        kind: event.job.kind,
        user: event.job.user,
        requestId: context?.awsRequestId,
      });
    },
  };
}

const handlers = createHandlers();
export const { slack, sweep, digest, worker } = handlers;
