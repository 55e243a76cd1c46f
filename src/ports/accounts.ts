import type { CredentialReportSource } from './credential-report';
import type { IamGateway } from './iam';

/** One AWS account a sweep covers, beyond or instead of the credentials' own. */
export interface AccountTarget {
  /** `null`: the account the credentials belong to, which also takes rows without an account id. */
  readonly id: string | null;
  readonly iam: IamGateway;
  /** Absent: no hygiene checks in this account. */
  readonly credentialReports?: CredentialReportSource;
}

/**
 * The accounts a sweep covers beyond the credentials' own. Listed on first use, not when a
 * process starts: an Organization of 1,000 accounts is 50 `ListAccounts` pages, which the Slack
 * function's cold start could not afford inside Slack's 3 seconds, and which 40 account steps
 * starting at once would have Organizations throttle.
 */
export interface AccountTargets {
  /** Every account but the credentials' own; listed once, then the same list. */
  list(): Promise<readonly AccountTarget[]>;
  /**
   * One account by id, without listing: for a step whose account the run's first step listed.
   * The same target `list()` gives for that id.
   */
  reach(id: string): AccountTarget;
}
