import { IamAccount } from '@keywarden/iam-simulator';
import {
  type AccessKeyInfo,
  type CredentialReportRow,
  type PasswordInfo,
  parseCredentialReport,
  ROOT_USER,
  type Slot,
} from '../../src/domain/credential-report';
import { addDays, type LocalDate } from '../../src/domain/dates';
import {
  DEFAULT_HYGIENE_POLICY,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type FindingOf,
  findings,
  type HygienePolicy,
  isoWeek,
  summarise,
} from '../../src/domain/hygiene';

const JST = 'Asia/Tokyo';
/** Friday 2026-05-01, 12:00 in Tokyo; ISO week 2026-W18. */
const NOW = new Date('2026-05-01T03:00:00Z');
const TODAY = '2026-05-01' as LocalDate;
const WEEK = '2026-W18';

/** An instant `n` calendar days before TODAY in Tokyo, at `time` Tokyo time. */
const daysAgo = (n: number, time = '12:00:00') => new Date(`${addDays(TODAY, -n)}T${time}+09:00`);
const daysAhead = (n: number, time = '12:00:00') => daysAgo(-n, time);

const WITH_MAX_AGE: HygienePolicy = { ...DEFAULT_HYGIENE_POLICY, passwordPolicy: { maxPasswordAge: 90 } };

interface UserSpec {
  readonly createdAt?: Date;
  readonly password?: Partial<PasswordInfo>;
  readonly mfaActive?: boolean;
  readonly accessKeys?: readonly AccessKeyInfo[];
}

/** A healthy user by default: recent sign-in, MFA, no keys. Each test spoils one thing. */
function user(name: string, spec: UserSpec = {}): CredentialReportRow {
  return {
    lineNumber: 3,
    user: name,
    arn: `arn:aws:iam::123456789012:user/${name}`,
    isRoot: false,
    createdAt: spec.createdAt ?? daysAgo(1000),
    password: {
      enabled: true,
      lastUsed: daysAgo(1),
      lastChanged: daysAgo(10),
      nextRotation: null,
      ...spec.password,
    },
    mfaActive: spec.mfaActive ?? true,
    accessKeys: spec.accessKeys ?? [],
    certs: [],
  };
}

/** A root row as AWS writes it: password columns not_supported, so enabled reads false. */
function root(
  spec: Omit<UserSpec, 'password'> & { passwordLastUsed?: Date | 'unknown' } = {},
): CredentialReportRow {
  return {
    ...user(ROOT_USER, { ...spec, mfaActive: spec.mfaActive ?? true }),
    lineNumber: 2,
    arn: 'arn:aws:iam::123456789012:root',
    isRoot: true,
    password: {
      enabled: false,
      lastUsed: spec.passwordLastUsed ?? 'unknown',
      lastChanged: null,
      nextRotation: null,
    },
  };
}

function key(slot: Slot, rotated: Date, lastUsed: Date | null = daysAgo(1), active = true): AccessKeyInfo {
  return {
    slot,
    active,
    lastRotated: rotated,
    lastUsed,
    lastUsedRegion: lastUsed ? 'us-east-1' : null,
    lastUsedService: lastUsed ? 's3' : null,
  };
}

function run(
  rows: readonly CredentialReportRow[],
  options: { policy?: HygienePolicy; now?: Date; timeZone?: string } = {},
): Finding[] {
  return findings(
    rows,
    options.policy ?? DEFAULT_HYGIENE_POLICY,
    options.now ?? NOW,
    options.timeZone ?? JST,
  );
}

const kinds = (found: readonly Finding[]) => found.map((f) => f.kind);

function one<K extends FindingKind>(found: readonly Finding[], kind: K): FindingOf<K> {
  const matches = found.filter((f): f is FindingOf<K> => f.kind === kind);
  expect(matches).toHaveLength(1);
  return matches[0]!;
}

describe('a healthy account', () => {
  it('has no findings', () => {
    const rows = [
      root({ passwordLastUsed: daysAgo(200) }),
      user('alice', { accessKeys: [key(1, daysAgo(30)), key(2, daysAgo(5), null)] }),
      user('bot', { password: { enabled: false, lastUsed: null, lastChanged: null }, mfaActive: false }),
    ];
    expect(run(rows, { policy: WITH_MAX_AGE })).toEqual([]);
  });
});

