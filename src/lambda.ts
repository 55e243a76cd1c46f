import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { z } from 'zod';
import { sweepHeartbeat } from './adapters/metrics/sweep-heartbeat';
import type { ComposedSlack } from './compose/slack-app';
import { type Config, ConfigError } from './config';
import { buildRuntime, digestDepsOf, sweepDepsOf } from './container';
import { parseIsoDate } from './domain/dates';
import { failureCount, summaryFields, sweepVerdict } from './domain/report';
import { type StopReason, SweepStop, stopReasonEnglish } from './domain/stop-reason';
import { SweepDateError, SweepLockedError } from './domain/sweep-lock';
import type { SweepRun } from './domain/sweep-run';
import { loadConfigWithSecrets } from './load-config';
import { createLogger, type Logger } from './log';
import type { SweepStarter } from './ports/sweep-starter';
import type { Job } from './slack/jobs';
import { jobFromQueue, type QueuedJob, reportBlock, runJob } from './slack/jobs';
import { type BatchResponse, type QueuedRecord, reportWorkerFailures } from './slack/worker-failures';
import { type DigestResult, runDigest } from './sweep/digest';
import {
  type AccountStepOutcome,
  accountStep,
  finishStep,
  type PreparedRun,
  prepareStep,
  type StepDeps,
  stepMode,
} from './sweep/sweep-steps';
import { describeError } from './text/describe-error';
import { messages } from './text/messages';
import { escapeText } from './text/mrkdwn';
import { renderReport } from './text/sweep-report';
import { errorMessage } from './util/errors';

/** The first step's input: the execution's input, and its name as the run's id. */
export interface PrepareStepEvent {
  readonly input: ScheduledEvent;
  /** `$$.Execution.Name`: unique to the execution, the same for every attempt of the step. */
  readonly execution: string;
  /** `$$.Execution.StartTime` (ISO): the account steps' budget counts from it. */
  readonly startedAt?: string;
}

/** A Map iteration's input: the run, and the account it sweeps. */
export interface AccountStepEvent {
  readonly run: SweepRun;
  readonly account: string;
}

/** What a Catch hands on: the error's name and its cause (a Lambda error's is JSON, `LambdaCause`). */
export interface StepFailure {
  readonly Error: string;
  readonly Cause?: string;
}

/** A Map iteration's output: its step's own, or AccountFailed's with what the Catch caught. */
export type AccountIteration =
  | AccountStepOutcome
  | { readonly account: string; readonly failure: StepFailure };

/** The last step's input: the first step's output, the Map's outputs, or the Map's error. */
export interface FinishStepEvent extends PreparedRun {
  readonly swept?: readonly AccountIteration[];
  /** Set by the Map state's Catch: it failed as a whole, so some accounts may not have run. */
  readonly failure?: StepFailure;
}

/** The Cause Step Functions keeps of an error a Lambda function threw (or its runtime reported). */
const LambdaCause = z.object({ errorMessage: z.string() });

/** A failure's own words: a Lambda error's message, another error's cause, else its name. */
function failureMessage({ Error: name, Cause: cause }: StepFailure): string {
  if (!cause) return name;
  try {
    const lambda = LambdaCause.safeParse(JSON.parse(cause));
    if (lambda.success) return lambda.data.errorMessage;
  } catch {
    // Not JSON: the cause is already text.
  }
  return cause;
}

/** The error's name beside its message, unless the message is the name (a failure with no cause). */
function withErrorName(failure: StepFailure): string {
  const message = failureMessage(failure);
  return message === failure.Error ? message : `${failure.Error}: ${message}`;
}

/** The fields of an EventBridge scheduled event the sweep reads. */
export interface ScheduledEvent {
  readonly 'detail-type'?: string;
  readonly time?: string;
  /** A manual invoke's catch-up day (`YYYY-MM-DD`); an apply run refuses a day still to come. */
  readonly date?: string;
  /** Only a dry run may be asked for (`stepMode`): `/iam-audit sweep` on Lambda. */
  readonly dryRun?: boolean;
  /** The admin `/iam-audit sweep` came from, who gets the dry run's report. */
  readonly requestedBy?: string;
}

