import {
  type AccessKeyInfo,
  type CredentialReportRow,
  type PasswordInfo,
  ROOT_USER,
  type Slot,
} from '../../src/domain/credential-report';
import { addDays, type LocalDate } from '../../src/domain/dates';
import { DEFAULT_HYGIENE_POLICY, FINDING_KINDS, type Finding, findings } from '../../src/domain/hygiene';
import { messages } from '../../src/text/messages';

const JST = 'Asia/Tokyo';
/** Monday 2026-11-30, 12:00 in Tokyo. */
const NOW = new Date('2026-11-30T03:00:00Z');
const TODAY = '2026-11-30' as LocalDate;

/** An instant `n` calendar days before TODAY, at `time` Tokyo time. */
const daysAgo = (n: number, time = '12:00:00') => new Date(`${addDays(TODAY, -n)}T${time}+09:00`);

const key = (slot: Slot, createdDaysAgo: number, lastUsed: Date | null): AccessKeyInfo => ({
  slot,
  active: true,
  lastRotated: daysAgo(createdDaysAgo),
  lastUsed,
  lastUsedRegion: null,
  lastUsedService: null,
});

function row(
  user: string,
  spec: { password?: Partial<PasswordInfo>; mfaActive?: boolean; accessKeys?: AccessKeyInfo[] } = {},
): CredentialReportRow {
  return {
    lineNumber: 2,
    user,
    arn: `arn:aws:iam::123456789012:user/${user}`,
    isRoot: false,
    createdAt: daysAgo(200),
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

/** Every kind of finding, and each variant of its wording (today or days ago, never used or when). */
const REPORT: readonly CredentialReportRow[] = [
  row('expiring-soon', { password: { nextRotation: daysAgo(-3) } }),
  row('expiring-today', { password: { nextRotation: daysAgo(0, '23:00:00') } }),
  row('expired-today', { password: { nextRotation: daysAgo(0, '09:00:00') } }),
  row('expired', { password: { nextRotation: daysAgo(10) } }),
  row('keys', { accessKeys: [key(1, 86, daysAgo(1)), key(2, 274, null)] }),
  row('idle', { password: { lastUsed: daysAgo(120) }, mfaActive: false }),
  row('never-signed-in', { password: { lastUsed: 'unknown', lastChanged: daysAgo(182) } }),
  row('new-and-unused', { password: { lastUsed: null, lastChanged: null } }),
  {
    ...row(ROOT_USER, { mfaActive: false, accessKeys: [key(1, 400, null), key(2, 400, daysAgo(3))] }),
    isRoot: true,
    password: { enabled: false, lastUsed: daysAgo(0, '10:00:00'), lastChanged: null, nextRotation: null },
  },
];

/** The numbers a line states: counts, slots and the parts of its dates (2026-03-01 and 2026/03/01 alike). */
const numbersIn = (text: string) => new Set(text.match(/\d+/g) ?? []);

/** The numbers of `english` that `japanese` does not state. */
const missing = (english: string, japanese: string) =>
  [...numbersIn(english)].filter((fact) => !numbersIn(japanese).has(fact));

const missingInJa = (finding: Finding) =>
  missing(messages('en').findings.detail(finding), messages('ja').findings.detail(finding));

describe('a Japanese finding line says as much as the English one', () => {
  const found = findings(REPORT, { ...DEFAULT_HYGIENE_POLICY, unusedDays: 90 }, NOW, JST);

  it('the report makes every kind of finding', () => {
    expect(new Set(found.map((f) => f.kind))).toEqual(new Set(FINDING_KINDS));
  });

  it.each(FINDING_KINDS)('%s: every number and date of the English line is in the Japanese one', (kind) => {
    const ofKind = found.filter((f) => f.kind === kind);
    expect(ofKind.length).toBeGreaterThan(0);
    expect(ofKind.map((f) => [f.user, f.detail, missingInJa(f)])).toEqual(
      ofKind.map((f) => [f.user, f.detail, []]),
    );
  });

  it('names what the older Japanese lines left out', () => {
    const ja = (match: (f: Finding) => boolean) =>
      messages('ja').findings.detail(found.find(match) as Finding);
    expect(ja((f) => f.kind === 'key-too-old')).toContain('上限の90日');
    expect(ja((f) => f.kind === 'root-access-keys' && f.slot === 2)).toContain('最終使用 2026/11/27');
    expect(ja((f) => f.kind === 'root-recent-use' && f.credential.type === 'password')).toContain(
      '本日（2026/11/30）',
    );
  });

  it('the comparison notices a fact left out', () => {
    // The Japanese key-too-old line as it was, without the limit.
    const before =
      'アクセスキー2は作成から274日経過しています（2026/03/01 作成）。上限を超えているのでローテーションしてください';
    const english = 'access key 2 is 274 days old (created 2026-03-01); the limit is 90 days: rotate it';
    expect(missing(english, before)).toEqual(['90']);
  });
});