describe('password expiry', () => {
  const due = (nextRotation: Date, policy = WITH_MAX_AGE, now = NOW, timeZone = JST) =>
    run([user('alice', { password: { nextRotation } })], { policy, now, timeZone });

  it('honours the report’s next rotation without a password policy (a saved report has none)', () => {
    // IAM writes password_next_rotation only while the policy has a maximum age: the column is the policy.
    expect(one(due(daysAhead(4), DEFAULT_HYGIENE_POLICY), 'password-expiring')).toMatchObject({
      daysLeft: 4,
      dueDate: '2026-05-05',
    });
    expect(kinds(due(daysAgo(1), { ...WITH_MAX_AGE, passwordPolicy: {} }))).toEqual(['password-expired']);
    expect(kinds(due(daysAhead(30), { ...WITH_MAX_AGE, passwordPolicy: null }))).toEqual([]);
  });

  it('works nothing out from the last change without a maximum age', () => {
    const old = [user('alice', { password: { lastChanged: daysAgo(400), nextRotation: null } })];
    expect(run(old, { policy: DEFAULT_HYGIENE_POLICY })).toEqual([]);
    expect(run(old, { policy: { ...WITH_MAX_AGE, passwordPolicy: {} } })).toEqual([]);
  });

  it.each([
    [8, []],
    [7, ['password-expiring']],
    [6, ['password-expiring']],
    [1, ['password-expiring']],
  ])('due in %p days gives %p (notice window of 7 days, inclusive)', (daysLeft, expected) => {
    const found = due(daysAhead(daysLeft));
    expect(kinds(found)).toEqual(expected);
    if (expected.length > 0) expect(one(found, 'password-expiring').daysLeft).toBe(daysLeft);
  });

  it('says "today" when it expires later today, and expired once the instant has passed', () => {
    const dueAt = new Date('2026-05-01T05:00:00Z'); // 14:00 in Tokyo
    const before = one(due(dueAt, WITH_MAX_AGE, new Date('2026-05-01T04:59:59Z')), 'password-expiring');
    expect(before).toMatchObject({ daysLeft: 0, dueDate: '2026-05-01' });
    expect(before.detail).toBe('console password expires today, on 2026-05-01');

    const after = one(due(dueAt, WITH_MAX_AGE, new Date('2026-05-01T05:00:00Z')), 'password-expired');
    expect(after).toMatchObject({ daysOverdue: 0, dueDate: '2026-05-01' });
  });

  it('reports an expired password with the days since', () => {
    const expired = one(due(daysAgo(3)), 'password-expired');
    expect(expired).toMatchObject({ user: 'alice', daysOverdue: 3, dueDate: '2026-04-28' });
    expect(expired.detail).toMatch(/expired on 2026-04-28 \(3 days ago\)/);
  });

  it('counts days to the due date in the configured zone: 15:00 UTC is midnight in Tokyo', () => {
    const dueAt = new Date('2026-05-08T15:00:00Z'); // 2026-05-09 00:00 in Tokyo
    const lastSecondOfMay1 = new Date('2026-05-01T14:59:59Z');
    const firstSecondOfMay2 = new Date('2026-05-01T15:00:00Z');
    expect(due(dueAt, WITH_MAX_AGE, lastSecondOfMay1)).toEqual([]); // May 1 → May 9: 8 days
    expect(one(due(dueAt, WITH_MAX_AGE, firstSecondOfMay2), 'password-expiring').daysLeft).toBe(7);
    // The same instants in UTC: due May 8, so it is already 7 days out on May 1.
    expect(one(due(dueAt, WITH_MAX_AGE, lastSecondOfMay1, 'UTC'), 'password-expiring')).toMatchObject({
      daysLeft: 7,
      dueDate: '2026-05-08',
    });
  });

  it('works the due time out from the last change when the report has no next rotation', () => {
    // Set 85 days ago at 12:00 Tokyo: due 90 days later, 5 days from now.
    const found = run([user('alice', { password: { lastChanged: daysAgo(85), nextRotation: null } })], {
      policy: WITH_MAX_AGE,
    });
    expect(one(found, 'password-expiring')).toMatchObject({ daysLeft: 5, dueAt: daysAhead(5) });

    const short = run([user('alice', { password: { lastChanged: daysAgo(85), nextRotation: null } })], {
      policy: { ...WITH_MAX_AGE, passwordPolicy: { maxPasswordAge: 30 } },
    });
    expect(one(short, 'password-expired').daysOverdue).toBe(55);
  });

  it('prefers the report’s next rotation to its own arithmetic', () => {
    const found = run(
      [user('alice', { password: { lastChanged: daysAgo(85), nextRotation: daysAhead(30) } })],
      {
        policy: WITH_MAX_AGE,
      },
    );
    expect(found).toEqual([]);
  });

  it('reads expiry from the last change, never from the last sign-in', () => {
    // Signed in long ago but set a new password recently: not expiring.
    const recentChange = user('alice', {
      password: { lastUsed: daysAgo(89), lastChanged: daysAgo(2), nextRotation: null },
    });
    expect(run([recentChange], { policy: WITH_MAX_AGE })).toEqual([]);
    // Signed in yesterday on a password set 88 days ago: expiring.
    const oldChange = user('alice', {
      password: { lastUsed: daysAgo(1), lastChanged: daysAgo(88), nextRotation: null },
    });
    expect(kinds(run([oldChange], { policy: WITH_MAX_AGE }))).toEqual(['password-expiring']);
  });

  it('ignores a user without a console password', () => {
    const found = run(
      [
        user('bot', {
          password: { enabled: false, lastUsed: null, lastChanged: null, nextRotation: daysAgo(1) },
        }),
      ],
      { policy: WITH_MAX_AGE },
    );
    expect(found).toEqual([]);
  });

  it('keys a warning by its due date, so one deadline is warned about once', () => {
    const dueAt = daysAhead(7);
    const first = one(due(dueAt), 'password-expiring');
    const later = one(due(dueAt, WITH_MAX_AGE, daysAhead(4)), 'password-expiring');
    expect(first.key).toBe('finding#password-expiring#alice#password#2026-05-08');
    expect(later.key).toBe(first.key);
    expect(later.daysLeft).toBe(3);
    // A new password is a new deadline.
    expect(one(due(daysAhead(6)), 'password-expiring').key).not.toBe(first.key);
  });

  it('keys an expired password by ISO week, so it is repeated weekly', () => {
    expect(one(due(daysAgo(3)), 'password-expired').key).toBe(
      `finding#password-expired#alice#password#${WEEK}`,
    );
    const nextWeek = one(due(daysAgo(3), WITH_MAX_AGE, daysAhead(3)), 'password-expired');
    expect(nextWeek.key).toBe('finding#password-expired#alice#password#2026-W19');
  });
});