/** What an execution's input may ask of the run, checked: it is data, whoever started it. */
const RunRequestInput = z.object({
  dryRun: z.boolean().optional(),
  requestedBy: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/)
    .optional(),
});

export interface SweepSummary {
  readonly sweepId?: string;
  readonly mode?: string;
  readonly actions?: number;
  /** Failed actions, accounts not swept and a missing credential report: `failureCount`. */
  readonly failed?: number;
  readonly skipped?: string;
  /** Why the sweep stopped before its end; the next one finishes the work. */
  readonly stopped?: string;
  /** Why nothing was done: a bad or future `date`. Not retried: the same event fails the same way. */
  readonly refused?: string;
}

type Runtime = Awaited<ReturnType<typeof build>>;

/** The part of Lambda's context object the logs use. */
export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/**
 * Lambda ends an invocation at its timeout without a signal, wherever it is. Stopping at a safe
 * point this long before leaves time for the teardown under way and storing the account's
 * outcome; the sweepAccount function's timeout is 5 minutes.
 */
const LAMBDA_STOP_MARGIN_MS = 60_000;

/** Aborts when the invocation nears its timeout; `clear` when the sweep is done. */
function beforeTimeout(context: LambdaContext | undefined): { signal?: AbortSignal; clear(): void } {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) return { clear: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new SweepStop({ kind: 'lambda-timeout', marginSeconds: LAMBDA_STOP_MARGIN_MS / 1000 }),
      ),
    Math.max(0, remaining - LAMBDA_STOP_MARGIN_MS),
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

async function build(env: NodeJS.ProcessEnv) {
  // Secrets come from SSM at cold start: the template and environment carry only their names.
  const config = await loadConfigWithSecrets(env);
  const logger = createLogger(config.logLevel, { service: 'keywarden' }, config.logFormat);
  // No embedded components: on Lambda everything is a real AWS, Google or Slack service.
  const runtime = await buildRuntime(config, { write: (line) => logger.info(line), logger });
  const sweep = sweepDepsOf(runtime);
  const runs = runtime.sweepRuns;
  // In the settings' language: a deployment's errors reach the operator through logs and alarms.
  const needs = messages(config.language).config.lambdaNeeds;
  /** The state machine's steps' dependencies; only they need the run store. */
  const steps = (): StepDeps => {
    if (!runs) throw new ConfigError(needs('sweep-run-bucket'));
    return { ...sweep, runs };
  };
  const workerName = env.WORKER_FUNCTION_NAME;
  let slack: ComposedSlack | null | undefined;
  /**
   * The Slack app, composed on first use and its modules required only then: Bolt with its
   * Express receiver and the Lambda client would otherwise be loaded by every cold start,
   * the sweep steps' too, which use neither.
   */
  const slackApp = (): ComposedSlack | null => {
    if (slack !== undefined) return slack;
    const { slackAppFor } = require('./compose/slack-app') as typeof import('./compose/slack-app.js');
    const { workerInvoker } =
      require('./adapters/lambda/worker-invoker') as typeof import('./adapters/lambda/worker-invoker.js');
    const invoke = workerInvoker(env.LAMBDA_ENDPOINT);
    const sweepStarter = config.sweepStateMachine
      ? stepFunctionsStarter(config.sweepStateMachine)
      : undefined;
    slack = slackAppFor(runtime, sweep, logger, {
      // On Lambda the receiver answers Slack only when the listener returns, so slow work goes
      // to the worker function as an asynchronous ('Event') invocation.
      dispatch: async (job: Job) => {
        if (!workerName) throw new ConfigError(needs('worker-function-name'));
        await invoke(workerName, { job });
      },
      ...(sweepStarter ? { sweepStarter } : {}),
    });
    return slack;
  };
  return { config, logger, runtime, sweep, steps, slackApp };
}

