import type { WebClient } from '@slack/web-api';
import type { LocalDate } from '../domain/dates';
import type { HygieneReports } from '../reports/hygiene-reports';
import { describeError } from '../text/describe-error';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText } from '../text/mrkdwn';
import type { HomeTab } from './home-tab';
import { parseAuditCommand } from './iam-audit-command';
import { explain } from './listeners/reply';
import type { ResponseUrlPolicy } from './response-url';
import type { Outcome, Workflow } from './workflow';

/**
 * Work a listener hands off after its ack. Self-hosted it runs in the same process right
 * away; on Lambda it goes to the worker function by an asynchronous invoke, because
 * the Lambda receiver answers Slack only when the listener returns (Slack allows 3 seconds).
 * Jobs are plain JSON for that reason.
 */
export type Job =
  | {
      readonly kind: 'request-extension';
      readonly caseId: string;
      readonly user: string;
      readonly newEndDate: LocalDate;
      readonly reason: string;
    }
  | {
      readonly kind: 'approve';
      readonly caseId: string;
      readonly user: string;
      readonly responseUrl?: string;
    }
  | { readonly kind: 'deny'; readonly caseId: string; readonly user: string; readonly note: string }
  | {
      readonly kind: 'reactivate';
      readonly caseId: string;
      readonly user: string;
      readonly newEndDate: LocalDate;
      readonly reason: string;
    }
  | { readonly kind: 'delete'; readonly caseId: string; readonly user: string; readonly responseUrl?: string }
  /** Draws one person's Home tab (views.publish). */
  | { readonly kind: 'publish-home'; readonly user: string }
  | {
      readonly kind: 'hygiene-report';
      readonly text: string;
      readonly user: string;
      readonly channel: string;
      readonly responseUrl: string;
    };

export type Dispatch = (job: Job) => Promise<void>;

/**
 * A job as the queue may hold it: the release before this one named the hygiene report job
 * 'audit', and Lambda keeps async events across a deploy, so those must still run.
 */
export type QueuedJob =
  | Job
  | (Omit<Extract<Job, { kind: 'hygiene-report' }>, 'kind'> & { readonly kind: 'audit' });

export function jobFromQueue(job: QueuedJob): Job {
  return job.kind === 'audit' ? { ...job, kind: 'hygiene-report' } : job;
}

export interface JobContext {
  readonly workflow: Workflow;
  readonly reports: HygieneReports;
  readonly home: HomeTab;
  readonly messages: Messages;
  readonly web: WebClient;
  /** Which response URLs a job may post to (Slack's; see response-url.ts). */
  readonly responseUrls: ResponseUrlPolicy;
}

/**
 * Answers only the person who acted: through Slack's response_url when the payload carried
 * one, else by DM. A response_url that is not Slack's is never called (the DM goes instead),
 * and never fails the job: on Lambda a failed worker invocation is retried.
 */
async function answer(
  ctx: JobContext,
  job: Job,
  body: { response_type: 'ephemeral'; replace_original?: false; text: string },
) {
  const url = 'responseUrl' in job ? job.responseUrl : undefined;
  if (url && ctx.responseUrls(url)) await postToResponseUrl(url, body);
  else await ctx.web.chat.postMessage({ channel: job.user, text: body.text });
}

async function postToResponseUrl(url: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Slack response_url answered ${response.status}`);
}

export async function runJob(job: Job, ctx: JobContext): Promise<void> {
  // Tells the person who acted, and only them, why nothing happened.
  const tell = (outcome: Outcome) => explain(outcome, (reply) => answer(ctx, job, reply), ctx.messages);
  // A decision changes what the clicker's and the owner's Home tabs show.
  const decided = async (outcome: Outcome) => {
    await tell(outcome);
    if ('caseId' in job) await ctx.home.refreshAfter(job.caseId, job.user);
  };
  switch (job.kind) {
    case 'request-extension':
      return decided(await ctx.workflow.requestExtension(job.caseId, job.user, job.newEndDate, job.reason));
    case 'approve':
      return decided(await ctx.workflow.approve(job.caseId, job.user));
    case 'deny':
      return decided(await ctx.workflow.deny(job.caseId, job.user, job.note));
    case 'delete':
      return decided(await ctx.workflow.deleteNow(job.caseId, job.user));
    case 'reactivate':
      return decided(await ctx.workflow.reactivate(job.caseId, job.user, job.newEndDate, job.reason));
    case 'publish-home':
      return ctx.home.publish(job.user);
    case 'hygiene-report':
      return runHygieneReport(job, ctx);
  }
}

/**
 * A report's text as one Slack message: escaped (ledger and IAM text is data) and in a code
 * block. Slack takes 40,000 characters of text; escaping comes first so the cut counts what is sent.
 */
export function reportBlock(report: string): string {
  return `\`\`\`\n${clipEscaped(escapeText(report), 38_000)}\n\`\`\``;
}

async function runHygieneReport(
  job: Extract<Job, { kind: 'hygiene-report' }>,
  ctx: JobContext,
): Promise<void> {
  const parsed = parseAuditCommand(job.text, ctx.messages);
  // Reports are ledger and IAM text and the errors echo what was typed: all of it is escaped.
  let text: string;
  if ('error' in parsed) text = escapeText(parsed.error);
  else {
    try {
      text = reportBlock(await parsed.run(ctx.reports, { user: job.user, channel: job.channel }));
    } catch (error) {
      text = escapeText(ctx.messages.audit.failed(job.text.trim(), describeError(error, ctx.messages)));
    }
  }
  await answer(ctx, job, { response_type: 'ephemeral', text });
}
