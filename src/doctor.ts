import { type Config, ConfigError } from './config';
import { buildRuntime, type EmbeddedComponents, type Runtime } from './container';
import { describeColumns, malformedRows, parseLedger } from './domain/ledger';
import { parsePeople } from './domain/people';
import { loadConfigWithSecrets } from './load-config';
import { errorMessage } from './util/errors';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do about a failure. */
  readonly fix?: string;
}

async function check(name: string, fix: string, probe: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await probe() };
  } catch (error) {
    return { name, ok: false, detail: errorMessage(error), fix };
  }
}

/** Read-only probes of everything a sweep touches; nothing is sent, changed or written. */
async function probes(config: Config, runtime: Runtime): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(
    await check(
      'ledger',
      config.ledger.kind === 'sheets'
        ? 'share the spreadsheet with the service account email as Editor; check SHEETS_SPREADSHEET_ID, the sheet names and LEDGER_COLUMNS'
        : 'check LEDGER_CSV, PEOPLE_CSV and LEDGER_COLUMNS',
      async () => {
        const tables = await runtime.workbook.read();
        const ledger = parseLedger(tables.ledger, config.ledgerColumns);
        const people = parsePeople(tables.people);
        const malformed = malformedRows(ledger.problems).length;
        return (
          `${runtime.workbook.description}: ${ledger.rows.length} rows, ${ledger.pending.length} pending, ` +
          `${malformed} malformed; ${people.people.length} people\n    columns: ${describeColumns(ledger)}`
        );
      },
    ),
  );
  checks.push(
    await check(
      'IAM',
      'attach the policy from the README (serverless.yml lists the exact actions) to these credentials',
      async () => {
        const inventory = await runtime.iam.inventory();
        const policy = await runtime.credentialReports.passwordPolicy();
        return `account ${inventory.accountId ?? '(no users)'}: ${inventory.users.size} users; password policy ${
          policy ? `max age ${policy.maxPasswordAge ?? 'none'}` : 'none'
        }`;
      },
    ),
  );
  for (const account of runtime.accounts)
    checks.push(
      await check(
        `IAM ${account.id}`,
        `create role ${config.accounts?.roleName} in ${account.id}, trusting this account`,
        async () => {
          const inventory = await account.iam.inventory();
          return `${inventory.users.size} users`;
        },
      ),
    );
  checks.push(
    await check(
      'DynamoDB',
      `create table ${config.state.table} (see serverless.yml) or check DYNAMODB_TABLE`,
      async () => {
        await runtime.journal.getMany(['doctor#probe']);
        return `table ${config.state.table} readable`;
      },
    ),
  );
  const web = runtime.web;
  if (web)
    checks.push(
      await check(
        'Slack',
        'reinstall the app from manifest.yml and copy the bot token (xoxb-…)',
        async () => {
          const auth = await web.auth.test();
          return `team ${auth.team ?? auth.team_id}, bot ${auth.user ?? auth.user_id}; admin channel ${config.slack?.adminChannel}`;
        },
      ),
    );
  else checks.push({ name: 'Slack', ok: true, detail: 'not configured: notices go to the console' });
  return checks;
}

/** `keywarden doctor`: configuration first, then one probe per service. */
export async function runDoctor(env: NodeJS.ProcessEnv, embedded?: EmbeddedComponents): Promise<Check[]> {
  let config: Config;
  try {
    config = await loadConfigWithSecrets(env);
  } catch (error) {
    if (!(error instanceof ConfigError))
      return [
        {
          name: 'secrets',
          ok: false,
          detail: errorMessage(error),
          fix: 'check AWS_REGION, the credentials, and ssm:GetParameters on the *_PARAMETER names',
        },
      ];
    return [
      {
        name: 'configuration',
        ok: false,
        detail: error.message,
        fix: 'set the variables named above (README: Configuration)',
      },
    ];
  }
  const checks: Check[] = [{ name: 'configuration', ok: true, detail: 'all settings valid' }];
  let runtime: Runtime;
  try {
    runtime = await buildRuntime(config, { write: () => {} }, embedded);
  } catch (error) {
    return [
      ...checks,
      { name: 'clients', ok: false, detail: errorMessage(error), fix: 'check the endpoints and credentials' },
    ];
  }
  try {
    return [...checks, ...(await probes(config, runtime))];
  } finally {
    await runtime.close();
  }
}

export function renderChecks(checks: readonly Check[]): string {
  return checks
    .map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : `\n    fix: ${c.fix}`}`)
    .join('\n');
}
