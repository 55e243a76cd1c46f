import { dateInZone, type LocalDate } from '../../src/domain/dates';
import type { IamUserSummary, LiveAccessKey } from '../../src/domain/iam';
import {
  finalNoticeKey,
  journalAction,
  noticeKey,
  ownerUnknownKey,
  teardownKey,
} from '../../src/domain/journal-keys';
import { contestedKeys, type KeyHolder } from '../../src/domain/key-holders';
import { type Ledger, type LedgerRow, parseLedger, type RowCopy } from '../../src/domain/ledger';
import { PeopleDirectory } from '../../src/domain/people';
import {
  emailLookups,
  type JournalView,
  type JournalViewEntry,
  journalKeysFor,
  type Plan,
  type PlanInput,
  plan,
  settleRemoval,
} from '../../src/domain/planner';

const ACCOUNT = '123456789012';
const d = (text: string) => text as LocalDate;
let keySeq = 0;
const nextKey = () => `AKIA${String(++keySeq).padStart(16, '0')}`;

function row(overrides: Omit<Partial<LedgerRow>, 'endDate'> & { endDate: string }): LedgerRow {
  const accessKeyId = overrides.accessKeyId ?? nextKey();
  return {
    rowNumber: 2,
    name: '山田 太郎',
    purpose: 'ETL',
    resource: 's3://data',
    iamUser: 'etl-bot',
    startDate: d('2026-01-01'),
    status: 'active',
    accountId: null,
    ...overrides,
    accessKeyId,
    id: accessKeyId,
    endDate: d(overrides.endDate),
  };
}

function user(userName: string, extra: Partial<IamUserSummary> = {}): IamUserSummary {
  return {
    userName,
    arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
    tags: {},
    groups: [],
    attachedPolicyArns: [],
    inlinePolicyNames: [],
    ...extra,
  };
}

interface Scenario {
  today: string;
  rows: LedgerRow[];
  users?: IamUserSummary[];
  /** Defaults to: each user holds exactly the keys its ledger rows name. */
  keys?: Record<string, string[]>;
  /** Journal states by key; entries are recorded as the action that teardown keys use. */
  journal?: Record<string, 'started' | 'completed' | 'failed' | JournalViewEntry>;
  protectedUsers?: string[];
  duplicates?: RowCopy[];
  /** Who holds each key that rows name for different users, as the shell found out. */
  keyHolders?: Record<string, KeyHolder>;
  /** Defaults to 0, plain next-day deletion; the warning rule has its own tests. */
  finalNoticeDays?: number;
  /** The real date when it is later than `today` (a catch-up run); defaults to `today`. */
  noticeDay?: string;
  emails?: Record<string, string | null>;
}

const usersOf = (s: Scenario) =>
  s.users ?? [...new Set(s.rows.map((r) => r.iamUser))].map((name) => user(name));

function input(s: Scenario): PlanInput {
  const users = usersOf(s);
  const ledger: Ledger = {
    headerRowNumber: 1,
    columns: { status: 7, endDate: 6 },
    matches: [],
    pending: [],
    rows: s.rows.map((r, i) => ({ ...r, rowNumber: i + 2 })),
    duplicates: s.duplicates ?? [],
    problems: [],
  };
  return {
    today: d(s.today),
    noticeDay: d(s.noticeDay ?? s.today),
    ledger,
    iam: { accountId: ACCOUNT, users: new Map(users.map((u) => [u.userName, u])) },
    directory: new PeopleDirectory([{ slackId: 'U01YAMADA', familyName: '山田', givenName: '太郎' }]),
    emailToSlackId: new Map(Object.entries(s.emails ?? {})),
    keyHolders: new Map(Object.entries(s.keyHolders ?? {})),
    journal: new Map(
      Object.entries(s.journal ?? {}).map(([key, entry]) => [
        key,
        typeof entry === 'string' ? { state: entry, action: journalAction(key) } : entry,
      ]),
    ) as JournalView,
    policy: {
      noticeDays: 7,
      finalNoticeDays: s.finalNoticeDays ?? 0,
      protectedUsers: new Set(s.protectedUsers ?? []),
    },
  };
}

