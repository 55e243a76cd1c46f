/** A credential report exactly as IAM served it, with when IAM generated it. */
export interface FetchedCredentialReport {
  /** The whole CSV text, never empty: a report that cannot be had in full is an error instead. */
  readonly csv: string;
  /** IAM serves a report for up to four hours after generating it, so this may be that old. */
  readonly generatedAt: Date;
}

/** The part of the account password policy the hygiene checks use. */
export interface PasswordPolicySummary {
  /** Days a password lives; absent when passwords never expire. */
  readonly maxPasswordAge?: number;
}

/** Where the hygiene reports get their input. Reads return complete data or throw `IamError`. */
export interface CredentialReportSource {
  /**
   * Asks IAM to start generating the report, so a later `fetch` finds it ready. Never throws:
   * whatever went wrong, `fetch` meets it again and reports it.
   */
  request(): Promise<void>;
  fetch(): Promise<FetchedCredentialReport>;
  /** `null` when the account has no password policy (passwords never expire). */
  passwordPolicy(): Promise<PasswordPolicySummary | null>;
}
