import { type LocalDate, parseIsoDate } from './dates';
import { FINDING_KINDS, type Finding, type FindingKind } from './hygiene';
import { type IamInventory, isProtected } from './iam';

/**
 * Accepted exceptions to the hygiene checks. A muted finding sends no DM and no admin ping, and
 * is never acted on; the weekly digest and `keywarden audit` still list it as muted, with its
 * reason and until-date, so an exception stays visible. A mute ends after its until-date: the
 * finding pings again and the digest says the mute expired. Pure: plain data in, plain data out.
 */

export interface Mute {
  /** The IAM user name, as the credential report writes it (`<root_account>` for root). */
  readonly user: string;
  /** `'*'`: every kind of finding. */
  readonly kinds: readonly FindingKind[] | '*';
  /** The last day the mute holds, in the configured time zone. */
  readonly until: LocalDate;
  readonly reason: string;
  /** Where it was set: `HYGIENE_MUTES`, or a `keywarden:mute` tag on the user. */
  readonly source: 'settings' | 'tag';
  /**
   * The one AWS account it holds in (`HYGIENE_MUTES`' `account`). Absent, a setting holds in
   * every account the sweep covers; a tag always holds only in its user's own account.
   */
  readonly account?: string;
}

export type Silence = { readonly kind: 'protected' } | { readonly kind: 'muted'; readonly mute: Mute };

export interface MutedFinding {
  readonly finding: Finding;
  readonly silence: Silence;
}

export interface ExpiredMute {
  readonly finding: Finding;
  readonly mute: Mute;
}

export interface Screened {
  /** Findings that DM their owner and ping the admins, in report order. */
  readonly loud: readonly Finding[];
  /** Findings kept quiet, in report order. */
  readonly muted: readonly MutedFinding[];
  /** Loud findings whose mute has run out (they are in `loud` too), so the digest can say so. */
  readonly expired: readonly ExpiredMute[];
}

export interface Muting {
  readonly mutes: readonly Mute[];
  /** Protected users (PROTECTED_USERS, the `keywarden:protected` tag) are never pinged either. */
  readonly isProtected: (user: string) => boolean;
}

export const NO_MUTING: Muting = { mutes: [], isProtected: () => false };

/** Whether a mute names this finding's user and kind, whatever its date. */
function covers(mute: Mute, finding: Finding): boolean {
  // IAM user names are unique regardless of case, so a setting's spelling need not match the report's.
  if (mute.user.toLowerCase() !== finding.user.toLowerCase()) return false;
  return mute.kinds === '*' || mute.kinds.includes(finding.kind);
}

const latest = (mutes: readonly Mute[]): Mute | undefined =>
  mutes.reduce<Mute | undefined>((best, mute) => (!best || mute.until > best.until ? mute : best), undefined);

/** Splits findings into those that ping and those kept quiet, as of `today`. */
export function screenFindings(found: readonly Finding[], muting: Muting, today: LocalDate): Screened {
  const loud: Finding[] = [];
  const muted: MutedFinding[] = [];
  const expired: ExpiredMute[] = [];
  for (const finding of found) {
    if (muting.isProtected(finding.user)) {
      muted.push({ finding, silence: { kind: 'protected' } });
      continue;
    }
    const matching = muting.mutes.filter((mute) => covers(mute, finding));
    // The until-date is the last quiet day: the day after, the finding pings again.
    const active = latest(matching.filter((mute) => today <= mute.until));
    if (active) {
      muted.push({ finding, silence: { kind: 'muted', mute: active } });
      continue;
    }
    loud.push(finding);
    const ended = latest(matching);
    if (ended) expired.push({ finding, mute: ended });
  }
  return { loud, muted, expired };
}

export const MUTE_TAG = 'keywarden:mute';
/** In a tag value `*` is not allowed (IAM allows letters, digits, spaces and `_.:/=+-@`). */
export const ALL_KINDS_WORD = 'all';

const MUTE_TAG_VALUE = /^\s*(\S+)\s+until=(\S+)\s+reason=(.*)$/s;

/** Why a `keywarden:mute` tag was not read; the text module words it. */
export type MuteTagProblem =
  | { readonly kind: 'format' }
  | { readonly kind: 'date'; readonly text: string }
  | { readonly kind: 'reason' }
  | { readonly kind: 'kinds'; readonly unknown: readonly string[] };

/**
 * One `keywarden:mute` tag value: `<kinds> until=YYYY-MM-DD reason=<text>`, kinds joined by `/`
 * (`no-mfa/key-too-old`) or `all`. IAM tag values allow no comma or `*`, hence `/` and `all`.
 */
export function parseMuteTag(user: string, value: string): Mute | { readonly problem: MuteTagProblem } {
  const match = MUTE_TAG_VALUE.exec(value);
  if (!match) return { problem: { kind: 'format' } };
  const [, kindsText = '', untilText = '', reasonText = ''] = match;
  const until = parseIsoDate(untilText);
  if (!until) return { problem: { kind: 'date', text: untilText } };
  const reason = reasonText.trim();
  if (reason === '') return { problem: { kind: 'reason' } };
  if (kindsText === ALL_KINDS_WORD) return { user, kinds: '*', until, reason, source: 'tag' };
  const kinds = kindsText.split('/');
  const unknown = kinds.filter((kind) => !(FINDING_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) return { problem: { kind: 'kinds', unknown } };
  return { user, kinds: kinds as FindingKind[], until, reason, source: 'tag' };
}

export interface UnreadMuteTag {
  readonly user: string;
  readonly key: string;
  readonly problem: MuteTagProblem;
}

export interface TagMutes {
  readonly mutes: readonly Mute[];
  /** Tags that could not be read; such a tag mutes nothing. */
  readonly problems: readonly UnreadMuteTag[];
}

/**
 * Mutes from the users' tags: `keywarden:mute`, and `keywarden:mute:<label>` for a user who
 * needs more than one (a tag key holds one value, and each mute has its own until-date).
 */
export function tagMutes(iam: IamInventory): TagMutes {
  const mutes: Mute[] = [];
  const problems: UnreadMuteTag[] = [];
  for (const user of iam.users.values())
    for (const [key, value] of Object.entries(user.tags)) {
      if (key !== MUTE_TAG && !key.startsWith(`${MUTE_TAG}:`)) continue;
      const parsed = parseMuteTag(user.userName, value);
      if ('problem' in parsed) problems.push({ user: user.userName, key, problem: parsed.problem });
      else mutes.push(parsed);
    }
  return { mutes, problems };
}

/**
 * One account's muting: the settings' mutes for every account or for this one, plus its users'
 * tags, and its protected users (by setting, or by `keywarden:protected` tag when the inventory
 * is known; a saved report has none). A setting naming an account holds nowhere else, so a mute
 * of `ci-deploy` in one account leaves the `ci-deploy` of every other account loud.
 */
export function mutingFor(
  mutes: readonly Mute[],
  protectedUsers: ReadonlySet<string>,
  iam: IamInventory | null,
  /** The account screened; an account-bound setting for an unknown account holds nowhere. */
  account: string | null = iam?.accountId ?? null,
): { readonly muting: Muting; readonly problems: readonly UnreadMuteTag[] } {
  const tagged = iam ? tagMutes(iam) : { mutes: [], problems: [] };
  const here = mutes.filter((mute) => mute.account === undefined || mute.account === account);
  return {
    muting: {
      mutes: [...here, ...tagged.mutes],
      isProtected: (user) => {
        const summary = iam?.users.get(user);
        return summary ? isProtected(summary, protectedUsers) : protectedUsers.has(user);
      },
    },
    problems: tagged.problems,
  };
}
