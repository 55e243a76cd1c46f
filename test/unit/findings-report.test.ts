import { IamAccount } from '@keywarden/iam-simulator';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { CredentialReportFormatError, ROOT_USER } from '../../src/domain/credential-report';
import { addDays, type LocalDate } from '../../src/domain/dates';
import { DEFAULT_HYGIENE_POLICY, type FindingOf, type HygienePolicy } from '../../src/domain/hygiene';
import { findingsReport } from '../../src/reports/findings-report';
import { messages } from '../../src/text/messages';

const JST = 'Asia/Tokyo';
/** Friday 2026-05-01, 12:00 in Tokyo; ISO week 2026-W18. */
const NOW = new Date('2026-05-01T03:00:00Z');
const TODAY = '2026-05-01' as LocalDate;
const daysAgo = (n: number) => new Date(`${addDays(TODAY, -n)}T12:00:00+09:00`);
const POLICY: HygienePolicy = { ...DEFAULT_HYGIENE_POLICY, passwordPolicy: { maxPasswordAge: 90 } };

/**
 * The simulator cannot give the root user access keys, so its rendered root row gets one here,
 * written the way IAM writes it (created 400 days ago, never used).
 */
function withRootAccessKey(csv: string): string {
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  const root = rows.find((row) => row.user === ROOT_USER);
  if (!root) throw new Error('no root row');
  root.access_key_1_active = 'true';
  root.access_key_1_last_rotated = daysAgo(400).toISOString().replace('.000Z', '+00:00');
  return stringify(rows, { header: true, columns: Object.keys(root) });
}

function reportText(): string {
  const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
  iam.setPasswordPolicy({ maxPasswordAge: 90 });
  iam.setRootAccount({ mfaActive: true });

  // An old active key, in use.
  iam.createUser({ userName: 'alice', createDate: daysAgo(400) });
  iam.createAccessKey('alice', {
    createDate: daysAgo(120),
    lastUsed: { date: daysAgo(1), service: 's3', region: 'ap-northeast-1' },
  });
  // A console user without MFA; the password is recent and in use.
  iam.createUser({ userName: 'bob', createDate: daysAgo(300), passwordLastUsed: daysAgo(3) });
  iam.createLoginProfile('bob', { createDate: daysAgo(30) });
  // A password nearing expiry under the 90-day policy: set 85 days ago, so 5 days left.
  iam.createUser({ userName: 'carol', createDate: daysAgo(500), passwordLastUsed: daysAgo(1) });
  iam.createLoginProfile('carol', { createDate: daysAgo(85) });
  iam.createVirtualMfaDevice('carol', { userName: 'carol' });
  // A key that was never used, counted from its creation.
  iam.createUser({ userName: 'etl-bot', createDate: daysAgo(100) });
  iam.createAccessKey('etl-bot', { createDate: daysAgo(100) });
  // Nothing to say about this one.
  iam.createUser({ userName: 'fresh', createDate: daysAgo(5) });
  iam.createAccessKey('fresh', { createDate: daysAgo(5) });

  return withRootAccessKey(iam.renderCredentialReport());
}

const audit = (format: 'table' | 'json' | 'csv', text = reportText()) =>
  findingsReport(text, { now: NOW, timeZone: JST, policy: POLICY, format, messages: messages('en') });

