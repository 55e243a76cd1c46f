import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AuditLog } from '../../../ports/state';
import type { Dispatch } from '../../jobs';
import { auditCommand, refusalReason } from '../../payloads';
import { FOREIGN_RESPONSE_URL, type InputGuard, refuseInput } from '../refuse';

export interface AuditCommandDeps {
  readonly admins: ReadonlySet<string>;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
}

/** Admins only. Acks at once: reports take longer than Slack's 3 seconds, so they answer via response_url. */
export const iamAudit =
  (deps: AuditCommandDeps, dispatch: Dispatch, guard: InputGuard) =>
  async ({ ack, body, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const parsed = auditCommand.safeParse(body);
    if (!parsed.success)
      return refuseInput(guard, {
        what: 'iam-audit',
        body,
        reason: refusalReason(parsed.error),
        client,
        respond,
      });
    const command = parsed.data;
    if (!guard.responseUrls(command.response_url))
      return refuseInput(guard, { what: 'iam-audit', body, reason: FOREIGN_RESPONSE_URL, client, respond });
    const allowed = deps.admins.has(command.user_id);
    await deps.auditLog.record({
      at: deps.now().toISOString(),
      actor: `slack:${command.user_id}`,
      action: 'iam-audit',
      target: command.text.trim() || 'help',
      outcome: allowed ? 'done' : 'skipped',
      ...(allowed ? {} : { detail: 'refused: not an admin' }),
    });
    if (!allowed) {
      await respond({ response_type: 'ephemeral', text: guard.messages.audit.adminsOnly });
      return;
    }
    await dispatch({
      kind: 'hygiene-report',
      text: command.text,
      user: command.user_id,
      channel: command.channel_id,
      responseUrl: command.response_url,
    });
  };
