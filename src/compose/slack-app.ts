import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config';
import type { Runtime } from '../container';
import type { HygienePolicy } from '../domain/hygiene';
import type { Language } from '../domain/status';
import type { Logger } from '../log';
import type { CaseStore } from '../ports/cases';
import type { CredentialReportSource } from '../ports/credential-report';
import type { HomeSnapshotStore } from '../ports/home';
import type { SweepStarter } from '../ports/sweep-starter';
import { HygieneReportService } from '../reports/hygiene-reports';
import { createSlackApp, type SlackApp } from '../slack/app';
import { SlackFileShare } from '../slack/file-share';
import { HomeTab } from '../slack/home-tab';
import { type Dispatch, type Job, type JobContext, runJob } from '../slack/jobs';
import { responseUrlPolicy } from '../slack/response-url';
import { Workflow } from '../slack/workflow';
import { deleteRowNow } from '../sweep/delete-now';
import type { SweepDeps } from '../sweep/deps';
import { reactivateRow, restoreRow } from '../sweep/reactivate';
import { messages } from '../text/messages';

export interface SlackAppDeps {
  readonly slack: SlackConfig;
  readonly web: WebClient;
  readonly cases: CaseStore;
  /** The last sweep's ledger, for the Home tab. */
  readonly homeSnapshots: HomeSnapshotStore;
  readonly sweep: SweepDeps;
  readonly credentialReports: CredentialReportSource;
  readonly language: Language;
  readonly maxExtensionDays: number;
  readonly hygiene: Omit<HygienePolicy, 'passwordPolicy'>;
  readonly logger: Logger;
  /** Lambda: Bolt's AWS receiver, and slow work sent to the worker function. */
  readonly lambda?: {
    readonly dispatch: Dispatch;
    /** The sweep state machine, which runs `/iam-audit sweep`'s dry run; absent, it runs in the worker. */
    readonly sweepStarter?: SweepStarter;
  };
  /** Self-hosted in Socket Mode: where the health check listens. */
  readonly healthPort?: number;
}

export interface ComposedSlack extends SlackApp {
  /** What the worker needs to run a job handed off by a listener. */
  readonly jobs: JobContext;
}

/** The Bolt app with every listener wired to the same sweep dependencies the CLI uses. */
export function composeSlackApp(deps: SlackAppDeps): ComposedSlack {
  const m = messages(deps.language);
  const workflow = new Workflow({
    web: deps.web,
    cases: deps.cases,
    workbook: deps.sweep.workbook,
    ...(deps.sweep.ledgerColumns ? { ledgerColumns: deps.sweep.ledgerColumns } : {}),
    audit: deps.sweep.audit,
    admins: deps.slack.admins,
    adminChannel: deps.slack.adminChannel,
    messages: m,
    language: deps.language,
    timeZone: deps.sweep.timeZone,
    maxExtensionDays: deps.maxExtensionDays,
    now: deps.sweep.now,
    deleteRow: (notice, actor) => deleteRowNow(deps.sweep, notice, actor),
    reactivateRow: (notice, actor) => reactivateRow(deps.sweep, notice, actor),
    restoreRow: (notice, actor) => restoreRow(deps.sweep, notice, actor),
  });
  const reports = new HygieneReportService({
    sweep: deps.sweep,
    credentialReports: deps.credentialReports,
    hygiene: deps.hygiene,
    files: new SlackFileShare(deps.web, deps.slack.adminChannel),
    adminChannel: deps.slack.adminChannel,
    messages: m,
    ...(deps.lambda?.sweepStarter ? { sweepStarter: deps.lambda.sweepStarter } : {}),
  });
  // SLACK_API_URL names a stand-in Slack (tests), whose host serves its response URLs.
  const responseUrls = responseUrlPolicy(deps.slack.apiUrl);
  const home = new HomeTab({
    web: deps.web,
    cases: deps.cases,
    snapshots: deps.homeSnapshots,
    admins: deps.slack.admins,
    messages: m,
    text: m.home,
    language: deps.language,
    timeZone: deps.sweep.timeZone,
    now: deps.sweep.now,
  });
  const jobs: JobContext = { workflow, reports, home, messages: m, web: deps.web, responseUrls };
  // Self-hosted, the ack is already on its way when the job starts: run it here.
  const dispatch = deps.lambda?.dispatch ?? ((job: Job) => runJob(job, jobs));
  const slackApp = createSlackApp(
    {
      botToken: deps.slack.botToken,
      ...(deps.slack.signingSecret ? { signingSecret: deps.slack.signingSecret } : {}),
      ...(deps.slack.appToken ? { appToken: deps.slack.appToken } : {}),
      ...(deps.slack.apiUrl ? { apiUrl: deps.slack.apiUrl } : {}),
      ...(deps.lambda ? { lambda: true } : {}),
      ...(deps.healthPort !== undefined ? { healthPort: deps.healthPort } : {}),
      logger: deps.logger,
    },
    {
      workflow,
      messages: m,
      dispatch,
      responseUrls,
      audit: { admins: deps.slack.admins, auditLog: deps.sweep.audit, now: deps.sweep.now },
    },
  );
  return { ...slackApp, jobs };
}

/** The Slack app for a built runtime, with that runtime's config; null when Slack is not configured. */
export function slackAppFor(
  runtime: Runtime,
  sweep: SweepDeps,
  logger: Logger,
  lambda?: SlackAppDeps['lambda'],
): ComposedSlack | null {
  const config = runtime.config;
  if (!config.slack || !runtime.web) return null;
  return composeSlackApp({
    slack: config.slack,
    web: runtime.web,
    cases: runtime.cases,
    homeSnapshots: runtime.homeSnapshots,
    sweep,
    credentialReports: runtime.credentialReports,
    language: config.language,
    maxExtensionDays: config.maxExtensionDays,
    hygiene: config.hygiene,
    logger,
    ...(lambda ? { lambda } : { healthPort: config.port }),
  });
}
