import type { Server } from 'node:http';
import cron, { type ScheduledTask } from 'node-cron';
import { embeddedFor } from './compose/load-embedded';
import { slackAppFor } from './compose/slack-app';
import type { Config } from './config';
import { buildRuntime, digestDepsOf, sweepDepsOf } from './container';
import { summaryFields, sweepVerdict } from './domain/report';
import { SweepStop } from './domain/stop-reason';
import { SweepLockedError } from './domain/sweep-lock';
import type { Logger } from './log';
import { runDigest } from './sweep/digest';
import { runSweep } from './sweep/run-sweep';

/**
 * Self-hosted: the Bolt app plus the daily sweep on node-cron in the configured time zone.
 * Replicas may run side by side: the DynamoDB lock lets one sweep run and the others skip.
 */
export interface Serving {
  /** The HTTP receiver's port; absent in Socket Mode. */
  readonly port?: number;
  stop(): Promise<void>;
}

export async function serve(config: Config, logger: Logger): Promise<Serving> {
  const slack = config.slack;
  if (!slack)
    throw new Error('serve needs Slack: set SLACK_BOT_TOKEN, SLACK_ADMIN_CHANNEL and SLACK_ADMIN_USERS');
  if (!slack.appToken && !slack.signingSecret)
    throw new Error('serve needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)');

  const runtime = await buildRuntime(
    config,
    { write: (line) => logger.info(line), logger },
    embeddedFor(config),
  );
  const sweep = sweepDepsOf(runtime);
  const composed = slackAppFor(runtime, sweep, logger);
  if (!composed) throw new Error('Slack client missing');
  const { app } = composed;
  const started = slack.appToken ? await app.start() : await app.start(config.port);
  const address = (started as Server | undefined)?.address?.();
  logger.info('slack app started', {
    transport: slack.appToken ? 'socket-mode' : 'http',
    ...(address && typeof address === 'object' ? { port: address.port } : {}),
  });

  // Shutting down asks a sweep under way to stop at its next safe point; `stop` waits for it.
  const shutdown = new AbortController();
  let sweeping: Promise<void> | null = null;
  const scheduledSweep = async () => {
    // A tick that fires while shutting down would only start a sweep to stop it.
    if (shutdown.signal.aborted) return;
    try {
      const report = await runSweep(sweep, {
        mode: config.sweepApply ? 'apply' : 'dry-run',
        stop: shutdown.signal,
      });
      const verdict = sweepVerdict(report);
      if (verdict === 'failed') logger.error('scheduled sweep finished with failures', summaryFields(report));
      else
        logger.info(
          verdict === 'stopped' ? 'scheduled sweep stopped early' : 'scheduled sweep finished',
          summaryFields(report),
        );
    } catch (error) {
      if (error instanceof SweepLockedError)
        logger.info('scheduled sweep skipped: another replica holds the lock', { holder: error.holder });
      else logger.error('scheduled sweep failed', { error });
    }
  };
  const task: ScheduledTask = cron.schedule(
    config.sweepSchedule,
    async () => {
      sweeping = scheduledSweep();
      await sweeping;
      sweeping = null;
    },
    { timezone: config.timeZone, name: 'keywarden-sweep', noOverlap: true },
  );
  const digest: ScheduledTask = cron.schedule(
    config.digestSchedule,
    async () => {
      try {
        const result = await runDigest(digestDepsOf(runtime));
        logger.info('weekly digest sent', { ...result });
      } catch (error) {
        logger.error('weekly digest failed', { error });
      }
    },
    { timezone: config.timeZone, name: 'keywarden-digest', noOverlap: true },
  );
  logger.info('sweep scheduled', {
    schedule: config.sweepSchedule,
    timeZone: config.timeZone,
    apply: config.sweepApply,
  });

  return {
    ...(address && typeof address === 'object' ? { port: address.port } : {}),
    stop: async () => {
      // First, before anything is awaited: a sweep under way sees it at its very next safe point.
      shutdown.abort(new SweepStop({ kind: 'serve-shutting-down' }));
      await task.stop();
      await digest.stop();
      await sweeping;
      await app.stop();
      await runtime.close();
    },
  };
}
