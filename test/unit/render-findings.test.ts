import { IamAccount } from '@keywarden/iam-simulator';
import { parse } from 'csv-parse/sync';
import { parseCredentialReport, type ReportRowProblem } from '../../src/domain/credential-report';
import { addDays, type LocalDate } from '../../src/domain/dates';
import { DEFAULT_HYGIENE_POLICY, type Finding, findings, summarise } from '../../src/domain/hygiene';
import { type Mute, screenFindings } from '../../src/domain/mutes';
import { digestText, FINDINGS_FORMATS, type MuteListing, renderFindings } from '../../src/text/findings';
import { messages } from '../../src/text/messages';
import { enMutes, jaMutes } from '../../src/text/mutes';

const en = messages('en');
const ja = messages('ja');

const JST = 'Asia/Tokyo';
/** Friday 2026-05-01, 12:00 in Tokyo; ISO week 2026-W18. */
const NOW = new Date('2026-05-01T03:00:00Z');
const TODAY = '2026-05-01' as LocalDate;
const GENERATED = new Date('2026-05-01T01:30:00Z');
const daysAgo = (n: number) => new Date(`${addDays(TODAY, -n)}T12:00:00+09:00`);

/** Root without MFA; alice: old key, password without MFA; +bob (a name a spreadsheet reads as a formula): old unused key. */
function sampleFindings(): Finding[] {
  const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
  iam.createUser({ userName: 'alice', createDate: daysAgo(400), passwordLastUsed: daysAgo(1) });
  iam.createLoginProfile('alice', { createDate: daysAgo(10) });
  iam.createAccessKey('alice', {
    createDate: daysAgo(120),
    lastUsed: { date: daysAgo(2), service: 's3', region: 'us-east-1' },
  });
  iam.createUser({ userName: '+bob', createDate: daysAgo(95) });
  iam.createAccessKey('+bob', { createDate: daysAgo(95) });
  const report = parseCredentialReport(iam.renderCredentialReport());
  expect(report.problems).toEqual([]);
  return findings(report.rows, DEFAULT_HYGIENE_POLICY, NOW, JST);
}

const PROBLEMS: ReportRowProblem[] = [
  {
    line: 7,
    kind: 'bad-cells',
    user: 'carol',
    errors: [{ kind: 'not-boolean', column: 'mfa_active', value: 'yes' }],
  },
];
const PROBLEM_TEXT = 'line 7 (carol): mfa_active is "yes", expected true or false';

describe('renderFindings as a table', () => {
  it('aligns user, kind, credential and detail, then counts by kind and lists unread rows', () => {
    expect(
      renderFindings(sampleFindings(), 'table', en, { generatedAt: GENERATED, problems: PROBLEMS }),
    ).toBe(
      [
        'Credential report generated 2026-05-01T01:30:00.000Z',
        '',
        'user            kind                credential  detail',
        '<root_account>  root-no-mfa         mfa         root user has no MFA device',
        '+bob            key-too-old         key-1       access key 1 is 95 days old (created 2026-01-26); the limit is 90 days: rotate it',
        '+bob            unused-credentials  key-1       access key 1 not used for 95 days (never used; created 2026-01-26): remove it if nobody needs it',
        'alice           key-too-old         key-1       access key 1 is 120 days old (created 2026-01-01); the limit is 90 days: rotate it',
        'alice           no-mfa              mfa         console password enabled without MFA',
        '',
        '5 findings: 2 key-too-old, 1 unused-credentials, 1 no-mfa, 1 root-no-mfa',
        '',
        'Report rows not audited (1):',
        '  line 7 (carol): mfa_active is "yes", expected true or false',
        '',
      ].join('\n'),
    );
  });

  it("shows when the report was generated in the ledger's time zone", () => {
    const table = renderFindings(sampleFindings(), 'table', en, {
      generatedAt: GENERATED,
      timeZone: 'Asia/Tokyo',
    });
    expect(table.split('\n')[0]).toBe('Credential report generated 2026/05/01 10:30 (+09:00)');
  });

  it('says so when there is nothing to report', () => {
    expect(renderFindings([], 'table', en)).toBe('no findings\n');
  });

  it('names the credential of each kind of finding', () => {
    const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
    iam.setPasswordPolicy({ maxPasswordAge: 90 });
    iam.createUser({ userName: 'dave', createDate: daysAgo(400) });
    iam.createLoginProfile('dave', { createDate: daysAgo(200) });
    iam.createAccessKey('dave', { createDate: daysAgo(300), status: 'Inactive' });
    iam.createAccessKey('dave', {
      createDate: daysAgo(85),
      lastUsed: { date: daysAgo(1), service: 's3', region: 'us-east-1' },
    });
    const report = parseCredentialReport(iam.renderCredentialReport());
    const policy = { ...DEFAULT_HYGIENE_POLICY, passwordPolicy: { maxPasswordAge: 90 } };
    const table = renderFindings(findings(report.rows, policy, NOW, JST), 'table', en);
    const rows = table.split('\n').map((line) =>
      line
        .split(/\s{2,}/)
        .slice(0, 3)
        .join(' | '),
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        '<root_account> | root-no-mfa | mfa',
        'dave | password-expired | password',
        'dave | key-expiring | key-2',
        'dave | unused-credentials | password',
        'dave | no-mfa | mfa',
      ]),
    );
  });
});

