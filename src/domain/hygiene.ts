import { format, parseISO } from 'date-fns';
import type { CredentialReportRow, Slot } from './credential-report';
import { addDays, dateInZone, daysBetween, type LocalDate } from './dates';
import { findingKey } from './journal-keys';

/**
 * IAM hygiene checks on the credential report: expiring passwords, old and unused keys,
 * missing MFA, root credentials. Pure: the same report, policy and clock give the same findings.
 *
 * Every count is in calendar days in the configured time zone (like the ledger), so "90 days
 * old" means the same thing to the admin reading the digest whatever hour the sweep ran.
 */

export interface HygienePolicy {
  /** Warn this many days (inclusive) before a console password expires. */
  readonly passwordNoticeDays: number;
  /** An active access key this many days old or older is too old. */
  readonly keyMaxAgeDays: number;
  /** Warn this many days (inclusive) before a key reaches `keyMaxAgeDays`. */
  readonly keyNoticeDays: number;
  /** A password or active key with no use for this many days is unused. */
  readonly unusedDays: number;
  /** A root sign-in or root key use fewer than this many days ago is reported. */
  readonly rootRecentUseDays: number;
  /**
   * The account password policy (GetAccountPasswordPolicy); `null` when the account has none.
   * Passwords expire only when it has a maximum age, so without one no password finding is made.
   */
  readonly passwordPolicy: { readonly maxPasswordAge?: number } | null;
}

export const DEFAULT_HYGIENE_POLICY: HygienePolicy = {
  passwordNoticeDays: 7,
  keyMaxAgeDays: 90,
  keyNoticeDays: 10,
  unusedDays: 90,
  rootRecentUseDays: 30,
  passwordPolicy: null,
};

