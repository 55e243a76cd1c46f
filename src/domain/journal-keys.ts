import { type LocalDate, parseIsoDate } from './dates';

/**
 * Every journal key, built and read back here and nowhere else. Journals in DynamoDB outlive
 * deploys, so a key's text never changes: a new spelling would make the next sweep send a DM
 * again or repeat a removal. `#` separates the parts; a part that may itself contain `#` (a row
 * id, a user name) is the one read as "everything between" the parts that cannot.
 */
export type JournalKey =
  /** `<kind>#<row id>#<end date>`: one per row and end date, so a new end date starts afresh. */
  | {
      readonly kind: RowKeyKind;
      readonly rowId: string;
      readonly endDate: LocalDate;
    }
  /**
   * `pending#<row number>#<week>`: the admins' reminder about a request nobody issued, once a
   * week (the week's Monday). A pending row has no key id yet, so its row number names it.
   */
  | { readonly kind: 'pending-reminder'; readonly rowNumber: number; readonly week: LocalDate }
  /** `deactivate#<access key id>`: a stale key a hygiene check turned off. */
  | { readonly kind: 'stale-key-deactivation'; readonly accessKeyId: string }
  /**
   * `finding#<finding kind>#<user>#<credential>#<window>`: one report per finding per window, in
   * the credentials' own account. A member account's finding is
   * `finding#<account id>#<finding kind>#<user>#…`: the same user name in two accounts is two
   * users, each reported. The home account keeps the shorter form, which journals already hold.
   */
  | {
      readonly kind: 'finding';
      /** A member account's 12-digit id; absent for the credentials' own account. */
      readonly account?: string;
      readonly finding: string;
      readonly user: string;
      readonly credential: string;
      readonly window: string;
    };

export type JournalKeyKind = JournalKey['kind'];

/**
 * Keys of one ledger row and end date. `row-deactivation` (a staged removal's first stage) is
 * spelt `deactivate#`, like the stale-key form; the two tell apart by the end date, which the
 * stale-key form never has (IAM access key ids are letters and digits).
 */
type RowKeyKind = 'notice' | 'owner-unknown' | 'final-notice' | 'teardown' | 'row-deactivation';

const PREFIX: Record<JournalKeyKind, string> = {
  notice: 'notice',
  'owner-unknown': 'owner-unknown',
  'final-notice': 'final-notice',
  teardown: 'teardown',
  'row-deactivation': 'deactivate',
  'stale-key-deactivation': 'deactivate',
  finding: 'finding',
  'pending-reminder': 'pending',
};

const ACCOUNT_ID = /^\d{12}$/;

const ROW_KINDS: Readonly<Record<string, RowKeyKind>> = {
  notice: 'notice',
  'owner-unknown': 'owner-unknown',
  'final-notice': 'final-notice',
  teardown: 'teardown',
};

/** The word a key starts with, which the journal also records as the entry's action. */
export function journalKeyPrefix(kind: JournalKeyKind): string {
  return PREFIX[kind];
}

/** A journal entry's action: its key's first word (`notice`, `final-notice`…), or the key itself when it is none of ours. */
export function journalAction(key: string): string {
  const parsed = parseJournalKey(key);
  return parsed ? journalKeyPrefix(parsed.kind) : key;
}

export function buildJournalKey(key: JournalKey): string {
  const prefix = PREFIX[key.kind];
  switch (key.kind) {
    case 'stale-key-deactivation':
      return `${prefix}#${key.accessKeyId}`;
    case 'finding': {
      const account = key.account === undefined ? '' : `${key.account}#`;
      return `${prefix}#${account}${key.finding}#${key.user}#${key.credential}#${key.window}`;
    }
    case 'pending-reminder':
      return `${prefix}#${key.rowNumber}#${key.week}`;
    default:
      return `${prefix}#${key.rowId}#${key.endDate}`;
  }
}