describe('renderFindings as JSON', () => {
  it('gives its schema version, generatedAt, counts for every kind, the findings with ISO dates, and the problems', () => {
    const found = sampleFindings();
    const document = JSON.parse(
      renderFindings(found, 'json', en, { generatedAt: GENERATED, problems: PROBLEMS }),
    ) as Record<string, unknown>;
    expect(document).toEqual({
      schemaVersion: 1,
      generatedAt: '2026-05-01T01:30:00.000Z',
      counts: summarise(found),
      findings: expect.any(Array),
      muted: [],
      expiredMutes: [],
      unreadMuteTags: [],
      problems: [PROBLEM_TEXT],
    });
    expect(document.findings).toHaveLength(5);
    expect((document.findings as unknown[])[1]).toEqual({
      kind: 'key-too-old',
      key: 'finding#key-too-old#+bob#key-1#2026-W18',
      user: '+bob',
      slot: 1,
      createdOn: '2026-01-26',
      ageDays: 95,
      limitDays: 90,
      detail: 'access key 1 is 95 days old (created 2026-01-26); the limit is 90 days: rotate it',
    });
  });

  it('writes Date fields as ISO strings and a missing generatedAt as null', () => {
    const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
    iam.setRootAccount({ mfaActive: true, passwordLastUsed: new Date('2026-04-28T01:02:03Z') });
    const found = findings(
      parseCredentialReport(iam.renderCredentialReport()).rows,
      DEFAULT_HYGIENE_POLICY,
      NOW,
      JST,
    );
    const document = JSON.parse(renderFindings(found, 'json', en)) as {
      generatedAt: unknown;
      findings: { usedAt?: unknown }[];
      problems: unknown;
    };
    expect(document.generatedAt).toBeNull();
    expect(document.problems).toEqual([]);
    expect(document.findings[0]?.usedAt).toBe('2026-04-28T01:02:03.000Z');
  });
});

describe('renderFindings as CSV', () => {
  it('writes a header and one row per finding', () => {
    const text = renderFindings(sampleFindings(), 'csv', en, { problems: PROBLEMS });
    const rows = parse(text) as string[][];
    expect(rows[0]).toEqual(['user', 'kind', 'credential', 'detail', 'key', 'muted_until', 'mute_reason']);
    expect(rows).toHaveLength(6);
    expect(rows[1]).toEqual([
      '<root_account>',
      'root-no-mfa',
      'mfa',
      'root user has no MFA device',
      'finding#root-no-mfa#<root_account>#mfa#2026-W18',
      '',
      '',
    ]);
    expect(rows[5]).toEqual([
      'alice',
      'no-mfa',
      'mfa',
      'console password enabled without MFA',
      'finding#no-mfa#alice#mfa#2026-W18',
      '',
      '',
    ]);
  });

  it('keeps a user name that looks like a formula from running in a spreadsheet', () => {
    const rows = parse(renderFindings(sampleFindings(), 'csv', en)) as string[][];
    expect(rows[2]?.[0]).toBe("'+bob");
  });

  it('writes only the header when there is nothing to report', () => {
    expect(renderFindings([], 'csv', en)).toBe('user,kind,credential,detail,key,muted_until,mute_reason\n');
  });

  it('knows every format it claims', () => {
    for (const format of FINDINGS_FORMATS) expect(typeof renderFindings([], format, en)).toBe('string');
  });
});

describe('digestText', () => {
  it('counts by kind, then lists findings most urgent first, escaped for Slack', () => {
    const found = sampleFindings();
    expect(digestText(found, summarise(found), en, { generatedAt: GENERATED })).toBe(
      [
        '*IAM hygiene digest*: 5 findings: 2 key-too-old, 1 unused-credentials, 1 no-mfa, 1 root-no-mfa',
        'credential report generated 2026-05-01T01:30:00.000Z',
        '• `&lt;root_account&gt;` root-no-mfa: root user has no MFA device',
        '• `+bob` key-too-old: access key 1 is 95 days old (created 2026-01-26); the limit is 90 days: rotate it',
        '• `alice` key-too-old: access key 1 is 120 days old (created 2026-01-01); the limit is 90 days: rotate it',
        '• `alice` no-mfa: console password enabled without MFA',
        '• `+bob` unused-credentials: access key 1 not used for 95 days (never used; created 2026-01-26): remove it if nobody needs it',
      ].join('\n'),
    );
  });

  it('lists at most 20 findings, says how many more there are, and takes counts as given', () => {
    const iam = new IamAccount({ clock: () => NOW, createDate: daysAgo(3000) });
    iam.setRootAccount({ mfaActive: true });
    for (let i = 10; i < 35; i++) {
      iam.createUser({ userName: `user${i}` });
      iam.createLoginProfile(`user${i}`);
    }
    const found = findings(
      parseCredentialReport(iam.renderCredentialReport()).rows,
      DEFAULT_HYGIENE_POLICY,
      NOW,
      JST,
    );
    expect(found).toHaveLength(25);
    const text = digestText(found.slice(0, 22), summarise(found), en, { problems: PROBLEMS });
    const lines = text.split('\n');
    expect(lines[0]).toBe('*IAM hygiene digest*: 25 findings: 25 no-mfa');
    expect(lines.filter((line) => line.startsWith('• '))).toHaveLength(20);
    expect(lines[1]).toBe('• `user10` no-mfa: console password enabled without MFA');
    expect(lines.slice(-2)).toEqual(['…and 2 more', '1 report row could not be read and was not audited']);
  });

  it('is one line when all is well', () => {
    expect(digestText([], summarise([]), en)).toBe('*IAM hygiene digest*: no findings');
  });

  it('names its AWS account when the sweep covers several, in both languages', () => {
    expect(digestText([], summarise([]), en, { account: '111122223333' })).toBe(
      '*IAM hygiene digest (AWS account 111122223333)*: no findings',
    );
    expect(digestText([], summarise([]), ja, { account: '111122223333' }, 'plain')).toBe(
      'IAM 点検のまとめ（AWS アカウント 111122223333）: 指摘事項はありません',
    );
  });
});

