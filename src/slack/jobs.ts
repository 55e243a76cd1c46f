import type { WebClient } from '@slack/web-api';
import type { LocalDate } from '../domain/dates';
import type { HygieneReports } from '../reports/hygiene-reports';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText } from '../text/mrkdwn';
import { errorMessage } from '../util/errors';
import { parseAuditCommand } from './iam-audit-command';
import { outcomeText } from './listeners/reply';
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
  | {
      readonly kind: 'audit';
      readonly text: string;
      readonly user: string;
      readonly channel: string;
      readonly responseUrl: string;
    };

export type Dispatch = (job: Job) => Promise<void>;

export interface JobContext {
  readonly workflow: Workflow;
  readonly reports: HygieneReports;
  readonly messages: Messages;
  readonly web: WebClient;
  /** Set only where Slack itself is a local stand-in (tests): its host may serve response URLs too. */
  readonly slackApiUrl?: string;
}

/** Response URLs are Slack's (https://hooks.slack.com/…); a job never makes us call anything else. */
function isSlackResponseUrl(url: string, slackApiUrl: string | undefined): boolean {
  try {
    const target = new URL(url);
    if (target.protocol === 'https:' && target.hostname === 'hooks.slack.com') return true;
    return slackApiUrl !== undefined && target.host === new URL(slackApiUrl).host;
  } catch {
    return false;
  }
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
  if (url && isSlackResponseUrl(url, ctx.slackApiUrl)) await postToResponseUrl(url, body);
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

/** Tells the person who acted, and only them, why nothing happened. */
async function explain(outcome: Outcome, job: Job, ctx: JobContext): Promise<void> {
  const text = outcomeText(outcome, ctx.messages);
  if (text) await answer(ctx, job, { response_type: 'ephemeral', replace_original: false, text });
}

export async function runJob(job: Job, ctx: JobContext): Promise<void> {
  switch (job.kind) {
    case 'request-extension':
      return explain(
        await ctx.workflow.requestExtension(job.caseId, job.user, job.newEndDate, job.reason),
        job,
        ctx,
      );
    case 'approve':
      return explain(await ctx.workflow.approve(job.caseId, job.user), job, ctx);
    case 'deny':
      return explain(await ctx.workflow.deny(job.caseId, job.user, job.note), job, ctx);
    case 'delete':
      return explain(await ctx.workflow.deleteNow(job.caseId, job.user), job, ctx);
    case 'reactivate':
      return explain(
        await ctx.workflow.reactivate(job.caseId, job.user, job.newEndDate, job.reason),
        job,
        ctx,
      );
    case 'audit':
      return runAudit(job, ctx);
  }
}

async function runAudit(job: Extract<Job, { kind: 'audit' }>, ctx: JobContext): Promise<void> {
  const parsed = parseAuditCommand(job.text);
  // Reports are ledger and IAM text and the errors echo what was typed: all of it is escaped.
  let text: string;
  if ('error' in parsed) text = escapeText(parsed.error);
  else {
    try {
      const report = await parsed.run(ctx.reports, { user: job.user, channel: job.channel });
      // Slack takes 40,000 characters of text; escaping comes first so the cut counts what is sent.
      text = `\`\`\`\n${clipEscaped(escapeText(report), 38_000)}\n\`\`\``;
    } catch (error) {
      text = escapeText(`/iam-audit ${job.text.trim()} failed: ${errorMessage(error)}`);
    }
  }
  await answer(ctx, job, { response_type: 'ephemeral', text });
}