/** The user's keys when the removal is settled; `null`: the user is gone by then. */
function liveKeysOf(s: Scenario, userName: string): LiveAccessKey[] | null {
  const ids =
    s.keys?.[userName] ??
    (usersOf(s).some((u) => u.userName === userName)
      ? s.rows.filter((r) => r.iamUser === userName).map((r) => r.accessKeyId)
      : null);
  return ids?.map((accessKeyId): LiveAccessKey => ({ accessKeyId, status: 'Active' })) ?? null;
}

/** The plan, with each removal settled on the scenario's live keys as the executor settles it. */
function planned(s: Scenario): Pick<Plan, 'actions' | 'skips'> {
  const result = plan(input(s));
  const settled = result.removals.map((removal) => settleRemoval(removal, liveKeysOf(s, removal.userName)));
  return {
    actions: [...result.actions, ...settled.flatMap((x) => x.actions)],
    skips: [...result.skips, ...settled.flatMap((x) => x.skips)],
  };
}

const kinds = (p: Pick<Plan, 'actions'>) => p.actions.map((a) => a.kind);
const reasons = (p: Pick<Plan, 'skips'>) => p.skips.map((s) => s.reason);

describe('week-ahead notices', () => {
  it.each([
    ['exactly seven days before', '2026-11-24', 7],
    ['three days before, after the sweep missed four days', '2026-11-28', 3],
    ['on the end date itself', '2026-12-01', 0],
  ])('notifies the owner %s', (_label, today, daysLeft) => {
    const r = row({ endDate: '2026-12-01' });
    const result = planned({ today, rows: [r] });
    expect(result.actions).toEqual([
      {
        kind: 'notify-week-ahead',
        key: noticeKey({ ...r, rowNumber: 2 }),
        row: { ...r, rowNumber: 2 },
        slackId: 'U01YAMADA',
        daysLeft,
      },
    ]);
  });

  it('does not notify eight days before', () => {
    const result = planned({ today: '2026-11-23', rows: [row({ endDate: '2026-12-01' })] });
    expect(result.actions).toEqual([]);
    expect(result.skips).toEqual([expect.objectContaining({ reason: 'not-due', attention: false })]);
  });

  it('notifies once per end date, and again after the end date moves', () => {
    const r = row({ endDate: '2026-12-01' });
    const journal = { [noticeKey(r)]: 'completed' as const };
    expect(reasons(planned({ today: '2026-11-26', rows: [r], journal }))).toEqual(['already-notified']);
    const moved = { ...r, endDate: d('2026-12-03') };
    expect(kinds(planned({ today: '2026-11-26', rows: [moved], journal }))).toEqual(['notify-week-ahead']);
  });

  it('warns the admins when a sweep stopped between claiming and sending a notice', () => {
    const r = row({ endDate: '2026-12-01' });
    const result = planned({ today: '2026-11-26', rows: [r], journal: { [noticeKey(r)]: 'started' } });
    expect(result.actions).toEqual([]);
    expect(result.skips).toEqual([
      expect.objectContaining({
        reason: 'already-notified',
        attention: true,
        detail: { kind: 'notice-unsure', notice: 'week-ahead' },
      }),
    ]);
  });

  it('sends a notice again whose send failed, to the owner or to the admins', () => {
    const r = row({ endDate: '2026-12-01' });
    const failed = planned({ today: '2026-11-27', rows: [r], journal: { [noticeKey(r)]: 'failed' } });
    expect(failed.skips).toEqual([]);
    expect(kinds(failed)).toEqual(['notify-week-ahead']);

    const nobody = row({ endDate: '2026-12-01', name: 'Nobody Known' });
    const journal = { [ownerUnknownKey({ ...nobody, rowNumber: 2 })]: 'failed' as const };
    const unknown = planned({ today: '2026-11-27', rows: [nobody], journal });
    expect(unknown.skips).toEqual([]);
    expect(kinds(unknown)).toEqual(['notify-owner-unknown']);
  });

  it('crosses a month end and a leap day', () => {
    const r = row({ endDate: '2028-03-01' });
    expect(planned({ today: '2028-02-23', rows: [r] }).actions).toEqual([
      expect.objectContaining({ kind: 'notify-week-ahead', daysLeft: 7 }),
    ]);
    expect(kinds(planned({ today: '2028-02-22', rows: [r] }))).toEqual([]);
  });

  it('finds the owner through the Email tag once Slack has answered', () => {
    const r = row({ endDate: '2026-12-01', name: 'Unknown Person' });
    const users = [user('etl-bot', { tags: { Email: 'ops@example.com' } })];
    const base = { today: '2026-11-30', rows: [r], users };
    expect(emailLookups(input(base))).toEqual(['ops@example.com']);
    const result = planned({ ...base, emails: { 'ops@example.com': 'U77OPS' } });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: 'notify-week-ahead', slackId: 'U77OPS' }),
    ]);
  });

  it('finds the owner through the ledger’s email column before the IAM tags, one lookup per address', () => {
    const rows = [
      row({ endDate: '2026-12-01', name: 'Form Person', email: 'form@example.com' }),
      row({
        endDate: '2026-12-02',
        name: 'Form Person',
        email: 'form@example.com',
        accessKeyId: 'AKIAFORM000000000002',
        id: 'AKIAFORM000000000002',
      }),
    ];
    const users = [user('etl-bot', { tags: { Email: 'ops@example.com' } })];
    const base = { today: '2026-11-30', rows, users };
    expect(emailLookups(input(base))).toEqual(['form@example.com', 'ops@example.com']);
    const result = planned({
      ...base,
      emails: { 'form@example.com': 'U88FORM', 'ops@example.com': 'U77OPS' },
    });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: 'notify-week-ahead', slackId: 'U88FORM' }),
      expect.objectContaining({ kind: 'notify-week-ahead', slackId: 'U88FORM' }),
    ]);
  });

  it('tells the admins, once, when nobody owns the row', () => {
    const r = row({ endDate: '2026-12-01', name: 'Nobody Known' });
    const first = planned({ today: '2026-11-30', rows: [r] });
    expect(first.actions).toEqual([
      expect.objectContaining({
        kind: 'notify-owner-unknown',
        reason: expect.objectContaining({
          tried: expect.arrayContaining([expect.objectContaining({ kind: 'name', matches: 0 })]),
        }),
      }),
    ]);
    const journal = { [ownerUnknownKey({ ...r, rowNumber: 2 })]: 'completed' as const };
    expect(kinds(planned({ today: '2026-12-01', rows: [r], journal }))).toEqual([]);
  });
});

