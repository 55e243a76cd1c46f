import type { AllMiddlewareArgs, BlockButtonAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { AuditLog } from '../../ports/state';
import type { Messages } from '../../text/messages';
import { buttonClick, refusalReason, senderOf } from '../payloads';
import type { ResponseUrlPolicy } from '../response-url';

export interface InputGuard {
  readonly auditLog: AuditLog;
  readonly now: () => Date;
  readonly messages: Messages;
  /** A payload whose response_url is not Slack's is refused, and nothing is ever posted there. */
  readonly responseUrls: ResponseUrlPolicy;
}

/** The refusal reason for a well-formed response_url that is not Slack's. */
export const FOREIGN_RESPONSE_URL = 'response_url: not a Slack response URL';

export interface Refused {
  /** The listener's name for what was attempted: `approve`, `extend-submit`, `iam-audit`… */
  readonly what: string;
  readonly body: unknown;
  readonly reason: string;
  readonly client: WebClient;
  /** Bolt's response_url helper; absent for view submissions. */
  readonly respond?: RespondFn;
  /** True when the ack already told the person (a modal showing the error). */
  readonly answered?: boolean;
}

/**
 * A payload that failed its schema changes nothing: it is audited with the reason and the
 * person who sent it hears why, privately (their response_url, else a DM), when we can tell
 * who they are.
 */
export async function refuseInput(guard: InputGuard, refused: Refused): Promise<void> {
  const who = senderOf(refused.body);
  await guard.auditLog.record({
    at: guard.now().toISOString(),
    actor: `slack:${who.user ?? 'unknown'}`,
    action: refused.what,
    target: 'slack payload',
    outcome: 'skipped',
    detail: `refused: invalid input: ${refused.reason}`,
  });
  if (refused.answered) return;
  const text = guard.messages.invalidInput;
  if (who.responseUrl && guard.responseUrls(who.responseUrl) && refused.respond)
    await refused.respond({ response_type: 'ephemeral', replace_original: false, text });
  else if (who.user) await refused.client.chat.postMessage({ channel: who.user, text });
}

export type ClickArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * A button click checked against its schema, or null once a refused one has been audited and
 * answered: every button listener starts here, after its ack.
 */
export async function checkedClick(
  guard: InputGuard,
  what: string,
  { body, client, respond }: ClickArgs,
): Promise<z.infer<typeof buttonClick> | null> {
  const click = buttonClick.safeParse(body);
  if (click.success && (click.data.response_url === undefined || guard.responseUrls(click.data.response_url)))
    return click.data;
  const reason = click.success ? FOREIGN_RESPONSE_URL : refusalReason(click.error);
  await refuseInput(guard, { what, body, reason, client, respond });
  return null;
}
