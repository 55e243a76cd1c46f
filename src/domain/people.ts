import type { Grid } from './ledger';
import { normaliseLabel } from './status';

export interface Person {
  readonly slackId: string;
  readonly familyName: string;
  readonly givenName: string;
}

/** Who gets the DM for a row, and how we know. */
export type Owner =
  | {
      readonly kind: 'slack';
      readonly slackId: string;
      readonly via: 'people-table' | 'ledger-email' | 'slack-id-tag' | 'email-tag';
    }
  | { readonly kind: 'unknown'; readonly reason: OwnerUnknown };

/**
 * What an owner lookup tried, in order, and why each failed: the catalogue words it
 * (`Messages.reasons.ownerUnknown`). Names, addresses and tag values are data.
 */
export interface OwnerUnknown {
  readonly tried: readonly OwnerClue[];
}

/** `noSlackUser` for an address: Slack said nobody has it; otherwise it was not looked up. */
export type OwnerClue =
  /** `matches`: 0 when the name is not in the people table, 2 or more when it is ambiguous. */
  | { readonly kind: 'name'; readonly name: string; readonly matches: number }
  | { readonly kind: 'ledger-email'; readonly address: string; readonly noSlackUser: boolean }
  /** The tag's text, which is not a Slack user id. */
  | { readonly kind: 'slack-id-tag'; readonly value: string }
  | { readonly kind: 'no-slack-id-tag' }
  | { readonly kind: 'email-tag'; readonly address: string; readonly noSlackUser: boolean }
  | { readonly kind: 'no-email-tag' };

export class PeopleFormatError extends Error {
  override readonly name = 'PeopleFormatError';
}