describe('access key age', () => {
  const aged = (ageDays: number, policy: HygienePolicy = DEFAULT_HYGIENE_POLICY) =>
    run([user('alice', { accessKeys: [key(1, daysAgo(ageDays))] })], { policy });

  it.each([
    [79, []],
    [80, ['key-expiring']],
    [81, ['key-expiring']],
    [89, ['key-expiring']],
    [90, ['key-too-old']],
    [91, ['key-too-old']],
    [400, ['key-too-old']],
  ])('a key %p days old gives %p (limit 90, notice 10)', (age, expected) => {
    expect(kinds(aged(age))).toEqual(expected);
  });

  it('counts the days left to the limit', () => {
    expect(one(aged(80), 'key-expiring')).toMatchObject({
      slot: 1,
      ageDays: 80,
      daysLeft: 10,
      dueDate: '2026-05-11',
    });
    expect(one(aged(89), 'key-expiring')).toMatchObject({ daysLeft: 1, dueDate: '2026-05-02' });
    const old = one(aged(120), 'key-too-old');
    expect(old).toMatchObject({ ageDays: 120, createdOn: '2026-01-01' });
    expect(old.detail).toBe(
      'access key 1 is 120 days old (created 2026-01-01); the limit is 90 days: rotate it',
    );
  });

  it('follows the policy', () => {
    const strict = { ...DEFAULT_HYGIENE_POLICY, keyMaxAgeDays: 30, keyNoticeDays: 0 };
    expect(kinds(aged(29, strict))).toEqual([]);
    expect(kinds(aged(30, strict))).toEqual(['key-too-old']);
  });

  it('counts calendar days in the configured zone: 15:00 UTC is midnight in Tokyo', () => {
    const createdAt = new Date('2026-01-31T15:00:00Z'); // 2026-02-01 00:00 in Tokyo
    const rows = [user('alice', { accessKeys: [key(1, createdAt)] })];
    // 12:00 Tokyo on May 1: Feb 1 → May 1 is 89 days in Tokyo, Jan 31 → May 1 is 90 in UTC.
    expect(one(run(rows), 'key-expiring').ageDays).toBe(89);
    expect(one(run(rows, { timeZone: 'UTC' }), 'key-too-old').ageDays).toBe(90);
    // Tokyo's May 2 starts at 15:00 UTC on May 1, and with it the key's 90th day.
    expect(kinds(run(rows, { now: new Date('2026-05-01T14:59:59Z') }))).toEqual(['key-expiring']);
    expect(kinds(run(rows, { now: new Date('2026-05-01T15:00:00Z') }))).toEqual(['key-too-old']);
  });

  it('ignores inactive keys', () => {
    const found = run([user('alice', { accessKeys: [key(1, daysAgo(500), daysAgo(1), false)] })]);
    expect(found).toEqual([]);
  });

  it('reports each key of a user on its own', () => {
    const found = run([user('alice', { accessKeys: [key(1, daysAgo(200)), key(2, daysAgo(85))] })]);
    expect(found.map((f) => [f.kind, f.key])).toEqual([
      ['key-too-old', `finding#key-too-old#alice#key-1#${WEEK}`],
      ['key-expiring', 'finding#key-expiring#alice#key-2#2026-05-06'],
    ]);
  });

  it('keys a warning by the due date and an old key by ISO week', () => {
    const rows = [user('alice', { accessKeys: [key(1, daysAgo(85))] })];
    const today = one(run(rows), 'key-expiring');
    const inThreeDays = one(run(rows, { now: daysAhead(3) }), 'key-expiring');
    expect(inThreeDays.key).toBe(today.key);
    expect(inThreeDays.daysLeft).toBe(2);
    const tooOld = one(run(rows, { now: daysAhead(5) }), 'key-too-old');
    const aWeekOn = one(run(rows, { now: daysAhead(12) }), 'key-too-old');
    expect(tooOld.key).toBe('finding#key-too-old#alice#key-1#2026-W19');
    expect(aWeekOn.key).toBe('finding#key-too-old#alice#key-1#2026-W20');
  });
});

