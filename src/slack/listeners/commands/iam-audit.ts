import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AuditLog } from '../../../ports/state';
import type { Dispatch } from '../../jobs';
import { auditCommand, refusalReason } from '../../payloads';
import { FOREIGN_RESPONSE_URL, type InputGuard, refuseInput } from '../refuse';

export type HygieneTopic = 'keys' | 'passwords' | 'unused' | 'mfa';

/** The reports behind `/iam-audit`; each returns text ready for a code block. */
export interface AuditReports {
  ledger(days: number): Promise<string>;
  user(name: string): Promise<string>;
  sweepPlan(): Promise<string>;
  hygiene(topic: HygieneTopic, days: number | undefined): Promise<string>;
  /** Uploads the credential report CSV where account data may go; returns a line saying where. */
  uploadReport(requester: Requester): Promise<string>;
}

/** Who typed the command, and where. */
export interface Requester {
  readonly user: string;
  readonly channel: string;
}

export interface AuditCommandDeps {
  readonly admins: ReadonlySet<string>;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
}

export const AUDIT_HELP = [
  '/iam-audit help — this list',
  '/iam-audit ledger [days] — ledger rows ending within days (default 30)',
  '/iam-audit keys [days] — access keys past or near the age limit',
  '/iam-audit passwords — console passwords about to expire',
  '/iam-audit unused [days] — credentials not used for days',
  '/iam-audit mfa — console users without MFA',
  '/iam-audit user <name> — one IAM user: ledger rows and what it holds',
  '/iam-audit report — upload the credential report CSV (admin channel, else your DM)',
  '/iam-audit sweep — what the next sweep would do (dry run)',
].join('\n');

type Parsed =
  | { readonly run: (reports: AuditReports, requester: Requester) => Promise<string> }
  | { readonly error: string };

const days = (text: string | undefined): number | undefined | null => {
  if (text === undefined) return undefined;
  return /^\d{1,4}$/.test(text) ? Number(text) : null;
};

export function parseAuditCommand(text: string): Parsed {
  const [verb = 'help', arg, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const n = days(arg);
  const needsDays = (run: (r: AuditReports, d: number | undefined) => Promise<string>): Parsed =>
    n === null ? { error: `"${arg}" is not a number of days` } : { run: (r) => run(r, n) };
  switch (verb) {
    case 'help':
      return { run: async () => AUDIT_HELP };
    case 'ledger':
      return needsDays((r, d) => r.ledger(d ?? 30));
    case 'keys':
    case 'unused':
      return needsDays((r, d) => r.hygiene(verb, d));
    case 'passwords':
    case 'mfa':
      return { run: (r) => r.hygiene(verb, undefined) };
    case 'user':
      return arg && rest.length === 0
        ? { run: (r) => r.user(arg) }
        : { error: 'usage: /iam-audit user <IAM user name or ledger name>' };
    case 'report':
      return { run: (r, requester) => r.uploadReport(requester) };
    case 'sweep':
      return { run: (r) => r.sweepPlan() };
    default:
      return { error: `unknown subcommand "${verb}"\n${AUDIT_HELP}` };
  }
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
      await respond({ response_type: 'ephemeral', text: '/iam-audit is for Keywarden admins only.' });
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
