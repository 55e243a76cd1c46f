import type { HygieneReports, Requester } from '../reports/hygiene-reports';
import type { Messages } from '../text/messages';

type Parsed =
  | { readonly run: (reports: HygieneReports, requester: Requester) => Promise<string> }
  | { readonly error: string };

const days = (text: string | undefined): number | undefined | null => {
  if (text === undefined) return undefined;
  return /^\d{1,4}$/.test(text) ? Number(text) : null;
};

/**
 * The text typed after `/iam-audit`: the report to run, or what to tell the admin instead.
 * `help` and an unknown subcommand answer with the list of subcommands.
 */
export function parseAuditCommand(text: string, m: Messages): Parsed {
  const help = m.audit.help.join('\n');
  const [verb = 'help', arg, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const n = days(arg);
  const needsDays = (run: (r: HygieneReports, d: number | undefined) => Promise<string>): Parsed =>
    n === null ? { error: m.audit.notDays(arg ?? '') } : { run: (r) => run(r, n) };
  switch (verb) {
    case 'help':
      return { run: async () => help };
    case 'ledger':
      return needsDays((r, d) => r.ledger(d ?? 30));
    case 'keys':
    case 'unused':
      return needsDays((r, d) => r.hygiene(verb, d));
    case 'passwords':
    case 'mfa':
      return { run: (r) => r.hygiene(verb, undefined) };
    case 'user':
      return arg && rest.length === 0 ? { run: (r) => r.user(arg) } : { error: m.audit.userUsage };
    case 'report':
      return { run: (r, requester) => r.uploadReport(requester) };
    case 'sweep':
      return { run: (r, requester) => r.sweepPlan(requester) };
    default:
      return { error: `${m.audit.unknownSubcommand(verb)}\n${help}` };
  }
}
