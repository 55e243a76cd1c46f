import { routeToAccount, type Targets } from '../domain/accounts';
import type { HygienePolicy } from '../domain/hygiene';
import type { ColumnSettings } from '../domain/ledger';
import type { Mute } from '../domain/mutes';
import type { PlanInput, SweepPolicy } from '../domain/planner';
import type { StagedRemovalPolicy } from '../domain/staged-removal';
import type { Language } from '../domain/status';
import type { AccountTarget, AccountTargets } from '../ports/accounts';
import type { CredentialReportSource } from '../ports/credential-report';
import type { HomeSnapshotStore } from '../ports/home';
import type { IamGateway } from '../ports/iam';
import type { Notifier } from '../ports/notifier';
import type { SlackDirectory } from '../ports/slack-directory';
import type { AuditLog, Journal, LockProcess, SweepLock } from '../ports/state';
import type { Workbook } from '../ports/workbook';
import type { ExecutorDeps } from './execute';
import type { LeaseSettings } from './lease';

export interface SweepDeps {
  readonly workbook: Workbook;
  /** The credentials' own account. */
  readonly iam: IamGateway;
  /** The credentials' own account's credential report; absent, no hygiene checks there. */
  readonly credentialReports?: CredentialReportSource;
  readonly journal: Journal;
  readonly lock: SweepLock;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  /** Where an apply sweep leaves the ledger as it read it, for the Slack Home tab; absent, nowhere. */
  readonly homeSnapshots?: HomeSnapshotStore;
  /** Resolves `Email` tags to Slack users; absent when Slack is not configured. */
  readonly slackDirectory?: SlackDirectory;
  readonly policy: SweepPolicy;
  /** `REMOVAL=deactivate-then-delete`; absent, the day after the end date deletes. */
  readonly stagedRemoval?: StagedRemovalPolicy;
  /** Other accounts, reached by assuming a role in each; absent, only the credentials' own. */
  readonly accounts?: AccountTargets;
  /** Accounts swept side by side (`ACCOUNT_CONCURRENCY`); default `DEFAULT_ACCOUNT_CONCURRENCY`. */
  readonly accountConcurrency?: number;
  /** Credential-report checks in every account that has a report source; absent, the sweep covers the ledger only. */
  readonly hygiene?: HygieneSettings;
  /** `LEDGER_COLUMNS`: headers that mean a field, over the aliases; absent, aliases only. */
  readonly ledgerColumns?: ColumnSettings;
  /** Requests awaiting issuance this many days are reported to the admins; default 7. */
  readonly pendingReportDays?: number;
  readonly timeZone: string;
  readonly language: Language;
  readonly now: () => Date;
  /** The sweep lock's lease and heartbeat; default two minutes renewed every 30 s. */
  readonly lease?: LeaseSettings;
  /** Recorded with the lock, so `keywarden unlock` can say where its holder runs. */
  readonly process?: LockProcess;
}

/**
 * Each account's sweep is a handful of sequential IAM calls and a credential-report poll, mostly
 * waiting; eight side by side cut an Organization's sweep about eightfold while staying far
 * below IAM's per-account request rate (each account has its own).
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 8;

export interface HygieneSettings {
  readonly policy: Omit<HygienePolicy, 'passwordPolicy'>;
  /** Off by default: deactivating keys is a decision a team makes on purpose. */
  readonly deactivateStaleKeys: boolean;
  /** HYGIENE_MUTES; each account's `keywarden:mute` tags add to them. */
  readonly mutes?: readonly Mute[];
}

export type Sources = Pick<PlanInput, 'ledger' | 'directory' | 'iam'>;

/**
 * The sweep's dependencies as work in one account sees them: that account's IAM and credential
 * report in place of the credentials' own, its id, and no other account to reach.
 */
export type AccountDeps = Omit<SweepDeps, 'accounts'> & {
  /** The AWS account acted in; `null` for the credentials' own. */
  readonly account: string | null;
};

/** The credentials' own account as a target like the others. */
export function homeTarget(deps: SweepDeps): AccountTarget {
  return {
    id: null,
    iam: deps.iam,
    ...(deps.credentialReports ? { credentialReports: deps.credentialReports } : {}),
  };
}

/** Every account the sweep covers, the credentials' own as a target like the others. */
export async function targetsOf(deps: SweepDeps): Promise<Targets<AccountTarget>> {
  return { home: homeTarget(deps), others: deps.accounts ? await deps.accounts.list() : [] };
}

/** The one place per-account dependencies are made: sweep, Delete, Reactivate and hygiene use it. */
export function accountDeps(deps: SweepDeps, target: AccountTarget): AccountDeps {
  const { accounts: _others, credentialReports: _own, ...shared } = deps;
  return {
    ...shared,
    iam: target.iam,
    ...(target.credentialReports ? { credentialReports: target.credentialReports } : {}),
    account: target.id,
  };
}

/** The account a row or a Slack case names, by the one routing rule. */
export async function depsForAccount(
  deps: SweepDeps,
  accountId: string | null | undefined,
): Promise<AccountDeps> {
  return accountDeps(deps, routeToAccount(await targetsOf(deps), accountId));
}

/** One run of the executor in one account: apply or dry run, under whose name. */
export type ExecutorRun = Pick<ExecutorDeps, 'mode' | 'sweepId' | 'actor' | 'stop' | 'namedAccount'>;

export function executorDeps(deps: AccountDeps, run: ExecutorRun): ExecutorDeps {
  return { ...deps, ...run };
}
