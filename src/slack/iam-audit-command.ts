import type { HygieneReports, Requester } from '../reports/hygiene-reports';

/** The subcommands of `/iam-audit`, as `help` and an unknown subcommand answer. */
const AUDIT_HELP = [
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
  | { readonly run: (reports: HygieneReports, requester: Requester) => Promise<string> }
  | { readonly error: string };

const days = (text: string | undefined): number | undefined | null => {
  if (text === undefined) return undefined;
  return /^\d{1,4}$/.test(text) ? Number(text) : null;
};

/** The text typed after `/iam-audit`: the report to run, or what to tell the admin instead. */
export function parseAuditCommand(text: string): Parsed {
  const [verb = 'help', arg, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const n = days(arg);
  const needsDays = (run: (r: HygieneReports, d: number | undefined) => Promise<string>): Parsed =>
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