describe('findingsReport', () => {
  it('finds what is wrong in a report rendered by the IAM simulator', () => {
    const { findings, problems } = audit('table');
    expect(problems).toEqual([]);
    expect(findings.map((f) => [f.user, f.kind])).toEqual([
      [ROOT_USER, 'root-access-keys'],
      ['alice', 'key-too-old'],
      ['bob', 'no-mfa'],
      ['carol', 'password-expiring'],
      ['etl-bot', 'key-too-old'],
      ['etl-bot', 'unused-credentials'],
    ]);
    const byKind = <K extends (typeof findings)[number]['kind']>(kind: K, user: string) =>
      findings.find((f) => f.kind === kind && f.user === user) as FindingOf<K>;

    expect(byKind('root-access-keys', ROOT_USER)).toMatchObject({
      slot: 1,
      lastUsed: null,
      detail: 'root user has active access key 1 (never used): delete it',
    });
    expect(byKind('key-too-old', 'alice')).toMatchObject({ slot: 1, ageDays: 120, createdOn: '2026-01-01' });
    expect(byKind('password-expiring', 'carol')).toMatchObject({
      daysLeft: 5,
      dueDate: '2026-05-06',
      detail: 'console password expires in 5 days, on 2026-05-06',
    });
    expect(byKind('unused-credentials', 'etl-bot')).toMatchObject({
      credential: { type: 'access-key', slot: 1 },
      basis: 'key-created',
      idleDays: 100,
      idleSince: '2026-01-21',
    });
  });

  it('renders the findings in the format asked for', () => {
    const table = audit('table').output;
    expect(table).toMatch(/^user\s+kind\s+credential\s+detail$/m);
    expect(table).toMatch(/^carol\s+password-expiring\s+password\s+console password expires in 5 days/m);
    expect(table).toContain(
      '6 findings: 1 password-expiring, 2 key-too-old, 1 unused-credentials, 1 no-mfa, 1 root-access-keys',
    );

    const json = JSON.parse(audit('json').output) as { counts: Record<string, number>; findings: unknown[] };
    expect(json.counts).toMatchObject({ 'key-too-old': 2, 'root-access-keys': 1, 'password-expiring': 1 });
    expect(json.findings).toHaveLength(6);

    const csv = parse(audit('csv').output) as string[][];
    expect(csv.map((row) => row.slice(0, 3))).toEqual([
      ['user', 'kind', 'credential'],
      [ROOT_USER, 'root-access-keys', 'key-1'],
      ['alice', 'key-too-old', 'key-1'],
      ['bob', 'no-mfa', 'mfa'],
      ['carol', 'password-expiring', 'password'],
      ['etl-bot', 'key-too-old', 'key-1'],
      ['etl-bot', 'unused-credentials', 'key-1'],
    ]);
  });

  it('audits the readable rows and reports the others', () => {
    const text = `${reportText()}mallory,arn:aws:iam::123456789012:user/mallory,yesterday\n`;
    const { findings, problems, output } = audit('table', text);
    expect(findings).toHaveLength(6);
    expect(problems).toEqual([{ line: 8, kind: 'field-count', fields: 3, expected: 22 }]);
    expect(output).toContain('Report rows not audited (1):\n  line 8: 3 fields');
  });

  it('reads expiry from the report’s password_next_rotation when no policy comes with it (a saved report)', () => {
    const { findings } = findingsReport(reportText(), {
      now: NOW,
      timeZone: JST,
      policy: { ...POLICY, passwordPolicy: null },
      format: 'json',
      messages: messages('en'),
    });
    expect(findings.filter((f) => f.kind === 'password-expiring')).toEqual([
      expect.objectContaining({ user: 'carol', daysLeft: 5, dueDate: '2026-05-06' }),
    ]);
  });

  it('works expiry out from the given maximum age only when the report has no next rotation', () => {
    const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
    iam.setRootAccount({ mfaActive: true });
    iam.createUser({ userName: 'carol', createDate: daysAgo(500), passwordLastUsed: daysAgo(1) });
    iam.createLoginProfile('carol', { createDate: daysAgo(85) });
    iam.createVirtualMfaDevice('carol', { userName: 'carol' });
    const text = iam.renderCredentialReport(); // no policy: password_next_rotation is N/A
    const of = (passwordPolicy: HygienePolicy['passwordPolicy']) =>
      findingsReport(text, {
        now: NOW,
        timeZone: JST,
        policy: { ...POLICY, passwordPolicy },
        format: 'json',
        messages: messages('en'),
      }).findings;
    expect(of(null)).toEqual([]);
    expect(of({ maxPasswordAge: 90 })).toEqual([
      expect.objectContaining({ kind: 'password-expiring', user: 'carol', daysLeft: 5 }),
    ]);
  });

  it('refuses a file that is not a credential report', () => {
    expect(() => audit('table', 'name,end date\nalice,2026-01-01\n')).toThrow(CredentialReportFormatError);
  });
});