describe('no deletion without a warning (FINAL_NOTICE_DAYS)', () => {
  const r = row({ endDate: '2026-12-01' });
  const at2 = { ...r, rowNumber: 2 };
  const warned = (key: string, completedOn: string) => ({
    [key]: { state: 'completed' as const, action: journalAction(key), completedOn: d(completedOn) },
  });
  const base = { rows: [r], finalNoticeDays: 3 };

  it('a past-due row nobody was told about gets a final notice naming a date, not a teardown', () => {
    const result = planned({ ...base, today: '2026-12-05' });
    expect(result.actions).toEqual([
      {
        kind: 'notify-final',
        key: finalNoticeKey(at2),
        row: at2,
        deleteOn: d('2026-12-08'),
        to: { kind: 'owner', slackId: 'U01YAMADA' },
      },
    ]);
  });

  it('with no known owner the final notice goes to the admins', () => {
    const nobody = row({ endDate: '2026-12-01', name: 'Nobody Known' });
    const result = planned({ ...base, rows: [nobody], today: '2026-12-02' });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: 'notify-final',
        deleteOn: d('2026-12-05'),
        to: {
          kind: 'admins',
          reason: expect.objectContaining({
            tried: expect.arrayContaining([expect.objectContaining({ kind: 'name', matches: 0 })]),
          }),
        },
      }),
    ]);
  });

  it('a week-ahead notice (or the admins told of no owner) at least that many days old lets the removal go ahead', () => {
    for (const key of [noticeKey(at2), ownerUnknownKey(at2)])
      expect(kinds(planned({ ...base, today: '2026-12-02', journal: warned(key, '2026-11-24') }))).toEqual([
        'teardown-user',
      ]);
    // Exactly FINAL_NOTICE_DAYS before is enough.
    expect(
      kinds(planned({ ...base, today: '2026-12-02', journal: warned(noticeKey(at2), '2026-11-29') })),
    ).toEqual(['teardown-user']);
  });

  it('a notice sent too late, a notice that may never have gone out, or one without a date does not count', () => {
    const late = planned({ ...base, today: '2026-12-02', journal: warned(noticeKey(at2), '2026-11-30') });
    expect(late.actions).toEqual([
      expect.objectContaining({ kind: 'notify-final', deleteOn: d('2026-12-05') }),
    ]);
    for (const entry of ['started', 'completed', 'failed'] as const)
      expect(kinds(planned({ ...base, today: '2026-12-02', journal: { [noticeKey(at2)]: entry } }))).toEqual([
        'notify-final',
      ]);
  });

  it('keeps to the journaled date: waits until it, then removes; an unsent final notice keeps the key', () => {
    const final = {
      [finalNoticeKey(at2)]: {
        state: 'completed' as const,
        action: 'final-notice',
        completedOn: d('2026-12-02'),
        deleteOn: d('2026-12-05'),
      },
    };
    for (const today of ['2026-12-02', '2026-12-04']) {
      const waiting = planned({ ...base, today, journal: final });
      expect(waiting.actions).toEqual([]);
      expect(waiting.skips).toEqual([
        expect.objectContaining({
          reason: 'deletion-scheduled',
          attention: false,
          deleteOn: d('2026-12-05'),
        }),
      ]);
    }
    expect(kinds(planned({ ...base, today: '2026-12-05', journal: final }))).toEqual(['teardown-user']);

    const unsent = planned({ ...base, today: '2026-12-09', journal: { [finalNoticeKey(at2)]: 'started' } });
    expect(unsent.actions).toEqual([]);
    expect(unsent.skips).toEqual([
      expect.objectContaining({
        reason: 'already-notified',
        attention: true,
        detail: { kind: 'notice-unsure', notice: 'final' },
      }),
    ]);
  });

  it('a final notice whose send failed goes out again, naming a date counted from the day it is sent', () => {
    const journal = {
      [finalNoticeKey(at2)]: { state: 'failed' as const, action: 'final-notice', deleteOn: d('2026-12-05') },
    };
    const retried = planned({ ...base, today: '2026-12-03', journal });
    expect(retried.skips).toEqual([]);
    expect(retried.actions).toEqual([
      expect.objectContaining({ kind: 'notify-final', key: finalNoticeKey(at2), deleteOn: d('2026-12-06') }),
    ]);
    // Never removed on the date the failed notice would have named.
    expect(kinds(planned({ ...base, today: '2026-12-05', journal }))).toEqual(['notify-final']);
    // A catch-up run counts from the real date.
    const caughtUp = planned({ ...base, today: '2026-12-03', noticeDay: '2026-12-04', journal });
    expect(caughtUp.actions).toEqual([
      expect.objectContaining({ kind: 'notify-final', deleteOn: d('2026-12-07') }),
    ]);
  });

  it('an owner who extends in the meantime wins: a new end date or a pending request stops the removal', () => {
    const final = {
      [finalNoticeKey(at2)]: {
        state: 'completed' as const,
        action: 'final-notice',
        deleteOn: d('2026-12-05'),
      },
    };
    const extended = row({ endDate: '2027-01-31', accessKeyId: r.accessKeyId });
    expect(kinds(planned({ ...base, rows: [extended], today: '2026-12-05', journal: final }))).toEqual([]);
    const pending = row({ endDate: '2026-12-01', accessKeyId: r.accessKeyId, status: 'extension-requested' });
    expect(reasons(planned({ ...base, rows: [pending], today: '2026-12-05', journal: final }))).toEqual([
      'extension-pending',
    ]);
  });

  it('catching up a past day counts the warning from the real date, so it is never shortened', () => {
    const result = planned({ ...base, today: '2026-12-02', noticeDay: '2026-12-04' });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: 'notify-final', deleteOn: d('2026-12-07') }),
    ]);
  });

  it('a first run against a ledger full of expired rows sends final notices, all naming one date, and deletes nothing', () => {
    const rows = ['2026-10-01', '2026-11-15', '2026-12-01'].map((endDate, i) =>
      row({ endDate, iamUser: `old-${i}` }),
    );
    const result = planned({ ...base, rows, today: '2026-12-03' });
    expect(result.actions.map((a) => [a.kind, a.kind === 'notify-final' ? a.deleteOn : null])).toEqual([
      ['notify-final', '2026-12-06'],
      ['notify-final', '2026-12-06'],
      ['notify-final', '2026-12-06'],
    ]);
    expect(plan(input({ ...base, rows, today: '2026-12-03' })).removals).toEqual([]);
  });

  it('0 restores plain next-day deletion; a teardown a previous sweep started is finished either way', () => {
    expect(kinds(planned({ ...base, finalNoticeDays: 0, today: '2026-12-02' }))).toEqual(['teardown-user']);
    const journal = { [teardownKey(at2)]: { state: 'started' as const, action: 'teardown-user' } };
    expect(kinds(planned({ ...base, today: '2026-12-02', journal }))).toEqual(['teardown-user']);
  });
});

