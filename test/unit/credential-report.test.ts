import { IamAccount, CREDENTIAL_REPORT_COLUMNS as SIMULATOR_COLUMNS } from '@keywarden/iam-simulator';
import {
  CREDENTIAL_REPORT_COLUMNS,
  CredentialReportFormatError,
  type CredentialReportRow,
  type ParsedCredentialReport,
  parseCredentialReport,
  ROOT_USER,
} from '../../src/domain/credential-report';
import { messages } from '../../src/text/messages';

const { reasons } = messages('en');
/** The problems as the English catalogue words them (the audit's JSON and an English table). */
const texts = (parsed: ParsedCredentialReport) => parsed.problems.map(reasons.reportProblem);

const HEADER = CREDENTIAL_REPORT_COLUMNS.join(',');
const at = (iso: string) => new Date(iso);

/** Hand-written rows with the values AWS really writes, including the odd ones the simulator does not. */
const ROOT_ROW =
  '<root_account>,arn:aws:iam::123456789012:root,2019-03-01T09:00:00+00:00,not_supported,2026-04-20T01:02:03+00:00,not_supported,not_supported,true,true,2020-01-01T00:00:00+00:00,2026-04-01T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const TWO_KEYS_ROW =
  'alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true,2026-04-28T23:59:59+00:00,2026-02-01T00:00:00+00:00,2026-05-02T00:00:00+00:00,true,true,2026-01-15T12:00:00+00:00,2026-04-29T08:00:00+00:00,ap-northeast-1,sts,false,2025-06-01T00:00:00+00:00,N/A,N/A,N/A,true,2025-01-01T00:00:00+00:00,false,N/A';
const NO_KEYS_ROW =
  'bob,arn:aws:iam::123456789012:user/bob,2025-05-05T05:05:05+00:00,true,no_information,2025-05-05T05:06:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const MACHINE_ROW =
  'etl-bot,arn:aws:iam::123456789012:user/svc/etl-bot,2023-07-07T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2023-07-07T00:00:01+00:00,N/A,N/A,N/A,true,2025-12-24T00:00:00+00:00,2026-04-30T00:00:00+00:00,eu-west-1,dynamodb,false,N/A,false,N/A';

const report = (...lines: string[]) => `${[HEADER, ...lines].join('\n')}\n`;

function only(csv: string): CredentialReportRow {
  const parsed = parseCredentialReport(csv);
  expect(parsed.problems).toEqual([]);
  expect(parsed.rows).toHaveLength(1);
  return parsed.rows[0]!;
}