/** The key's parts, or null for text no builder here makes. */
export function parseJournalKey(text: string): JournalKey | null {
  const split = text.indexOf('#');
  if (split < 0) return null;
  const prefix = text.slice(0, split);
  const rest = text.slice(split + 1);
  if (prefix === 'finding') {
    const parts = rest.split('#');
    // No finding kind is digits, so a leading account id cannot be mistaken for one.
    const account = parts.length >= 5 && ACCOUNT_ID.test(parts[0] ?? '') ? parts.shift() : undefined;
    if (parts.length < 4) return null;
    const [finding = '', ...more] = parts;
    const window = more.pop() ?? '';
    const credential = more.pop() ?? '';
    return {
      kind: 'finding',
      ...(account === undefined ? {} : { account }),
      finding,
      user: more.join('#'),
      credential,
      window,
    };
  }
  const dated = rowAndDate(rest);
  if (prefix === 'pending') {
    const rowNumber = Number(dated?.rowId);
    return dated && Number.isSafeInteger(rowNumber) && rowNumber > 0 && String(rowNumber) === dated.rowId
      ? { kind: 'pending-reminder', rowNumber, week: dated.endDate }
      : null;
  }
  if (prefix === 'deactivate')
    return dated
      ? { kind: 'row-deactivation', ...dated }
      : { kind: 'stale-key-deactivation', accessKeyId: rest };
  const kind = ROW_KINDS[prefix];
  return kind && dated ? { kind, ...dated } : null;
}

/** `<row id>#<end date>`, the row id being everything before the last `#`. */
function rowAndDate(text: string): { rowId: string; endDate: LocalDate } | null {
  const split = text.lastIndexOf('#');
  if (split < 0) return null;
  const endDate = parseIsoDate(text.slice(split + 1));
  if (endDate === null || endDate !== text.slice(split + 1)) return null;
  return { rowId: text.slice(0, split), endDate };
}

type RowRef = { readonly id: string; readonly endDate: LocalDate };

const rowKey =
  (kind: RowKeyKind) =>
  <R extends RowRef>(row: R): string =>
    buildJournalKey({ kind, rowId: row.id, endDate: row.endDate });

/** The week-ahead notice to the owner. */
export const noticeKey = rowKey('notice');
/** The same notice to the admins when nobody owns the key. */
export const ownerUnknownKey = rowKey('owner-unknown');
/** The notice naming a deletion date, sent when no earlier notice counts. */
export const finalNoticeKey = rowKey('final-notice');
/** Any teardown of the row, whichever form it took, so completion is easy to see. */
export const teardownKey = rowKey('teardown');
/** A staged removal's deactivation of the row, so a re-run resumes it. */
export const deactivationKey = rowKey('row-deactivation');

/** The weekly reminder to the admins about a request not issued yet. */
export const pendingReminderKey = (rowNumber: number, week: LocalDate) =>
  buildJournalKey({ kind: 'pending-reminder', rowNumber, week });

export const staleKeyDeactivationKey = (accessKeyId: string) =>
  buildJournalKey({ kind: 'stale-key-deactivation', accessKeyId });

/** `account`: a member account's id; `null` for the credentials' own, whose keys have none. */
export const findingKey = (
  account: string | null,
  finding: string,
  user: string,
  credential: string,
  window: string,
) =>
  buildJournalKey({
    kind: 'finding',
    ...(account === null ? {} : { account }),
    finding,
    user,
    credential,
    window,
  });

/**
 * The key a member account's finding had before keys named accounts: the same text without the
 * account id. Only ever read, never claimed: journals from before hold it for findings already
 * reported, and the same user name in two accounts shared it, so it cannot tell them apart.
 * `null` for a key that names no account (the home account's, which kept that form).
 */
export function legacyFindingKey(key: string): string | null {
  const parsed = parseJournalKey(key);
  if (parsed?.kind !== 'finding' || parsed.account === undefined) return null;
  const { account: _account, ...accountless } = parsed;
  return buildJournalKey(accountless);
}