describe('several rows for one access key', () => {
  it('an identical copy is one entry: one notice, one teardown, and the copy is reported as a duplicate', () => {
    const r = row({ endDate: '2026-12-01' });
    const duplicates: RowCopy[] = [{ row: { ...r, rowNumber: 9 }, kind: 'duplicate', governedBy: 2 }];
    const notice = planned({ today: '2026-11-24', rows: [r], duplicates });
    expect(kinds(notice)).toEqual(['notify-week-ahead']);
    expect(notice.skips).toEqual([
      {
        row: { ...r, rowNumber: 9 },
        reason: 'duplicate',
        detail: { kind: 'duplicate', of: 2 },
        attention: false,
      },
    ]);
    expect(kinds(planned({ today: '2026-12-02', rows: [r], duplicates }))).toEqual(['teardown-user']);
  });

  it('a row superseded by a later end date never acts alone', () => {
    const extended = row({ endDate: '2027-01-31' });
    const earlier = { ...extended, rowNumber: 3, endDate: d('2026-11-01') };
    const duplicates: RowCopy[] = [{ row: earlier, kind: 'superseded', governedBy: 2 }];
    const result = planned({ today: '2026-12-02', rows: [extended], duplicates });
    expect(result.actions).toEqual([]);
    expect(result.skips).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          row: earlier,
          reason: 'superseded',
          detail: { kind: 'superseded', by: 2 },
        }),
      ]),
    );
  });

  describe('as the sheet states them: status and account decide which row governs', () => {
    const HEADER = ['氏名', 'アカウント名', 'アクセスキーID', '利用終了日', '状態', 'AWSアカウントID'];
    const KEY = 'AKIAGOVERNINGROW0001';
    const planOf = (lines: string[][]) =>
      plan({
        ...input({ today: '2026-12-02', rows: [], users: [user('etl-bot')] }),
        ledger: parseLedger([HEADER, ...lines]),
      });

    it('a later row saying extended, extension requested or error governs: the earlier active row never acts', () => {
      for (const [status, reason] of [
        ['延長申請中', 'extension-pending'],
        ['延長済み', 'extended'],
        ['エラー', 'error-status'],
      ]) {
        const result = planOf([
          ['山田 太郎', 'etl-bot', KEY, '2026/12/01', '利用中', ''],
          ['山田 太郎', 'etl-bot', KEY, '2027/01/31', status ?? '', ''],
        ]);
        expect(result.actions).toEqual([]);
        expect(result.removals).toEqual([]);
        expect(result.skips.map((s) => [s.row.rowNumber, s.reason])).toEqual([
          [2, 'superseded'],
          [3, reason],
        ]);
      }
    });

    it('rows at the same end date with different statuses are problems, and neither acts', () => {
      for (const status of ['延長申請中', '延長済み', 'エラー']) {
        const result = planOf([
          ['山田 太郎', 'etl-bot', KEY, '2026/12/01', '利用中', ''],
          ['山田 太郎', 'etl-bot', KEY, '2026/12/01', status, ''],
        ]);
        expect(result.actions).toEqual([]);
        expect(result.removals).toEqual([]);
        expect(result.skips).toEqual([]);
        expect(result.problems.map((p) => [p.rowNumber, p.problems])).toEqual([
          [2, [{ kind: 'conflicting-rows', rows: [2, 3], iamUser: 'etl-bot', over: 'status' }]],
          [3, [{ kind: 'conflicting-rows', rows: [2, 3], iamUser: 'etl-bot', over: 'status' }]],
        ]);
      }
    });

    it('a blank account cell beside an explicit account id is a problem, and neither row acts', () => {
      const result = planOf([
        ['山田 太郎', 'etl-bot', KEY, '2026/12/01', '利用中', ''],
        ['山田 太郎', 'etl-bot', KEY, '2026/12/01', '利用中', ACCOUNT],
      ]);
      expect(result.actions).toEqual([]);
      expect(result.removals).toEqual([]);
      expect(result.problems.map((p) => p.problems)).toEqual([
        [{ kind: 'conflicting-rows', rows: [2, 3], iamUser: 'etl-bot', over: 'account' }],
        [{ kind: 'conflicting-rows', rows: [2, 3], iamUser: 'etl-bot', over: 'account' }],
      ]);
    });
  });

  describe('rows naming one key for different IAM users', () => {
    const key = nextKey();
    const right = row({ endDate: '2026-12-01', accessKeyId: key, iamUser: 'etl-bot' });
    const typo = row({ endDate: '2026-12-01', accessKeyId: key, iamUser: 'web-bot', name: '佐藤 花子' });
    const rows = [typo, right];
    const base = { rows, users: [user('etl-bot'), user('web-bot')] };

    it('the key holder’s row gets its notice and teardown; the other is a key mismatch', () => {
      const keyHolders = { [key]: { kind: 'found' as const, userName: 'etl-bot' } };
      const notice = planned({ ...base, today: '2026-11-24', keyHolders });
      expect(notice.actions).toEqual([
        expect.objectContaining({
          kind: 'notify-week-ahead',
          row: expect.objectContaining({ iamUser: 'etl-bot' }),
        }),
      ]);
      expect(notice.skips).toEqual([
        expect.objectContaining({
          reason: 'key-mismatch',
          attention: true,
          detail: {
            kind: 'key-contested',
            key: expect.stringMatching(/^AKIA…/),
            iamUser: 'web-bot',
            others: [{ rowNumber: 3, iamUser: 'etl-bot' }],
            holder: 'etl-bot',
          },
        }),
      ]);
      const due = planned({ ...base, today: '2026-12-02', keyHolders });
      expect(due.actions).toEqual([expect.objectContaining({ kind: 'teardown-user', userName: 'etl-bot' })]);
      expect(reasons(due)).toEqual(['key-mismatch']);
    });

    it('when IAM could not be read, or no answer came, neither row acts', () => {
      for (const keyHolders of [
        { [key]: { kind: 'unknown' as const, userName: 'web-bot', error: 'Throttling: Rate exceeded' } },
        {},
      ]) {
        const result = planned({ ...base, today: '2026-12-02', keyHolders });
        expect(result.actions).toEqual([]);
        expect(result.skips.map((s) => [s.reason, s.attention])).toEqual([
          ['key-check-failed', true],
          ['key-check-failed', true],
        ]);
      }
    });

    it('when neither user holds the key, both rows are key mismatches', () => {
      const keyHolders = { [key]: { kind: 'found' as const, userName: null } };
      const result = planned({ ...base, today: '2026-12-02', keyHolders });
      expect(result.actions).toEqual([]);
      expect(reasons(result)).toEqual(['key-mismatch', 'key-mismatch']);
    });

    it('only keys with a live row near its end date need IAM: deleted and far rows do not', () => {
      const scope = { today: d('2026-11-24'), noticeDays: 7 };
      expect(contestedKeys({ ...scope, rows })).toEqual(new Map([[key, ['web-bot', 'etl-bot']]]));
      expect(contestedKeys({ ...scope, rows: [{ ...typo, status: 'deleted' }, right] })).toEqual(new Map());
      const far = rows.map((r) => ({ ...r, endDate: d('2027-06-01') }));
      expect(contestedKeys({ ...scope, rows: far })).toEqual(new Map());
    });
  });
});