/** A Slack user id: `U…`, or `W…` on Enterprise Grid. The one definition every layer checks ids by. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const HEADERS = {
  slackId: ['slackid', 'slackユーザーid', 'slackuserid', 'slack'],
  familyName: ['姓', '苗字', '名字', 'familyname', 'lastname', 'surname'],
  givenName: ['名', '名前', 'givenname', 'firstname'],
} as const;

/** Full-width spaces, case, and half/full-width letters must not decide who gets a DM. */
export function normaliseName(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

export function parsePeople(grid: Grid): { people: Person[]; problems: string[] } {
  const header = (grid[0] ?? []).map((cell) => normaliseLabel(String(cell)));
  const column = (aliases: readonly string[]) => header.findIndex((h) => aliases.includes(h));
  const cols = {
    slackId: column(HEADERS.slackId),
    family: column(HEADERS.familyName),
    given: column(HEADERS.givenName),
  };
  if (cols.slackId < 0 || cols.family < 0 || cols.given < 0)
    throw new PeopleFormatError(
      'people table needs the columns Slack ID, 姓 (family name) and 名 (given name)',
    );

  const people: Person[] = [];
  const problems: string[] = [];
  grid.slice(1).forEach((row, index) => {
    const cell = (i: number) => String(row[i] ?? '').trim();
    const person = {
      slackId: cell(cols.slackId),
      familyName: cell(cols.family),
      givenName: cell(cols.given),
    };
    if (Object.values(person).every((v) => v === '')) return;
    if (!SLACK_USER_ID.test(person.slackId))
      problems.push(`people row ${index + 2}: "${person.slackId}" is not a Slack user id`);
    else if (person.familyName === '' && person.givenName === '')
      problems.push(`people row ${index + 2}: no name`);
    else people.push(person);
  });
  return { people, problems };
}

/** Name → Slack id; a name two people share resolves to nobody rather than the wrong person. */
export class PeopleDirectory {
  private readonly byName = new Map<string, Set<string>>();

  constructor(people: readonly Person[]) {
    for (const person of people) {
      // Ledgers write 山田 太郎 (family first) or Taro Yamada (given first).
      for (const key of [person.familyName + person.givenName, person.givenName + person.familyName]) {
        const normalised = normaliseName(key);
        if (normalised === '') continue;
        const ids = this.byName.get(normalised) ?? new Set<string>();
        ids.add(person.slackId);
        this.byName.set(normalised, ids);
      }
    }
  }

  lookup(fullName: string): { slackId: string } | { ambiguous: readonly string[] } | null {
    const ids = this.byName.get(normaliseName(fullName));
    if (!ids) return null;
    const [first, ...rest] = [...ids];
    if (first === undefined) return null;
    return rest.length === 0 ? { slackId: first } : { ambiguous: [first, ...rest] };
  }
}

export interface OwnerHints {
  /** The row's own email column (a Google Form's collected address), lower case. */
  readonly ledgerEmail?: string;
  /** Tags of the row's IAM user (`SlackId`, `Email`). */
  readonly tags: Readonly<Record<string, string>>;
  /** Slack ids already looked up for emails; `null` means Slack said no such user. */
  readonly emailToSlackId: ReadonlyMap<string, string | null>;
}

export const SLACK_ID_TAG = 'SlackId';
export const EMAIL_TAG = 'Email';

/**
 * People table first (the ledger's own name), then the ledger's email column (Slack's
 * `users.lookupByEmail`, answered in `emailToSlackId`), then the IAM user's `SlackId` and
 * `Email` tags. What the row says comes before what IAM says: the row is the request.
 */
export function resolveOwner(name: string, directory: PeopleDirectory, hints: OwnerHints): Owner {
  const byName = name === '' ? null : directory.lookup(name);
  if (byName && 'slackId' in byName) return { kind: 'slack', slackId: byName.slackId, via: 'people-table' };

  const ledgerEmail = hints.ledgerEmail?.trim().toLowerCase();
  const viaLedger = ledgerEmail ? hints.emailToSlackId.get(ledgerEmail) : undefined;
  if (viaLedger) return { kind: 'slack', slackId: viaLedger, via: 'ledger-email' };

  const tagged = hints.tags[SLACK_ID_TAG]?.trim();
  if (tagged && SLACK_USER_ID.test(tagged)) return { kind: 'slack', slackId: tagged, via: 'slack-id-tag' };

  const email = hints.tags[EMAIL_TAG]?.trim().toLowerCase();
  const viaEmail = email ? hints.emailToSlackId.get(email) : undefined;
  if (viaEmail) return { kind: 'slack', slackId: viaEmail, via: 'email-tag' };

  const tried: OwnerClue[] = [
    { kind: 'name', name, matches: byName ? byName.ambiguous.length : 0 },
    ...(ledgerEmail
      ? [{ kind: 'ledger-email', address: ledgerEmail, noSlackUser: viaLedger === null } as const]
      : []),
    tagged ? { kind: 'slack-id-tag', value: tagged } : { kind: 'no-slack-id-tag' },
    email ? { kind: 'email-tag', address: email, noSlackUser: viaEmail === null } : { kind: 'no-email-tag' },
  ];
  return { kind: 'unknown', reason: { tried } };
}

/**
 * The addresses worth a `users.lookupByEmail` for an owner the people table does not know:
 * the ledger's, and the `Email` tag's unless a valid `SlackId` tag would answer first. Both are
 * asked in the same batch, so a sweep makes one round of lookups, one per distinct address.
 */
export function ownerEmails(
  name: string,
  directory: PeopleDirectory,
  hints: Omit<OwnerHints, 'emailToSlackId'>,
): string[] {
  const byName = name === '' ? null : directory.lookup(name);
  if (byName && 'slackId' in byName) return [];
  const ledgerEmail = hints.ledgerEmail?.trim().toLowerCase();
  const tagged = hints.tags[SLACK_ID_TAG]?.trim();
  const email =
    tagged && SLACK_USER_ID.test(tagged) ? undefined : hints.tags[EMAIL_TAG]?.trim().toLowerCase();
  return [ledgerEmail, email].filter((address): address is string => !!address);
}