describe('unused credentials', () => {
  const unused = (found: readonly Finding[]) =>
    found.filter((f): f is FindingOf<'unused-credentials'> => f.kind === 'unused-credentials');

  it.each([
    [89, 0],
    [90, 1],
    [91, 1],
  ])('a password last used %p days ago gives %p finding(s)', (idle, count) => {
    expect(unused(run([user('alice', { password: { lastUsed: daysAgo(idle) } })]))).toHaveLength(count);
  });

  it('describes what it counted from', () => {
    const [finding] = unused(run([user('alice', { password: { lastUsed: daysAgo(100) } })]));
    expect(finding).toMatchObject({
      user: 'alice',
      credential: { type: 'password' },
      basis: 'last-used',
      idleDays: 100,
      idleSince: '2026-01-21',
      key: `finding#unused-credentials#alice#password#${WEEK}`,
    });
    expect(finding!.detail).toBe(
      'console password not used for 100 days (last used 2026-01-21): remove it if nobody needs it',
    );
  });

  it('counts a password never used from the creation of the user', () => {
    const found = (createdDaysAgo: number) =>
      unused(run([user('new', { createdAt: daysAgo(createdDaysAgo), password: { lastUsed: 'never' } })]));
    expect(found(89)).toEqual([]);
    expect(found(90)).toEqual([expect.objectContaining({ basis: 'user-created', idleDays: 90 })]);
  });

  it('counts no_information from the last password change, or the creation without one', () => {
    const found = (lastChanged: Date | null) =>
      unused(run([user('bob', { createdAt: daysAgo(900), password: { lastUsed: 'unknown', lastChanged } })]));
    expect(found(daysAgo(89))).toEqual([]);
    expect(found(daysAgo(90))).toEqual([
      expect.objectContaining({ basis: 'password-changed', idleDays: 90 }),
    ]);
    expect(found(null)).toEqual([expect.objectContaining({ basis: 'user-created', idleDays: 900 })]);
  });

  it('ignores the last use of a password that has been removed', () => {
    const bot = user('bot', { password: { enabled: false, lastUsed: daysAgo(500), lastChanged: null } });
    expect(run([bot])).toEqual([]);
  });

  it.each([
    [89, 0],
    [90, 1],
    [91, 1],
  ])('an active key last used %p days ago gives %p finding(s)', (idle, count) => {
    const found = unused(run([user('alice', { accessKeys: [key(1, daysAgo(20), daysAgo(idle))] })]));
    expect(found).toHaveLength(count);
  });

  it('counts a key never used from its creation, so it cannot live forever', () => {
    const keyFinding = (created: number) =>
      unused(
        run([user('bot', { accessKeys: [key(2, daysAgo(created), null)] })], {
          policy: { ...DEFAULT_HYGIENE_POLICY, keyMaxAgeDays: 1000 },
        }),
      );
    expect(keyFinding(89)).toEqual([]);
    const [finding] = keyFinding(90);
    expect(finding).toMatchObject({
      credential: { type: 'access-key', slot: 2 },
      basis: 'key-created',
      idleDays: 90,
      key: `finding#unused-credentials#bot#key-2#${WEEK}`,
    });
    expect(finding!.detail).toMatch(/^access key 2 not used for 90 days \(never used; created 2026-01-31\)/);
  });

  it('ignores inactive keys', () => {
    expect(unused(run([user('alice', { accessKeys: [key(1, daysAgo(20), daysAgo(300), false)] })]))).toEqual(
      [],
    );
  });

  it('reports the password and each key separately, with distinct keys', () => {
    const found = unused(
      run(
        [
          user('alice', {
            password: { lastUsed: daysAgo(120) },
            accessKeys: [key(1, daysAgo(95), null), key(2, daysAgo(95), daysAgo(100))],
          }),
        ],
        { policy: { ...DEFAULT_HYGIENE_POLICY, keyMaxAgeDays: 1000 } },
      ),
    );
    expect(found.map((f) => f.key)).toEqual([
      `finding#unused-credentials#alice#password#${WEEK}`,
      `finding#unused-credentials#alice#key-1#${WEEK}`,
      `finding#unused-credentials#alice#key-2#${WEEK}`,
    ]);
  });

  it('counts idle days across the Tokyo midnight', () => {
    const lastUsed = new Date('2026-01-31T15:00:00Z'); // 2026-02-01 00:00 in Tokyo
    const rows = [user('alice', { password: { lastUsed } })];
    expect(unused(run(rows, { now: new Date('2026-05-01T14:59:59Z') }))).toEqual([]);
    expect(unused(run(rows, { now: new Date('2026-05-01T15:00:00Z') }))).toHaveLength(1);
    expect(unused(run(rows, { now: new Date('2026-05-01T14:59:59Z'), timeZone: 'UTC' }))).toHaveLength(1);
  });
});