describe('parseCredentialReport on AWS values', () => {
  it('reads the root row: not_supported password columns, an active root key', () => {
    const root = only(report(ROOT_ROW));
    expect(root).toEqual({
      lineNumber: 2,
      user: ROOT_USER,
      arn: 'arn:aws:iam::123456789012:root',
      isRoot: true,
      createdAt: at('2019-03-01T09:00:00Z'),
      password: {
        enabled: false,
        lastUsed: at('2026-04-20T01:02:03Z'),
        lastChanged: null,
        nextRotation: null,
      },
      mfaActive: true,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotated: at('2020-01-01T00:00:00Z'),
          lastUsed: at('2026-04-01T10:00:00Z'),
          lastUsedRegion: 'us-east-1',
          lastUsedService: 's3',
        },
      ],
      certs: [],
    });
  });

  it('reads root with no_information for a password never used', () => {
    const root = only(report(ROOT_ROW.replace('2026-04-20T01:02:03+00:00', 'no_information')));
    expect(root.password.lastUsed).toBe('unknown');
  });

  it('reads a user with two keys (one inactive and never used) and a certificate', () => {
    const alice = only(report(TWO_KEYS_ROW));
    expect(alice.isRoot).toBe(false);
    expect(alice.password).toEqual({
      enabled: true,
      lastUsed: at('2026-04-28T23:59:59Z'),
      lastChanged: at('2026-02-01T00:00:00Z'),
      nextRotation: at('2026-05-02T00:00:00Z'),
    });
    expect(alice.mfaActive).toBe(true);
    expect(alice.accessKeys).toEqual([
      {
        slot: 1,
        active: true,
        lastRotated: at('2026-01-15T12:00:00Z'),
        lastUsed: at('2026-04-29T08:00:00Z'),
        lastUsedRegion: 'ap-northeast-1',
        lastUsedService: 'sts',
      },
      {
        slot: 2,
        active: false,
        lastRotated: at('2025-06-01T00:00:00Z'),
        lastUsed: null,
        lastUsedRegion: null,
        lastUsedService: null,
      },
    ]);
    expect(alice.certs).toEqual([{ slot: 1, active: true, lastRotated: at('2025-01-01T00:00:00Z') }]);
  });

  it('reads a user with a password never used (no_information) and no keys', () => {
    const bob = only(report(NO_KEYS_ROW));
    expect(bob.password).toEqual({
      enabled: true,
      lastUsed: 'unknown',
      lastChanged: at('2025-05-05T05:06:00Z'),
      nextRotation: null,
    });
    expect(bob.mfaActive).toBe(false);
    expect(bob.accessKeys).toEqual([]);
    expect(bob.certs).toEqual([]);
  });

  it('reads a machine user without a password whose first key was never used', () => {
    const bot = only(report(MACHINE_ROW));
    expect(bot.password).toEqual({ enabled: false, lastUsed: null, lastChanged: null, nextRotation: null });
    expect(bot.accessKeys.map((k) => [k.slot, k.active, k.lastUsed, k.lastUsedService])).toEqual([
      [1, true, null, null],
      [2, true, at('2026-04-30T00:00:00Z'), 'dynamodb'],
    ]);
  });

  it('keeps a key in slot 2 when slot 1 is empty', () => {
    const row = only(
      report(
        'solo,arn:aws:iam::123456789012:user/solo,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,true,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A',
      ),
    );
    expect(row.accessKeys.map((k) => k.slot)).toEqual([2]);
  });

  it('reads a password that exists but reads N/A as never used', () => {
    const row = only(report(NO_KEYS_ROW.replace('no_information', 'N/A')));
    expect(row.password.lastUsed).toBe('never');
  });

  it('keeps the date of the last sign-in of a password since removed', () => {
    const row = only(report(MACHINE_ROW.replace('false,N/A,N/A', 'false,2025-01-01T00:00:00+00:00,N/A')));
    expect(row.password).toMatchObject({ enabled: false, lastUsed: at('2025-01-01T00:00:00Z') });
  });

  it('reads every row of a full report, in order, with line numbers', () => {
    const parsed = parseCredentialReport(report(ROOT_ROW, TWO_KEYS_ROW, NO_KEYS_ROW, MACHINE_ROW));
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => [r.lineNumber, r.user])).toEqual([
      [2, ROOT_USER],
      [3, 'alice'],
      [4, 'bob'],
      [5, 'etl-bot'],
    ]);
  });

  it('accepts Z, fractional seconds and other offsets', () => {
    const row = only(
      report(
        NO_KEYS_ROW.replace('2025-05-05T05:05:05+00:00', '2025-05-05T14:05:05.250+09:00').replace(
          '2025-05-05T05:06:00+00:00',
          '2025-05-05T05:06:00Z',
        ),
      ),
    );
    expect(row.createdAt).toEqual(at('2025-05-05T05:05:05.250Z'));
    expect(row.password.lastChanged).toEqual(at('2025-05-05T05:06:00Z'));
  });
});