describe('muted findings', () => {
  const mute: Mute = {
    user: 'alice',
    kinds: ['no-mfa'],
    until: '2026-06-30' as LocalDate,
    reason: 'hardware key on order <@U0EVIL> *urgent*',
    source: 'tag',
  };
  const ended: Mute = {
    ...mute,
    user: '+bob',
    kinds: '*',
    until: '2026-04-30' as LocalDate,
    reason: 'vendor',
  };
  const listing = (text = enMutes): MuteListing => {
    const screened = screenFindings(
      sampleFindings(),
      { mutes: [mute, ended], isProtected: (user) => user === '<root_account>' },
      TODAY,
    );
    return {
      muted: screened.muted,
      expired: screened.expired,
      unread: [{ user: 'carol', key: 'keywarden:mute', problem: { kind: 'date', text: 'soon' } }],
      text,
    };
  };

  it('are listed apart in the table, with reason and until-date, and expired mutes are named', () => {
    const text = renderFindings(sampleFindings(), 'table', en, { mutes: { ...listing(), asOf: TODAY } });
    expect(text).toContain('Audited as of 2026-05-01\n');
    expect(text).toMatch(
      /Muted \(2; no DM, no ping\):\n {2}<root_account> +root-no-mfa +mfa +root user has no MFA device +protected user\n {2}alice +no-mfa +mfa +console password enabled without MFA +muted until 2026-06-30 \(IAM tag\): hardware key/,
    );
    expect(text).toContain(
      'Mutes that expired (2; these ping again):\n  +bob key-too-old: mute ended 2026-04-30: vendor',
    );
    expect(text).toContain(
      'IAM user carol, tag keywarden:mute ignored: until=soon is not a date as YYYY-MM-DD',
    );
    const main = text.slice(0, text.indexOf('Muted'));
    expect(main).not.toMatch(/alice +no-mfa/);
    expect(text).toContain('5 findings:');
  });

  it('carry their mute in JSON and CSV', () => {
    const document = JSON.parse(renderFindings(sampleFindings(), 'json', en, { mutes: listing() }));
    expect(document.muted).toEqual([
      { key: 'finding#root-no-mfa#<root_account>#mfa#2026-W18', protected: true },
      { key: 'finding#no-mfa#alice#mfa#2026-W18', until: '2026-06-30', reason: mute.reason, source: 'tag' },
    ]);
    expect(document.expiredMutes).toHaveLength(2);
    const rows = parse(renderFindings(sampleFindings(), 'csv', en, { mutes: listing() })) as string[][];
    expect(rows.map((row) => row.slice(5))).toEqual([
      ['muted_until', 'mute_reason'],
      ['protected', ''],
      ['', ''],
      ['', ''],
      ['', ''],
      ['2026-06-30', mute.reason],
    ]);
  });

  it('are listed as muted in the digest, reasons escaped for Slack, in the configured language', () => {
    const found = sampleFindings();
    const english = digestText(found, summarise(found), en, { mutes: listing() });
    expect(english).toContain('*Muted (2; no DM, no ping)*');
    expect(english).toContain(
      '• `alice` no-mfa: console password enabled without MFA — muted until 2026-06-30 (IAM tag): hardware key on order &lt;@U0EVIL&gt; *urgent*',
    );
    expect(english).not.toContain('<@U0EVIL>');
    expect(english).toContain(
      '*Mutes that expired (2; these ping again)*\n• `+bob` key-too-old: mute ended 2026-04-30: vendor',
    );
    const ja = digestText(found, summarise(found), messages('ja'), { mutes: listing(jaMutes) });
    expect(ja).toContain('*ミュート中の指摘（2件、DM・通知なし）*');
    expect(ja).toContain('— 保護対象ユーザー');
    expect(ja).toContain('ミュートは 2026-04-30 で終了しました: vendor');
  });
});