describe('MFA', () => {
  it('flags a console user without MFA', () => {
    const found = run([user('alice', { mfaActive: false })]);
    expect(found).toEqual([
      {
        kind: 'no-mfa',
        key: `finding#no-mfa#alice#mfa#${WEEK}`,
        user: 'alice',
        detail: 'console password enabled without MFA',
      },
    ]);
  });

  it('leaves users without a console password alone', () => {
    const bot = user('bot', {
      mfaActive: false,
      password: { enabled: false, lastUsed: null, lastChanged: null },
    });
    expect(run([bot])).toEqual([]);
  });

  it('reports root without MFA as its own kind', () => {
    expect(kinds(run([root({ mfaActive: false })]))).toEqual(['root-no-mfa']);
  });

  it('changes the weekly key at the Tokyo week boundary, not the UTC one', () => {
    const rows = [user('alice', { mfaActive: false })];
    const sundayNightUtc = new Date('2026-05-03T15:00:00Z'); // Monday 2026-05-04 00:00 in Tokyo
    expect(one(run(rows, { now: sundayNightUtc }), 'no-mfa').key).toBe('finding#no-mfa#alice#mfa#2026-W19');
    expect(one(run(rows, { now: sundayNightUtc, timeZone: 'UTC' }), 'no-mfa').key).toBe(
      'finding#no-mfa#alice#mfa#2026-W18',
    );
  });
});