describe('parseCredentialReport on the simulator', () => {
  it('uses the columns the simulator writes', () => {
    expect([...CREDENTIAL_REPORT_COLUMNS]).toEqual([...SIMULATOR_COLUMNS]);
  });

  it('reads what the simulator renders', () => {
    const now = at('2026-05-01T00:00:00Z');
    const iam = new IamAccount({ clock: () => now, createDate: at('2020-01-01T00:00:00Z') });
    iam.setRootAccount({ mfaActive: true, passwordLastUsed: at('2026-04-30T12:00:00Z') });
    iam.setPasswordPolicy({ maxPasswordAge: 90 });

    iam.createUser({
      userName: 'alice',
      createDate: at('2024-01-01T00:00:00Z'),
      passwordLastUsed: at('2026-04-29T00:00:00Z'),
    });
    iam.createLoginProfile('alice', { createDate: at('2026-03-01T00:00:00Z') });
    iam.createVirtualMfaDevice('alice-phone', { userName: 'alice' });
    iam.createAccessKey('alice', {
      createDate: at('2026-01-01T00:00:00Z'),
      lastUsed: { date: at('2026-04-30T00:00:00Z'), service: 's3', region: 'us-east-1' },
    });
    iam.createAccessKey('alice', { createDate: at('2026-04-01T00:00:00Z'), status: 'Inactive' });
    iam.uploadSigningCertificate('alice', { uploadDate: at('2025-01-01T00:00:00Z') });

    iam.createUser({ userName: 'bob', createDate: at('2025-01-01T00:00:00Z') });
    iam.createLoginProfile('bob', { createDate: at('2025-01-02T00:00:00Z') });

    iam.createUser({ userName: 'ops,bot', createDate: at('2023-01-01T00:00:00Z') });
    iam.createAccessKey('ops,bot', { createDate: at('2023-01-01T00:00:00Z') });

    iam.createUser({ userName: 'nobody', createDate: at('2022-01-01T00:00:00Z') });

    const parsed = parseCredentialReport(iam.renderCredentialReport());
    expect(parsed.problems).toEqual([]);
    const byUser = new Map(parsed.rows.map((row) => [row.user, row]));
    expect([...byUser.keys()]).toEqual([ROOT_USER, 'alice', 'bob', 'nobody', 'ops,bot']);

    expect(byUser.get(ROOT_USER)).toMatchObject({
      isRoot: true,
      mfaActive: true,
      createdAt: at('2020-01-01T00:00:00Z'),
      password: {
        enabled: false,
        lastUsed: at('2026-04-30T12:00:00Z'),
        lastChanged: null,
        nextRotation: null,
      },
      accessKeys: [],
    });
    expect(byUser.get('alice')).toMatchObject({
      mfaActive: true,
      password: {
        enabled: true,
        lastUsed: at('2026-04-29T00:00:00Z'),
        lastChanged: at('2026-03-01T00:00:00Z'),
        nextRotation: at('2026-05-30T00:00:00Z'),
      },
      accessKeys: [
        { slot: 1, active: true, lastUsed: at('2026-04-30T00:00:00Z'), lastUsedService: 's3' },
        { slot: 2, active: false, lastUsed: null, lastUsedService: null },
      ],
      certs: [{ slot: 1, active: true, lastRotated: at('2025-01-01T00:00:00Z') }],
    });
    expect(byUser.get('bob')).toMatchObject({
      mfaActive: false,
      password: { enabled: true, lastUsed: 'unknown', lastChanged: at('2025-01-02T00:00:00Z') },
      accessKeys: [],
    });
    expect(byUser.get('ops,bot')).toMatchObject({
      arn: 'arn:aws:iam::123456789012:user/ops,bot',
      password: { enabled: false, lastUsed: null },
      accessKeys: [{ slot: 1, active: true, lastUsed: null }],
    });
    expect(byUser.get('nobody')).toMatchObject({ accessKeys: [], certs: [], password: { enabled: false } });
  });
});

describe('parseCredentialReport on the shape of the file', () => {
  it('finds columns by name, in any order, and ignores columns it does not know', () => {
    const columns = [...CREDENTIAL_REPORT_COLUMNS];
    const values = NO_KEYS_ROW.split(',');
    const order = columns.map((_, i) => i).reverse();
    const csv = [
      ['extra', ...order.map((i) => columns[i])].join(','),
      ['whatever', ...order.map((i) => values[i])].join(','),
    ].join('\n');
    expect(only(csv)).toEqual(only(report(NO_KEYS_ROW)));
  });

  it('throws naming every missing column', () => {
    const header = CREDENTIAL_REPORT_COLUMNS.filter((c) => c !== 'mfa_active' && c !== 'cert_2_last_rotated');
    const csv = `${header.join(',')}\n`;
    expect(() => parseCredentialReport(csv)).toThrow(CredentialReportFormatError);
    expect(() => parseCredentialReport(csv)).toThrow(/missing column\(s\) mfa_active, cert_2_last_rotated/);
  });

  it('throws on an empty report', () => {
    expect(() => parseCredentialReport('')).toThrow(/empty/);
    expect(() => parseCredentialReport('\n\n')).toThrow(CredentialReportFormatError);
  });

  it('throws when the first line is a data row rather than the header', () => {
    expect(() => parseCredentialReport(`${ROOT_ROW}\n`)).toThrow(/missing column/);
  });

  it('returns no rows for a header alone', () => {
    expect(parseCredentialReport(`${HEADER}\n`)).toEqual({ rows: [], problems: [] });
  });

  it('accepts a byte-order mark, CRLF line ends and blank lines', () => {
    const csv = `\uFEFF${HEADER}\r\n${ROOT_ROW}\r\n\r\n${NO_KEYS_ROW}\r\n`;
    const parsed = parseCredentialReport(csv);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => [r.lineNumber, r.user])).toEqual([
      [2, ROOT_USER],
      [4, 'bob'],
    ]);
  });
});