/** Required here, not imported: only the worker has a state machine to start (cold starts stay small). */
function stepFunctionsStarter(machine: NonNullable<Config['sweepStateMachine']>): SweepStarter {
  const { SFNClient } = require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn');
  const { StepFunctionsSweepStarter } =
    require('./adapters/stepfunctions/sweep-starter') as typeof import('./adapters/stepfunctions/sweep-starter.js');
  const client = new SFNClient({
    region: machine.region,
    ...(machine.endpoint ? { endpoint: machine.endpoint } : {}),
  });
  return new StepFunctionsSweepStarter(client, machine.arn);
}

/**
 * A requested dry run's report, or why it failed, in the DM of the admin who asked. The report
 * lists the ledger and IAM users: only an admin may have it, and nobody else is sent it.
 */
async function tellRequester(
  built: Runtime,
  requestedBy: string,
  text: string,
  logger: Logger,
): Promise<void> {
  const web = built.runtime.web;
  if (web && built.config.slack?.admins.has(requestedBy))
    await web.chat.postMessage({ channel: requestedBy, text });
  else logger.warn('dry run report not sent: no Slack, or the requester is no admin', { requestedBy });
}

/** The step's own error is what the execution fails with; a DM that fails too is only logged. */
async function tellFailure(
  built: Runtime,
  requestedBy: string,
  error: unknown,
  logger: Logger,
): Promise<void> {
  const m = messages(built.config.language);
  await tellRequester(
    built,
    requestedBy,
    escapeText(m.audit.failed('sweep', describeError(error, m))),
    logger,
  ).catch((dmError: unknown) =>
    logger.warn('dry run failure not sent', { requestedBy, error: errorMessage(dmError) }),
  );
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
      const slack = (await get()).slackApp();
      if (!slack?.lambdaReceiver) return { statusCode: 503, body: 'Slack is not configured' };
      return slack.lambdaReceiver.toHandler()(event, context);
    },

    /**
     * The sweep state machine's first step (EventBridge Scheduler starts the execution with the
     * scheduled event; a catch-up run with `{"date":"YYYY-MM-DD"}`; the definition hands it in as
     * `input`, with the execution's name): reads the ledger once, lists the accounts, takes the
     * lock. Acts only with SWEEP_APPLY=true. A lock another execution holds ends this one in the
     * definition's `Locked` Fail state.
     */
    async sweepPrepare(
      { input: event, execution, startedAt }: PrepareStepEvent,
      context?: LambdaContext,
    ): Promise<PreparedRun | SweepSummary> {
      const built = await get();
      const { config, steps } = built;
      const logger = built.logger.child({ requestId: context?.awsRequestId });
      const date = event.date === undefined ? undefined : parseIsoDate(event.date);
      if (date === null) {
        logger.warn('sweep refused', { date: event.date });
        return { refused: 'date must be YYYY-MM-DD' };
      }
      const request = RunRequestInput.safeParse(event);
      if (!request.success) {
        logger.warn('sweep refused', { dryRun: event.dryRun, requestedBy: event.requestedBy });
        return { refused: 'dryRun must be true or false, requestedBy a Slack user id' };
      }
      const { requestedBy } = request.data;
      const mode = stepMode(config.sweepApply, request.data);
      try {
        const prepared = await prepareStep(steps(), {
          ...(mode === 'dry-run' && requestedBy ? { mode, requestedBy } : { mode }),
          sweepId: execution,
          ...(startedAt ? { started: new Date(startedAt) } : {}),
          ...(date ? { date } : {}),
        });
        logger.info('sweep prepared', {
          sweepId: prepared.run.sweepId,
          accounts: prepared.accounts.length,
          mode: prepared.run.mode,
          scheduledAt: event.time,
          ...(requestedBy ? { requestedBy } : {}),
        });
        return prepared;
      } catch (error) {
        if (error instanceof SweepDateError) {
          logger.warn('sweep refused', { error: error.message });
          return { refused: describeError(error, messages(config.language)) };
        }
        if (!(error instanceof SweepLockedError)) {
          if (mode === 'dry-run' && requestedBy) await tellFailure(built, requestedBy, error, logger);
          throw error;
        }
        logger.info('sweep skipped: another sweep holds the lock', { holder: error.holder });
        return { skipped: 'locked' };
      }
    },

    /** One iteration of the state machine's Map: one account, stopped at a safe point before the timeout. */
    async sweepAccount(event: AccountStepEvent, context?: LambdaContext): Promise<AccountStepOutcome> {
      const { steps, ...rest } = await get();
      const logger = rest.logger.child({ requestId: context?.awsRequestId, sweepId: event.run.sweepId });
      const deadline = beforeTimeout(context);
      try {
        const outcome = await accountStep(steps(), event.run, event.account, deadline.signal);
        if (outcome.late) logger.warn('account not begun: past the run budget', { account: event.account });
        else logger.info('account swept', { account: event.account });
        return outcome;
      } catch (error) {
        logger.warn('account not swept', { account: event.account, error: errorMessage(error) });
        throw error;
      } finally {
        deadline.clear();
      }
    },

    /** The state machine's last step: one write-back for every account, the report, the lock released. */
    async sweepFinish(event: FinishStepEvent, context?: LambdaContext): Promise<SweepSummary> {
      const built = await get();
      const logger = built.logger.child({ requestId: context?.awsRequestId });
      const stopped: StopReason | undefined = event.failure
        ? { kind: 'accounts-map-failed', error: withErrorName(event.failure) }
        : undefined;
      const swept = event.swept?.map((step) =>
        'failure' in step ? { account: step.account, error: failureMessage(step.failure) } : step,
      );
      const { requestedBy } = event;
      const report = await finishStep(built.steps(), event, swept, stopped).catch(async (error: unknown) => {
        if (requestedBy !== undefined) await tellFailure(built, requestedBy, error, logger);
        throw error;
      });
      logger.info('sweep finished', summaryFields(report));
      if (requestedBy !== undefined && report.mode === 'dry-run')
        await tellRequester(
          built,
          requestedBy,
          reportBlock(renderReport(report, messages(built.config.language))),
          logger,
        );
      // The alarm "no successful sweep in 26 hours" counts these lines: an admin's dry run is
      // not the daily sweep.
      if (requestedBy === undefined && sweepVerdict(report) === 'succeeded')
        process.stdout.write(
          `${sweepHeartbeat(env().AWS_LAMBDA_FUNCTION_NAME ?? 'keywarden-sweepFinish', new Date())}\n`,
        );
      return {
        sweepId: report.sweepId,
        mode: report.mode,
        actions: report.results.length,
        failed: failureCount(report),
        ...(report.stopped ? { stopped: stopReasonEnglish(report.stopped.reason) } : {}),
      };
    },

    /** EventBridge weekly schedule → the hygiene digest. */
    async digest(_event: ScheduledEvent): Promise<DigestResult> {
      const { runtime } = await get();
      return runDigest(digestDepsOf(runtime));
    },

    /** SQS: the worker's invocations Lambda gave up on (its on-failure destination), told to the admins. */
    async failures(event: { readonly Records: readonly QueuedRecord[] }): Promise<BatchResponse> {
      const { config, runtime, logger } = await get();
      const web = runtime.web;
      const adminChannel = config.slack?.adminChannel;
      if (!web || !adminChannel)
        throw new ConfigError(messages(config.language).config.lambdaNeeds('slack-for-failures'));
      return reportWorkerFailures(
        event.Records,
        async (text) => {
          await web.chat.postMessage({ channel: adminChannel, text });
        },
        messages(config.language),
        (messageId, error) => logger.error('failed job not reported', { messageId, error }),
      );
    },

    /** Asynchronous invocations from the Slack function: the work after an ack. */
    async worker(event: { readonly job: QueuedJob }, context?: LambdaContext): Promise<void> {
      const { config, slackApp, logger } = await get();
      const slack = slackApp();
      if (!slack) throw new ConfigError(messages(config.language).config.lambdaNeeds('slack-for-worker'));
      const job = jobFromQueue(event.job);
      await runJob(job, slack.jobs);
      logger.info('job done', {
        kind: job.kind,
        user: job.user,
        requestId: context?.awsRequestId,
      });
    },
  };
}

const handlers = createHandlers();
export const { slack, sweepPrepare, sweepAccount, sweepFinish, digest, worker, failures } = handlers;