describe('root', () => {
  it('flags each active root access key, and nothing else about it', () => {
    const found = run([
      root({ accessKeys: [key(1, daysAgo(2000), null), key(2, daysAgo(900), daysAgo(400), false)] }),
    ]);
    expect(found).toEqual([
      {
        kind: 'root-access-keys',
        key: `finding#root-access-keys#${ROOT_USER}#key-1#${WEEK}`,
        user: ROOT_USER,
        slot: 1,
        lastUsed: null,
        lastUsedOn: null,
        detail: 'root user has active access key 1 (never used): delete it',
      },
    ]);
  });

  it.each([
    [0, 1],
    [29, 1],
    [30, 0],
    [31, 0],
  ])('a root sign-in %p days ago gives %p finding(s) (30 days)', (ago, count) => {
    expect(run([root({ passwordLastUsed: daysAgo(ago) })])).toHaveLength(count);
  });

  it('describes a recent root sign-in and keys it by the day of use', () => {
    const found = one(run([root({ passwordLastUsed: daysAgo(3) })]), 'root-recent-use');
    expect(found).toMatchObject({
      credential: { type: 'password' },
      daysAgo: 3,
      usedAt: daysAgo(3),
      usedOn: addDays(TODAY, -3),
    });
    expect(found.key).toBe(`finding#root-recent-use#${ROOT_USER}#password#2026-04-28`);
    expect(found.detail).toBe("root user's password was used 3 days ago, on 2026-04-28");
    // The same use seen a week later is the same finding.
    const later = one(
      run([root({ passwordLastUsed: daysAgo(3) })], { now: daysAhead(7) }),
      'root-recent-use',
    );
    expect(later.key).toBe(found.key);
  });

  it('reports recent use of a root key, even one since deactivated', () => {
    const found = run([root({ accessKeys: [key(2, daysAgo(400), daysAgo(0, '00:00:00'), false)] })]);
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'root-recent-use',
        credential: { type: 'access-key', slot: 2 },
        daysAgo: 0,
        detail: "root user's access key 2 was used today, on 2026-05-01",
      }),
    ]);
  });

  it('does not guess at a root password with no recorded use', () => {
    expect(run([root({ passwordLastUsed: 'unknown' })])).toEqual([]);
  });

  it('follows rootRecentUseDays', () => {
    const policy = { ...DEFAULT_HYGIENE_POLICY, rootRecentUseDays: 7 };
    expect(run([root({ passwordLastUsed: daysAgo(6) })], { policy })).toHaveLength(1);
    expect(run([root({ passwordLastUsed: daysAgo(7) })], { policy })).toEqual([]);
  });
});

