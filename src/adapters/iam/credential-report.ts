import { setTimeout as realSleep } from 'node:timers/promises';
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  type IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import type {
  CredentialReportSource,
  FetchedCredentialReport,
  PasswordPolicySummary,
} from '../../ports/credential-report';
import { IamError } from '../../ports/iam';
import { toIamError } from './errors';
import { getCredentialReport } from './report-content';

export interface CredentialReportSourceOptions {
  /** First wait between polls; each later wait doubles, up to 10 s. Default 1000 ms. */
  readonly pollMs?: number;
  /** Total time to wait for a report before giving up. Default 5 minutes. */
  readonly maxWaitMs?: number;
  /** Injected so tests can poll without waiting. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;
const DEFAULT_MAX_WAIT_MS = 5 * 60_000;
/**
 * A report that expires or vanishes between "COMPLETE" and the download is generated again, but
 * only a few times: past that something else keeps replacing it and waiting will not help.
 */
const MAX_REGENERATIONS = 3;

// The SDK names its exceptions (CredentialReportNotReadyException); the wire code (ReportInProgress)
// is what a proxy or another SDK version may surface instead, so both spellings are accepted.
const NOT_READY = new Set(['ReportInProgress', 'CredentialReportNotReadyException']);
const GONE = new Set([
  'ReportExpired',
  'CredentialReportExpiredException',
  'ReportNotPresent',
  'CredentialReportNotPresentException',
]);
const SLOW_DOWN = new Set([
  'LimitExceeded',
  'LimitExceededException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

function codesOf(error: unknown): string[] {
  const e = error as { name?: unknown; Code?: unknown };
  return [e.Code, e.name].filter((code): code is string => typeof code === 'string');
}

function isOneOf(error: unknown, codes: ReadonlySet<string>): string | null {
  return codesOf(error).find((code) => codes.has(code)) ?? null;
}

/**
 * The SDK models `Content` as a blob and hands back the bytes it base64-decoded from the XML;
 * a base64 string is decoded too, in case a client or proxy passes the wire value through.
 */
function decodeContent(content: unknown): string {
  let bytes: Uint8Array;
  if (content instanceof Uint8Array) bytes = content;
  else if (typeof content === 'string') bytes = Buffer.from(content, 'base64');
  else return '';
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** Waits with exponential backoff within a total budget, counting what it waited as well as the clock. */
class Backoff {
  private readonly started = Date.now();
  private waited = 0;
  private next: number;

  constructor(
    first: number,
    private readonly budget: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.next = Math.min(first, MAX_POLL_MS);
  }

  /** Waits the next interval, or returns false when the budget is spent. */
  async wait(): Promise<boolean> {
    // A fake sleep does not move the clock and a real one may overrun, so the larger of the two counts.
    const spent = Math.max(this.waited, Date.now() - this.started);
    const remaining = this.budget - spent;
    if (remaining <= 0) return false;
    const ms = Math.min(this.next, remaining);
    await this.sleep(ms);
    this.waited += ms;
    this.next = Math.min(this.next * 2, MAX_POLL_MS);
    return true;
  }

  get spentMs(): number {
    return Math.max(this.waited, Date.now() - this.started);
  }
}

/**
 * Reads the IAM credential report: asks IAM to generate it, polls until it is complete, then
 * downloads it. IAM regenerates at most every four hours, so the report may be up to that old;
 * `generatedAt` says how old. Either the whole report comes back or an `IamError` is thrown.
 */
export class AwsCredentialReportSource implements CredentialReportSource {
  private readonly pollMs: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: IAMClient,
    options: CredentialReportSourceOptions = {},
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (!(this.pollMs > 0)) throw new RangeError(`pollMs must be positive, got ${this.pollMs}`);
    if (!(this.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must not be negative, got ${this.maxWaitMs}`);
    this.sleep = options.sleep ?? ((ms) => realSleep(ms).then(() => undefined));
  }

  async fetch(): Promise<FetchedCredentialReport> {
    const backoff = new Backoff(this.pollMs, this.maxWaitMs, this.sleep);
    let regenerations = 0;
    let status = 'no answer yet';
    for (;;) {
      let operation = 'GenerateCredentialReport';
      try {
        const { State } = await this.client.send(new GenerateCredentialReportCommand({}));
        status = `GenerateCredentialReport said ${State ?? 'nothing'}`;
        if (State === 'COMPLETE') {
          operation = 'GetCredentialReport';
          const report = await this.download();
          if (report) return report;
          status = 'GetCredentialReport returned an empty report';
        }
      } catch (error) {
        const notReady = isOneOf(error, NOT_READY);
        const gone = isOneOf(error, GONE);
        const slowDown = isOneOf(error, SLOW_DOWN);
        if (notReady) status = `${operation} said ${notReady}`;
        else if (gone) {
          regenerations += 1;
          if (regenerations > MAX_REGENERATIONS)
            throw new IamError(
              `IAM credential report could not be read: ${operation} said ${gone} after ${MAX_REGENERATIONS} fresh generations; no report was used`,
              gone,
              { cause: error },
            );
          // Expired or missing: asking for a new one straight away is exactly what IAM wants.
          status = `${operation} said ${gone}`;
          continue;
        } else if (slowDown) status = `${operation} was throttled (${slowDown})`;
        else throw toIamError(error, operation);
      }
      if (!(await backoff.wait()))
        throw new IamError(
          `IAM credential report was not ready after ${Math.round(backoff.spentMs / 1000)} s (limit ${Math.round(this.maxWaitMs / 1000)} s; last: ${status}); no report was used, try again later`,
          'CredentialReportTimeout',
        );
    }
  }

  async request(): Promise<void> {
    await this.client.send(new GenerateCredentialReportCommand({})).catch(() => undefined);
  }

  async passwordPolicy(): Promise<PasswordPolicySummary | null> {
    try {
      const { PasswordPolicy: policy } = await this.client.send(new GetAccountPasswordPolicyCommand({}));
      if (!policy) throw new IamError('IAM GetAccountPasswordPolicy returned no policy', 'EmptyResponse');
      const maxAge = policy.MaxPasswordAge;
      // ExpirePasswords is IAM's own summary of MaxPasswordAge; either saying "no" means no expiry.
      return policy.ExpirePasswords !== false && maxAge !== undefined && maxAge > 0
        ? { maxPasswordAge: maxAge }
        : {};
    } catch (error) {
      // IAM's way of saying the account has no password policy, so passwords never expire.
      if (error instanceof NoSuchEntityException) return null;
      throw toIamError(error, 'GetAccountPasswordPolicy');
    }
  }

  /** The report, or null when IAM handed back no content (treated like "not ready"). */
  private async download(): Promise<FetchedCredentialReport | null> {
    const output = await getCredentialReport(this.client);
    if (output.ReportFormat !== undefined && output.ReportFormat !== 'text/csv')
      throw new IamError(
        `IAM GetCredentialReport returned format ${output.ReportFormat}, expected text/csv`,
        'UnexpectedReportFormat',
      );
    let csv: string;
    try {
      csv = decodeContent(output.Content);
    } catch (error) {
      throw new IamError('IAM GetCredentialReport returned content that is not UTF-8', 'MalformedReport', {
        cause: error,
      });
    }
    if (csv.trim() === '') return null;
    const generatedAt = output.GeneratedTime;
    if (!(generatedAt instanceof Date) || Number.isNaN(generatedAt.getTime()))
      throw new IamError('IAM GetCredentialReport returned no GeneratedTime', 'MalformedReport');
    return { csv, generatedAt };
  }
}