describe('parseCredentialReport on malformed rows', () => {
  it('reports each malformed row with its line and keeps the good ones', () => {
    const parsed = parseCredentialReport(
      report(
        ROOT_ROW,
        TWO_KEYS_ROW.replace('2026-01-15T12:00:00+00:00', 'yesterday'),
        NO_KEYS_ROW,
        'short,row',
        MACHINE_ROW.replace('etl-bot,', '"etl"bot,'),
        MACHINE_ROW.replace('etl-bot', 'etl-bot-2').replace(
          ',false,N/A,N/A,N/A,false,',
          ',maybe,N/A,N/A,N/A,false,',
        ),
        MACHINE_ROW,
      ),
    );
    expect(parsed.rows.map((r) => r.user)).toEqual([ROOT_USER, 'bob', 'etl-bot']);
    expect(texts(parsed)).toHaveLength(4);
    expect(texts(parsed)[0]).toMatch(
      /^line 3 \(alice\): access_key_1_last_rotated is "yesterday", expected a timestamp/,
    );
    expect(texts(parsed)[1]).toBe('line 5: 2 fields, the header has 22');
    expect(texts(parsed)[2]).toMatch(/^line 6: not valid CSV/);
    expect(texts(parsed)[3]).toBe('line 7 (etl-bot-2): password_enabled is "maybe", expected true or false');
  });

  it('confines an unclosed quote to its own line', () => {
    const parsed = parseCredentialReport(report(`"broken${NO_KEYS_ROW}`, MACHINE_ROW));
    expect(parsed.rows.map((r) => r.user)).toEqual(['etl-bot']);
    expect(texts(parsed)).toEqual([expect.stringMatching(/^line 2: not valid CSV/)]);
  });

  it('lists every reason a row is wrong', () => {
    const parsed = parseCredentialReport(
      report(
        NO_KEYS_ROW.replace('2025-05-05T05:05:05+00:00', 'N/A')
          .replace(',false,false,N/A', ',no,false,N/A')
          .replace('no_information', 'sometime'),
      ),
    );
    expect(parsed.rows).toEqual([]);
    expect(texts(parsed)).toEqual([
      'line 2 (bob): user_creation_time is "N/A", expected a timestamp with an offset; ' +
        'password_last_used is "sometime", expected a timestamp with an offset or N/A, no_information; ' +
        'mfa_active is "no", expected true or false',
    ]);
  });

  it('refuses a timestamp without an offset rather than reading it in the host zone', () => {
    const parsed = parseCredentialReport(
      report(NO_KEYS_ROW.replace('2025-05-05T05:06:00+00:00', '2025-05-05T05:06:00')),
    );
    expect(parsed.rows).toEqual([]);
    expect(texts(parsed)[0]).toMatch(/password_last_changed is "2025-05-05T05:06:00"/);
  });

  it('refuses a date-only value and an impossible date', () => {
    const dateOnly = parseCredentialReport(
      report(NO_KEYS_ROW.replace('2025-05-05T05:06:00+00:00', '2025-05-05')),
    );
    const impossible = parseCredentialReport(
      report(NO_KEYS_ROW.replace('2025-05-05T05:06:00+00:00', '2025-02-30T00:00:00+00:00')),
    );
    expect(dateOnly.problems).toHaveLength(1);
    expect(impossible.problems).toHaveLength(1);
  });

  it('accepts not_supported only on the root row', () => {
    const parsed = parseCredentialReport(
      report(NO_KEYS_ROW.replace(',true,no_information', ',not_supported,no_information')),
    );
    expect(texts(parsed)).toEqual([
      'line 2 (bob): password_enabled is "not_supported", expected true or false',
    ]);
  });

  it('reports an active key slot with no creation date', () => {
    const parsed = parseCredentialReport(
      report(NO_KEYS_ROW.replace(',false,false,N/A,N/A,N/A,N/A,', ',false,true,N/A,N/A,N/A,N/A,')),
    );
    expect(texts(parsed)).toEqual([
      'line 2 (bob): access_key_1_active is true but access_key_1_last_rotated is N/A',
    ]);
  });

  it('reports an empty user name', () => {
    const parsed = parseCredentialReport(report(NO_KEYS_ROW.replace(/^bob/, '')));
    expect(texts(parsed)).toEqual(['line 2: user is empty']);
  });

  it('keeps the first of two rows for one user', () => {
    const parsed = parseCredentialReport(
      report(NO_KEYS_ROW, NO_KEYS_ROW.replace('true,no_information', 'false,N/A')),
    );
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0]!.password.enabled).toBe(true);
    expect(parsed.problems).toEqual([{ line: 3, kind: 'duplicate-user', user: 'bob', firstLine: 2 }]);
    expect(texts(parsed)).toEqual(['line 3: user bob is also on line 2']);
  });
});