describe('findings over a whole report', () => {
  it('keeps report order and makes every key unique', () => {
    const rows = [
      root({ mfaActive: false, passwordLastUsed: daysAgo(1), accessKeys: [key(1, daysAgo(100))] }),
      user('alice', {
        mfaActive: false,
        password: { nextRotation: daysAhead(2) },
        accessKeys: [key(1, daysAgo(95), null)],
      }),
      user('bob', { password: { lastUsed: 'unknown', lastChanged: daysAgo(200) } }),
    ];
    const found = run(rows, { policy: WITH_MAX_AGE });
    expect(found.map((f) => [f.user, f.kind])).toEqual([
      [ROOT_USER, 'root-no-mfa'],
      [ROOT_USER, 'root-access-keys'],
      [ROOT_USER, 'root-recent-use'],
      [ROOT_USER, 'root-recent-use'],
      ['alice', 'password-expiring'],
      ['alice', 'key-too-old'],
      ['alice', 'unused-credentials'],
      ['alice', 'no-mfa'],
      ['bob', 'password-expired'],
      ['bob', 'unused-credentials'],
    ]);
    expect(new Set(found.map((f) => f.key)).size).toBe(found.length);
  });

  it('is pure: frozen input, same output twice', () => {
    const rows = Object.freeze([
      Object.freeze(
        user('alice', { mfaActive: false, accessKeys: [Object.freeze(key(1, daysAgo(95), null))] }),
      ),
    ]);
    expect(run(rows)).toEqual(run(rows));
  });

  it('audits a report rendered by the IAM simulator', () => {
    const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
    iam.setPasswordPolicy({ maxPasswordAge: 90 });
    iam.setRootAccount({ mfaActive: true, passwordLastUsed: daysAgo(10) });

    iam.createUser({ userName: 'alice', createDate: daysAgo(400), passwordLastUsed: daysAgo(1) });
    iam.createLoginProfile('alice', { createDate: daysAgo(85) }); // next rotation in 5 days
    iam.createVirtualMfaDevice('alice', { userName: 'alice' });
    iam.createAccessKey('alice', {
      createDate: daysAgo(120),
      lastUsed: { date: daysAgo(2), service: 'sts', region: 'ap-northeast-1' },
    });
    iam.createAccessKey('alice', { createDate: daysAgo(10), status: 'Inactive' });

    iam.createUser({ userName: 'bob', createDate: daysAgo(200) });
    iam.createLoginProfile('bob', { createDate: daysAgo(30) }); // no_information, no MFA

    iam.createUser({ userName: 'etl-bot', createDate: daysAgo(95) });
    iam.createAccessKey('etl-bot', { createDate: daysAgo(95) }); // never used

    iam.createUser({ userName: 'empty', createDate: daysAgo(1000) });

    const report = parseCredentialReport(iam.renderCredentialReport());
    expect(report.problems).toEqual([]);
    const found = findings(report.rows, WITH_MAX_AGE, NOW, JST);
    expect(found.map((f) => [f.user, f.kind])).toEqual([
      [ROOT_USER, 'root-recent-use'],
      ['alice', 'password-expiring'],
      ['alice', 'key-too-old'],
      ['bob', 'no-mfa'],
      ['etl-bot', 'key-too-old'],
      ['etl-bot', 'unused-credentials'],
    ]);
    expect(one(found, 'password-expiring')).toMatchObject({ daysLeft: 5, dueDate: '2026-05-06' });
    expect(summarise(found)).toMatchObject({
      'root-recent-use': 1,
      'password-expiring': 1,
      'key-too-old': 2,
      'no-mfa': 1,
      'unused-credentials': 1,
    });
  });
});

describe('summarise', () => {
  it('counts by kind and lists every kind, zero or not', () => {
    const found = run([
      user('a', { mfaActive: false }),
      user('b', { mfaActive: false, accessKeys: [key(1, daysAgo(100))] }),
    ]);
    const counts = summarise(found);
    expect(Object.keys(counts).sort()).toEqual([...FINDING_KINDS].sort());
    expect(counts).toEqual({
      'password-expiring': 0,
      'password-expired': 0,
      'key-expiring': 0,
      'key-too-old': 1,
      'unused-credentials': 0,
      'no-mfa': 2,
      'root-no-mfa': 0,
      'root-access-keys': 0,
      'root-recent-use': 0,
    });
    expect(summarise([])['no-mfa']).toBe(0);
  });
});

describe('isoWeek', () => {
  it.each([
    ['2026-05-01', '2026-W18'],
    ['2026-05-03', '2026-W18'],
    ['2026-05-04', '2026-W19'],
    ['2026-01-01', '2026-W01'],
    ['2027-01-01', '2026-W53'],
    ['2024-12-30', '2025-W01'],
  ])('puts %p in %p', (date, week) => {
    expect(isoWeek(date as LocalDate)).toBe(week);
  });
});