describe('teardown', () => {
  it('tears down the whole user the day after the end date, not on it', () => {
    const r = row({ endDate: '2026-12-01' });
    const users = [
      user('etl-bot', {
        attachedPolicyArns: [
          `arn:aws:iam::${ACCOUNT}:policy/etl-bot-policy`,
          'arn:aws:iam::aws:policy/ReadOnlyAccess',
        ],
      }),
    ];
    expect(kinds(planned({ today: '2026-12-01', rows: [r], users }))).toEqual(['notify-week-ahead']);
    const result = planned({ today: '2026-12-02', rows: [r], users });
    expect(result.actions).toEqual([
      {
        kind: 'teardown-user',
        userName: 'etl-bot',
        rows: [{ ...r, rowNumber: 2 }],
        keys: [teardownKey(r)],
        customerPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/etl-bot-policy`],
      },
    ]);
  });

  it('uses the Tokyo calendar day: 15:00 UTC is already tomorrow in Tokyo', () => {
    const r = row({ endDate: '2026-11-24' });
    const before = dateInZone(new Date('2026-11-24T14:59:00Z'), 'Asia/Tokyo');
    const after = dateInZone(new Date('2026-11-24T15:00:00Z'), 'Asia/Tokyo');
    expect(kinds(planned({ today: before, rows: [r] }))).toEqual(['notify-week-ahead']);
    expect(kinds(planned({ today: after, rows: [r] }))).toEqual(['teardown-user']);
  });

  it('still tears down after missed days', () => {
    expect(kinds(planned({ today: '2027-01-15', rows: [row({ endDate: '2026-12-01' })] }))).toEqual([
      'teardown-user',
    ]);
  });

  it('removes two due rows of one user in a single teardown', () => {
    const rows = [row({ endDate: '2026-11-01' }), row({ endDate: '2026-11-10' })];
    const result = planned({ today: '2026-11-20', rows });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: 'teardown-user', keys: rows.map(teardownKey) }),
    ]);
  });

  it('deletes only the ledger key when the user holds a key the ledger does not know', () => {
    const r = row({ endDate: '2026-11-01' });
    const stray = 'AKIASTRAYSTRAYSTRAY1';
    const result = planned({ today: '2026-11-20', rows: [r], keys: { 'etl-bot': [r.accessKeyId, stray] } });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: 'delete-key',
        keptBecause: [{ key: 'AKIA…RAY1', row: null }],
      }),
    ]);
  });

  it('deletes only the due key when another ledger row of the user is still active', () => {
    const due = row({ endDate: '2026-11-01' });
    const current = row({ endDate: '2027-03-31' });
    const result = planned({ today: '2026-11-20', rows: [due, current] });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: 'delete-key',
        keptBecause: [
          expect.objectContaining({ row: { rowNumber: 3, status: 'active', endDate: '2027-03-31' } }),
        ],
      }),
    ]);
  });
});

describe('guards', () => {
  it.each([
    ['deleted', 'deleted', false],
    ['extended', 'extended', true],
    ['extension-requested', 'extension-pending', true],
    ['error', 'error-status', true],
  ] as const)('skips a %s row past its end date', (status, reason, attention) => {
    const result = planned({ today: '2026-12-10', rows: [row({ endDate: '2026-12-01', status })] });
    expect(result.actions).toEqual([]);
    expect(result.skips).toEqual([expect.objectContaining({ reason, attention })]);
  });

  it('never touches a user protected by configuration or by tag', () => {
    const a = row({ endDate: '2026-11-01', iamUser: 'break-glass' });
    const b = row({ endDate: '2026-11-01', iamUser: 'tagged' });
    const users = [user('break-glass'), user('tagged', { tags: { 'keywarden:protected': 'TRUE' } })];
    const scenario = { today: '2026-11-20', rows: [a, b], users, protectedUsers: ['break-glass'] };
    const result = planned(scenario);
    expect(result.actions).toEqual([]);
    expect(reasons(result)).toEqual(['protected', 'protected']);
    expect(plan(input(scenario)).removals).toEqual([]);
  });

  it('refuses a row whose key is not the user’s', () => {
    const r = row({ endDate: '2026-11-01' });
    const result = planned({ today: '2026-11-20', rows: [r], keys: { 'etl-bot': ['AKIAOTHEROTHEROTHER1'] } });
    expect(result.actions).toEqual([]);
    expect(result.skips).toEqual([
      expect.objectContaining({
        reason: 'key-mismatch',
        attention: true,
        detail: expect.objectContaining({ kind: 'key-not-held', held: ['AKIA…HER1'] }),
      }),
    ]);
  });

  it('reports a user missing from IAM instead of calling it deleted', () => {
    const result = planned({
      today: '2026-11-20',
      rows: [row({ endDate: '2026-11-01' })],
      users: [],
      keys: {},
    });
    expect(result.actions).toEqual([]);
    expect(result.skips).toEqual([expect.objectContaining({ reason: 'user-not-in-iam', attention: true })]);
  });

  it('leaves rows of another AWS account alone', () => {
    const result = planned({
      today: '2026-11-20',
      rows: [row({ endDate: '2026-11-01', accountId: '999999999999' })],
    });
    expect(reasons(result)).toEqual(['other-account']);
  });
});

describe('resuming after a crash', () => {
  it('finishes a teardown whose user is already gone', () => {
    const r = row({ endDate: '2026-11-01' });
    const journal = { [teardownKey(r)]: 'started' as const };
    const result = planned({ today: '2026-11-20', rows: [r], users: [], keys: {}, journal });
    expect(kinds(result)).toEqual(['finish-teardown']);
  });

  it('finishes a key deletion whose key is already gone', () => {
    const r = row({ endDate: '2026-11-01' });
    const journal = { [teardownKey(r)]: 'started' as const };
    expect(kinds(planned({ today: '2026-11-20', rows: [r], keys: { 'etl-bot': [] }, journal }))).toEqual([
      'finish-teardown',
    ]);
  });

  it('carries on with the whole user when an interrupted user teardown already removed the key', () => {
    const r = row({ endDate: '2026-11-01' });
    const journal = { [teardownKey(r)]: { state: 'started' as const, action: 'teardown-user' } };
    const result = planned({ today: '2026-11-20', rows: [r], keys: { 'etl-bot': [] }, journal });
    expect(kinds(result)).toEqual(['teardown-user']);
  });

  it('refuses, and does not call it deleted, when the user disappears between the inventory and the key check', () => {
    const r = row({ endDate: '2026-11-01' });
    const [removal] = plan(input({ today: '2026-11-20', rows: [r] })).removals;
    if (!removal) throw new Error('expected a removal');
    expect(settleRemoval(removal, null)).toEqual({
      actions: [],
      skips: [
        expect.objectContaining({
          reason: 'user-not-in-iam',
          attention: true,
          detail: { kind: 'user-removed-during-sweep', iamUser: 'etl-bot' },
        }),
      ],
    });
    const journal = { [teardownKey(r)]: { state: 'started' as const, action: 'teardown-user' } };
    const [resumed] = plan(input({ today: '2026-11-20', rows: [r], journal })).removals;
    if (!resumed) throw new Error('expected a removal');
    expect(settleRemoval(resumed, null).actions).toEqual([
      { kind: 'finish-teardown', key: teardownKey(r), row: { ...r, rowNumber: 2 } },
    ]);
  });

  it('finishes, rather than deletes, a key an interrupted user teardown removed before the user got a new key', () => {
    const r = row({ endDate: '2026-11-01' });
    const journal = { [teardownKey(r)]: { state: 'started' as const, action: 'teardown-user' } };
    const stray = 'AKIASTRAYSTRAYSTRAY1';
    const result = planned({ today: '2026-11-20', rows: [r], keys: { 'etl-bot': [stray] }, journal });
    expect(kinds(result)).toEqual(['finish-teardown']);
  });

  it('records in the ledger a teardown that completed before the write-back', () => {
    const r = row({ endDate: '2026-11-01' });
    const journal = { [teardownKey(r)]: 'completed' as const };
    expect(kinds(planned({ today: '2026-11-20', rows: [r], users: [], keys: {}, journal }))).toEqual([
      'record-deleted',
    ]);
  });
});

describe('what the shell must fetch', () => {
  it('leaves a key check only for users with a row past its end date, and reads journal keys only near one', () => {
    const far = row({ endDate: '2027-06-01', iamUser: 'far' });
    const soon = row({ endDate: '2026-11-25', iamUser: 'soon' });
    const over = row({ endDate: '2026-11-10', iamUser: 'over' });
    const gone = row({ endDate: '2026-01-01', iamUser: 'gone', status: 'deleted' });
    const scenario = input({ today: '2026-11-20', rows: [far, soon, over, gone] });
    expect(plan(scenario).removals.map((removal) => removal.userName)).toEqual(['over']);
    expect(journalKeysFor(scenario)).toEqual(
      [soon, over].flatMap((r) => [noticeKey(r), ownerUnknownKey(r), finalNoticeKey(r), teardownKey(r)]),
    );
  });
});