export const FINDING_KINDS = [
  'password-expiring',
  'password-expired',
  'key-expiring',
  'key-too-old',
  'unused-credentials',
  'no-mfa',
  'root-no-mfa',
  'root-access-keys',
  'root-recent-use',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

export type CredentialRef =
  | { readonly type: 'password' }
  | { readonly type: 'access-key'; readonly slot: Slot };

/** What an idle period is counted from. */
export type IdleBasis =
  | 'last-used'
  /** Password never used: from the user's creation. */
  | 'user-created'
  /** `no_information`: from when the current password was set. */
  | 'password-changed'
  /** Key never used: from its creation, so a key nobody uses cannot live forever. */
  | 'key-created';

interface FindingBase {
  /**
   * `finding#<kind>#<user>#<credential>#<window>` (a member account's with its id after
   * `finding#`, see journal-keys.ts): the same finding in the same window gets the
   * same key, so a journal can make sure it is reported at most once per window. The window is
   * the due date for things that expire (one warning per deadline) and the ISO week for standing
   * conditions (a weekly reminder until someone fixes it).
   */
  readonly key: string;
  /** The member account the user is in; absent in the credentials' own account. */
  readonly account?: string;
  readonly user: string;
  /** One line an admin can act on. */
  readonly detail: string;
}

export type Finding = FindingBase &
  (
    | {
        readonly kind: 'password-expiring';
        readonly dueAt: Date;
        readonly dueDate: LocalDate;
        readonly daysLeft: number;
      }
    | {
        readonly kind: 'password-expired';
        readonly dueAt: Date;
        readonly dueDate: LocalDate;
        readonly daysOverdue: number;
      }
    | {
        readonly kind: 'key-expiring';
        readonly slot: Slot;
        readonly createdOn: LocalDate;
        readonly ageDays: number;
        readonly dueDate: LocalDate;
        readonly daysLeft: number;
      }
    | {
        readonly kind: 'key-too-old';
        readonly slot: Slot;
        readonly createdOn: LocalDate;
        readonly ageDays: number;
        /** The policy's maximum age the key is past. */
        readonly limitDays: number;
      }
    | {
        readonly kind: 'unused-credentials';
        readonly credential: CredentialRef;
        readonly idleSince: LocalDate;
        readonly idleDays: number;
        readonly basis: IdleBasis;
      }
    | { readonly kind: 'no-mfa' }
    | { readonly kind: 'root-no-mfa' }
    | {
        readonly kind: 'root-access-keys';
        readonly slot: Slot;
        readonly lastUsed: Date | null;
        /** `lastUsed` as a day in the configured time zone. */
        readonly lastUsedOn: LocalDate | null;
      }
    | {
        readonly kind: 'root-recent-use';
        readonly credential: CredentialRef;
        readonly usedAt: Date;
        /** `usedAt` as a day in the configured time zone. */
        readonly usedOn: LocalDate;
        readonly daysAgo: number;
      }
  );

export type FindingOf<K extends FindingKind> = Extract<Finding, { kind: K }>;

const MS_PER_DAY = 86_400_000;

interface Clock {
  readonly now: Date;
  readonly today: LocalDate;
  readonly week: string;
  readonly timeZone: string;
  readonly account: string | null;
}

/** `2026-W18`: the ISO week of a calendar date, the window of standing findings. */
export function isoWeek(date: LocalDate): string {
  // parseISO reads a bare date as local midnight and format reads local fields back, so the
  // host's zone cancels out and only the calendar date matters.
  return format(parseISO(date), "RRRR-'W'II");
}

const credentialId = (credential: CredentialRef) =>
  credential.type === 'password' ? 'password' : `key-${credential.slot}`;

const days = (n: number) => `${n} ${Math.abs(n) === 1 ? 'day' : 'days'}`;

/**
 * When the current password expires, if it does. IAM's own `password_next_rotation` wins
 * whenever the report has it, policy or not: IAM writes it only while the account's policy has
 * a maximum age, and a saved report (`audit --credential-report`) comes with no policy at all.
 * A report generated before the policy got its maximum age lacks it, so the due time is then
 * worked out as IAM does, from when the password was last set. `password_last_used` says nothing
 * about expiry: a password used yesterday may still have been set a year ago, and vice versa.
 */
function passwordDueAt(row: CredentialReportRow, policy: HygienePolicy): Date | null {
  if (!row.password.enabled) return null;
  if (row.password.nextRotation) return row.password.nextRotation;
  const maxAge = policy.passwordPolicy?.maxPasswordAge;
  const changed = row.password.lastChanged;
  if (maxAge === undefined || maxAge <= 0 || !changed) return null;
  return new Date(changed.getTime() + maxAge * MS_PER_DAY);
}

function passwordFindings(row: CredentialReportRow, policy: HygienePolicy, clock: Clock): Finding[] {
  const dueAt = passwordDueAt(row, policy);
  if (!dueAt) return [];
  const dueDate = dateInZone(dueAt, clock.timeZone);
  const daysLeft = daysBetween(clock.today, dueDate);
  // IAM expires the password at the instant, not at the end of the day, so expiry is decided on
  // the instant; the warning window is in calendar days like every other notice.
  if (clock.now.getTime() >= dueAt.getTime()) {
    const daysOverdue = daysBetween(dueDate, clock.today);
    return [
      {
        kind: 'password-expired',
        key: findingKey(clock.account, 'password-expired', row.user, 'password', clock.week),
        user: row.user,
        dueAt,
        dueDate,
        daysOverdue,
        detail: `console password expired on ${dueDate}${daysOverdue > 0 ? ` (${days(daysOverdue)} ago)` : ''}; the user must set a new one to sign in`,
      },
    ];
  }
  if (daysLeft > policy.passwordNoticeDays) return [];
  return [
    {
      kind: 'password-expiring',
      key: findingKey(clock.account, 'password-expiring', row.user, 'password', dueDate),
      user: row.user,
      dueAt,
      dueDate,
      daysLeft,
      detail: `console password expires ${daysLeft === 0 ? 'today' : `in ${days(daysLeft)}`}, on ${dueDate}`,
    },
  ];
}

function keyAgeFindings(row: CredentialReportRow, policy: HygienePolicy, clock: Clock): Finding[] {
  return row.accessKeys
    .filter((key) => key.active)
    .flatMap((key): Finding[] => {
      const createdOn = dateInZone(key.lastRotated, clock.timeZone);
      const ageDays = daysBetween(createdOn, clock.today);
      const credential = `key-${key.slot}`;
      if (ageDays >= policy.keyMaxAgeDays)
        return [
          {
            kind: 'key-too-old',
            key: findingKey(clock.account, 'key-too-old', row.user, credential, clock.week),
            user: row.user,
            slot: key.slot,
            createdOn,
            ageDays,
            limitDays: policy.keyMaxAgeDays,
            detail: `access key ${key.slot} is ${days(ageDays)} old (created ${createdOn}); the limit is ${days(policy.keyMaxAgeDays)}: rotate it`,
          },
        ];
      if (ageDays < policy.keyMaxAgeDays - policy.keyNoticeDays) return [];
      const dueDate = addDays(createdOn, policy.keyMaxAgeDays);
      const daysLeft = policy.keyMaxAgeDays - ageDays;
      return [
        {
          kind: 'key-expiring',
          key: findingKey(clock.account, 'key-expiring', row.user, credential, dueDate),
          user: row.user,
          slot: key.slot,
          createdOn,
          ageDays,
          dueDate,
          daysLeft,
          detail: `access key ${key.slot} is ${days(ageDays)} old (created ${createdOn}); rotate it within ${days(daysLeft)}, by ${dueDate}`,
        },
      ];
    });
}

function unusedFinding(
  row: CredentialReportRow,
  credential: CredentialRef,
  since: Date,
  basis: IdleBasis,
  what: string,
  policy: HygienePolicy,
  clock: Clock,
): Finding[] {
  const idleSince = dateInZone(since, clock.timeZone);
  const idleDays = daysBetween(idleSince, clock.today);
  if (idleDays < policy.unusedDays) return [];
  const why: Record<IdleBasis, string> = {
    'last-used': `last used ${idleSince}`,
    'user-created': `never used; the user was created ${idleSince}`,
    'password-changed': `no sign-in on record; the password was set ${idleSince}`,
    'key-created': `never used; created ${idleSince}`,
  };
  return [
    {
      kind: 'unused-credentials',
      key: findingKey(clock.account, 'unused-credentials', row.user, credentialId(credential), clock.week),
      user: row.user,
      credential,
      idleSince,
      idleDays,
      basis,
      detail: `${what} not used for ${days(idleDays)} (${why[basis]}): remove it if nobody needs it`,
    },
  ];
}

function unusedFindings(row: CredentialReportRow, policy: HygienePolicy, clock: Clock): Finding[] {
  const found: Finding[] = [];
  const password = row.password;
  if (password.enabled) {
    const lastUsed = password.lastUsed;
    const [since, basis]: [Date, IdleBasis] =
      lastUsed instanceof Date
        ? [lastUsed, 'last-used']
        : lastUsed === 'unknown' && password.lastChanged
          ? [password.lastChanged, 'password-changed']
          : [row.createdAt, 'user-created'];
    found.push(...unusedFinding(row, { type: 'password' }, since, basis, 'console password', policy, clock));
  }
  for (const key of row.accessKeys.filter((k) => k.active)) {
    const [since, basis]: [Date, IdleBasis] = key.lastUsed
      ? [key.lastUsed, 'last-used']
      : [key.lastRotated, 'key-created'];
    const ref: CredentialRef = { type: 'access-key', slot: key.slot };
    found.push(...unusedFinding(row, ref, since, basis, `access key ${key.slot}`, policy, clock));
  }
  return found;
}

function userFindings(row: CredentialReportRow, policy: HygienePolicy, clock: Clock): Finding[] {
  const found = [
    ...passwordFindings(row, policy, clock),
    ...keyAgeFindings(row, policy, clock),
    ...unusedFindings(row, policy, clock),
  ];
  if (row.password.enabled && !row.mfaActive)
    found.push({
      kind: 'no-mfa',
      key: findingKey(clock.account, 'no-mfa', row.user, 'mfa', clock.week),
      user: row.user,
      detail: 'console password enabled without MFA',
    });
  return found;
}

/**
 * The root user is held to its own rules: it should have MFA, no access keys at all, and be
 * used rarely enough that each use is worth a look. Its key ages and idle time do not matter.
 */
function rootFindings(row: CredentialReportRow, policy: HygienePolicy, clock: Clock): Finding[] {
  const found: Finding[] = [];
  // Accounts whose root credentials were removed centrally (AWS Organizations) show false here too.
  if (!row.mfaActive)
    found.push({
      kind: 'root-no-mfa',
      key: findingKey(clock.account, 'root-no-mfa', row.user, 'mfa', clock.week),
      user: row.user,
      detail: 'root user has no MFA device',
    });
  for (const key of row.accessKeys.filter((k) => k.active)) {
    const lastUsedOn = key.lastUsed ? dateInZone(key.lastUsed, clock.timeZone) : null;
    found.push({
      kind: 'root-access-keys',
      key: findingKey(clock.account, 'root-access-keys', row.user, `key-${key.slot}`, clock.week),
      user: row.user,
      slot: key.slot,
      lastUsed: key.lastUsed,
      lastUsedOn,
      detail: `root user has active access key ${key.slot} (${lastUsedOn ? `last used ${lastUsedOn}` : 'never used'}): delete it`,
    });
  }

  const uses: [CredentialRef, Date | null, string][] = [
    [{ type: 'password' }, row.password.lastUsed instanceof Date ? row.password.lastUsed : null, 'password'],
    ...row.accessKeys.map((key): [CredentialRef, Date | null, string] => [
      { type: 'access-key', slot: key.slot },
      key.lastUsed,
      `access key ${key.slot}`,
    ]),
  ];
  for (const [credential, usedAt, what] of uses) {
    if (!usedAt) continue;
    const usedOn = dateInZone(usedAt, clock.timeZone);
    const daysAgo = daysBetween(usedOn, clock.today);
    if (daysAgo >= policy.rootRecentUseDays) continue;
    found.push({
      kind: 'root-recent-use',
      // Keyed by the day of use: each new day the root user is used is news, a repeat is not.
      key: findingKey(clock.account, 'root-recent-use', row.user, credentialId(credential), usedOn),
      user: row.user,
      credential,
      usedAt,
      usedOn,
      daysAgo,
      detail: `root user's ${what} was used ${daysAgo === 0 ? 'today' : `${days(daysAgo)} ago`}, on ${usedOn}`,
    });
  }
  return found;
}

/**
 * Every finding for a credential report as of `now`, in report order. Rows the parser rejected
 * are not here: the caller reports those problems separately.
 */
export function findings(
  rows: readonly CredentialReportRow[],
  policy: HygienePolicy,
  now: Date,
  timeZone: string,
  /** A member account's id, which its findings carry (and their keys); null for the credentials' own. */
  account: string | null = null,
): Finding[] {
  const today = dateInZone(now, timeZone);
  const clock: Clock = { now, today, week: isoWeek(today), timeZone, account };
  const found = rows.flatMap((row) =>
    row.isRoot ? rootFindings(row, policy, clock) : userFindings(row, policy, clock),
  );
  return account === null ? found : found.map((finding) => ({ ...finding, account }));
}

/** Counts by kind, every kind present, for the weekly digest. */
export function summarise(found: readonly Finding[]): Record<FindingKind, number> {
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<FindingKind, number>;
  for (const finding of found) counts[finding.kind] += 1;
  return counts;
}
