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
