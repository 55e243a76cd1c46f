import { type Config, ConfigError, settingsLanguage } from './config';
import { buildRuntime, type EmbeddedComponents, type Runtime } from './container';
import { describeColumns, malformedRows, parseLedger } from './domain/ledger';
import { parsePeople } from './domain/people';
import type { Language } from './domain/status';
import { loadConfigWithSecrets } from './load-config';
import { createLogger } from './log';
import type { AccountTarget } from './ports/accounts';
import { missingScopes } from './slack/scopes';
import { describeError } from './text/describe-error';
import type { DoctorService, DoctorText, FixContext } from './text/doctor';
import { type Messages, messages } from './text/messages';
import { classifyFailure, type Failure } from './util/failure';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** Passed on an embedded stand-in (demo data, local state), not the real service. */
  readonly embedded?: boolean;
  readonly failure?: Failure;
  /** What to do about a failure, for its kind: a DNS failure is not fixed by a policy. */
  readonly fix?: string;
}

/** The longest any one check may take. */
export const CHECK_TIMEOUT_MS = 10_000;
/** Each request's own limit, below the check's so the client's error (with its host) wins. */
const REQUEST_TIMEOUT_MS = 8_000;

export interface DoctorOptions {
  /** Called with each check as it finishes, so a terminal shows progress as it happens. */
  readonly onCheck?: (check: Check, language: Language) => void;
  /** Tests shorten the limits to meet a server that never answers without waiting 10 s. */
  readonly checkTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Runs once the configuration is valid, before any client: the CLI seeds the demo here, as every command does. */
  readonly prepare?: (config: Config) => Promise<void>;
}

class CheckTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/** The work, or a TimeoutError once `ms` pass; the timer never outlives the check. */
async function withinDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${ms / 1000} s`)), ms);
  });
  const running = work();
  // An abandoned request settles later (its client has a timeout too); nobody is left to hear it.
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface Probe {
  readonly name: string;
  readonly service: DoctorService;
  readonly context?: Omit<FixContext, 'timeoutSeconds'>;
  readonly embedded?: string;
  /** Resolves with the detail of a pass; rejects with what went wrong. */
  readonly run: () => Promise<string>;
}

/** A check that fails on a condition it found rather than an error thrown. */
class FoundProblem extends Error {
  constructor(
    message: string,
    readonly failure: Failure,
  ) {
    super(message);
  }
}

function failed(
  name: string,
  service: DoctorService,
  error: unknown,
  m: Messages,
  context: FixContext,
): Check {
  const t = m.doctor;
  const failure = error instanceof FoundProblem ? error.failure : classifyFailure(error);
  const detail =
    error instanceof CheckTimeout
      ? t.timedOut(context.timeoutSeconds)
      : `${t.kind[failure.kind]} (${failure.code}): ${describeError(error, m)}`;
  return { name, ok: false, detail, failure, fix: t.fix(service, failure, context) };
}

function probesOf(
  config: Config,
  runtime: Runtime,
  accounts: readonly AccountTarget[],
  t: DoctorText,
): Probe[] {
  const ledger = config.ledger;
  const probes: Probe[] = [
    {
      name: 'ledger',
      service: ledger.kind === 'sheets' ? 'sheets' : 'ledger-csv',
      ...(ledger.kind === 'sheets' ? { context: { endpointSetting: 'SHEETS_ROOT_URL' } } : {}),
      ...(ledger.kind === 'csv' && ledger.embedded ? { embedded: t.demo.ledger(ledger.ledgerPath) } : {}),
      run: async () => {
        const tables = await runtime.workbook.read();
        const rows = parseLedger(tables.ledger, config.ledgerColumns);
        const people = parsePeople(tables.people);
        return t.ledgerSummary(
          runtime.workbook.description,
          rows.rows.length,
          rows.pending.length,
          malformedRows(rows.problems).length,
          people.people.length,
          describeColumns(rows),
        );
      },
    },
    {
      name: 'IAM',
      service: 'iam',
      context: { endpointSetting: 'IAM_ENDPOINT' },
      ...(config.iam.kind === 'embedded' ? { embedded: t.demo.iam(config.iam.accountFile) } : {}),
      run: async () => {
        const inventory = await runtime.iam.inventory();
        const policy = await runtime.credentialReports.passwordPolicy();
        return t.iamSummary(
          inventory.accountId ?? null,
          inventory.users.size,
          policy ? (policy.maxPasswordAge ?? null) : undefined,
        );
      },
    },
    ...accounts.map(
      (account): Probe => ({
        name: `IAM ${account.id}`,
        service: 'iam-role',
        context: {
          endpointSetting: 'STS_ENDPOINT',
          ...(account.id ? { accountId: account.id } : {}),
          ...(config.accounts ? { roleName: config.accounts.roleName } : {}),
        },
        run: async () => t.accountSummary((await account.iam.inventory()).users.size),
      }),
    ),
    {
      name: 'DynamoDB',
      service: 'dynamodb',
      context: {
        endpointSetting: 'DYNAMODB_ENDPOINT',
        table: config.state.table,
        ...(config.state.kind === 'aws' ? { region: config.state.region } : {}),
      },
      ...(config.state.kind === 'embedded' ? { embedded: t.demo.dynamodb(config.state.dataDir) } : {}),
      run: async () => {
        await runtime.journal.getMany(['doctor#probe']);
        return t.tableReadable(config.state.table, config.state.kind === 'aws' ? config.state.region : null);
      },
    },
  ];
  const web = runtime.web;
  const slack = config.slack;
  if (web && slack)
    probes.push({
      name: 'Slack',
      service: 'slack',
      context: { endpointSetting: 'SLACK_API_URL' },
      run: async () => {
        const auth = await web.auth.test();
        // Slack reports the token's scopes in a header; a token without one can still pass auth.test.
        const granted = auth.response_metadata?.scopes;
        const missing = granted ? missingScopes(granted) : [];
        if (missing.length > 0)
          throw new FoundProblem(t.slackMissingScopes(missing.join(', ')), {
            kind: 'permission',
            code: 'missing_scope',
            neededScope: missing.join(', '),
          });
        return t.slackSummary(
          auth.team ?? auth.team_id ?? '?',
          auth.user ?? auth.user_id ?? '?',
          slack.adminChannel,
        );
      },
    });
  return probes;
}

/**
 * `keywarden doctor`: configuration first, then one read-only probe per service, each within
 * its own time limit, each reported as soon as it is done. Nothing is sent, changed or written.
 */
export async function runDoctor(
  env: NodeJS.ProcessEnv,
  embedded?: EmbeddedComponents,
  options: DoctorOptions = {},
): Promise<Check[]> {
  const checkMs = options.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
  const requestMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const timeoutSeconds = Math.round(checkMs / 100) / 10;
  const checks: Check[] = [];
  let language: Language = settingsLanguage(env);
  const report = (check: Check) => {
    checks.push(check);
    options.onCheck?.(check, language);
  };
  let t = messages(language).doctor;
  let config: Config;
  try {
    config = await withinDeadline(checkMs, () => loadConfigWithSecrets(env, requestMs));
  } catch (error) {
    report(
      error instanceof ConfigError
        ? { name: 'configuration', ok: false, detail: error.message, fix: t.configurationFix }
        : failed('secrets', 'secrets', error, messages(language), {
            endpointSetting: 'SSM_ENDPOINT',
            timeoutSeconds,
          }),
    );
    return checks;
  }
  language = config.language;
  t = messages(language).doctor;
  report({ name: 'configuration', ok: true, detail: t.configurationValid });
  let runtime: Runtime | undefined;
  let accounts: readonly AccountTarget[];
  try {
    await options.prepare?.(config);
    runtime = await buildRuntime(
      config,
      {
        write: () => {},
        // The checks say what failed; the Slack client's own retry warnings would only repeat it.
        logger: createLogger('error', { service: 'keywarden' }),
        requestTimeoutMs: requestMs,
      },
      embedded,
    );
    // The other accounts are listed on first use; here, as part of reaching every service.
    accounts = runtime.accounts ? await runtime.accounts.list() : [];
  } catch (error) {
    await runtime?.close();
    report(failed('clients', 'clients', error, messages(language), { timeoutSeconds }));
    return checks;
  }
  try {
    for (const probe of probesOf(config, runtime, accounts, t)) {
      const context = { ...probe.context, timeoutSeconds };
      try {
        const detail = await withinDeadline(checkMs, probe.run);
        report(
          probe.embedded
            ? { name: probe.name, ok: true, embedded: true, detail: t.onEmbedded(probe.embedded, detail) }
            : { name: probe.name, ok: true, detail },
        );
      } catch (error) {
        report(failed(probe.name, probe.service, error, messages(language), context));
      }
    }
    if (!runtime.web) report({ name: 'Slack', ok: true, detail: t.slackNotConfigured });
    return checks;
  } finally {
    await runtime.close();
  }
}

/** 2 when the configuration is wrong (like every command), 1 when a service check failed. */
export function doctorExitCode(checks: readonly Check[]): number {
  if (checks.some((check) => check.name === 'configuration' && !check.ok)) return 2;
  return checks.every((check) => check.ok) ? 0 : 1;
}

export function renderCheck(check: Check, language: Language): string {
  const mark = check.ok ? '✓' : '✗';
  const fix = check.ok || !check.fix ? '' : `\n    ${messages(language).doctor.fixLabel}: ${check.fix}`;
  return `${mark} ${check.name}: ${check.detail}${fix}`;
}

export function renderChecks(checks: readonly Check[], language: Language): string {
  return checks.map((check) => renderCheck(check, language)).join('\n');
}
