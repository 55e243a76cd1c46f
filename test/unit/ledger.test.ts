import {
  describeColumns,
  type Grid,
  type Ledger,
  LedgerFormatError,
  parseLedger,
  rowOfKey,
  withCopies,
} from '../../src/domain/ledger';
import { messages } from '../../src/text/messages';

const { reasons } = messages('en');
/** Each problem row with its faults as the English catalogue words them. */
const faults = (ledger: Pick<Ledger, 'problems'>) =>
  ledger.problems.map((p) => [p.rowNumber, p.problems.map(reasons.rowFault)]);

const JA_HEADER = [
  '氏名',
  '利用目的',
  'AWSリソース名',
  'アカウント名',
  'アクセスキーID',
  '利用開始日',
  '利用終了日',
  '状態',
];
const KEY_A = 'AKIAAAAAAAAAAAAAAAAA';
const KEY_B = 'AKIABBBBBBBBBBBBBBBB';

describe('parseLedger', () => {
  it('maps Japanese headers, serial and slashed dates, and blank status as active', () => {
    const ledger = parseLedger([
      JA_HEADER,
      ['山田 太郎', 'ETL', 's3://bucket', 'etl-bot', KEY_A, '2026/01/05', 46053, ''],
    ]);
    expect(ledger.problems).toEqual([]);
    expect(ledger.rows).toEqual([
      {
        rowNumber: 2,
        id: KEY_A,
        name: '山田 太郎',
        purpose: 'ETL',
        resource: 's3://bucket',
        iamUser: 'etl-bot',
        accessKeyId: KEY_A,
        startDate: '2026-01-05',
        endDate: '2026-01-31',
        status: 'active',
        accountId: null,
      },
    ]);
    expect(ledger.columns.status).toBe(7);
    expect(ledger.columns.endDate).toBe(6);
  });

  it('finds English headers in any order below a title row', () => {
    const ledger = parseLedger([
      ['Key-request ledger 2026'],
      ['Status', 'End date', 'Access key id', 'IAM user', 'Name', 'AWS account id'],
      ['Extended', '2026-03-01', KEY_A, 'ci-bot', 'Taro Yamada', '123456789012'],
    ]);
    expect(ledger.headerRowNumber).toBe(2);
    expect(ledger.rows[0]).toMatchObject({
      rowNumber: 3,
      status: 'extended',
      iamUser: 'ci-bot',
      accountId: '123456789012',
    });
  });

  it('names the missing columns when no header row fits', () => {
    expect(() =>
      parseLedger([
        ['氏名', '利用終了日'],
        ['a', '2026/01/01'],
      ]),
    ).toThrow(LedgerFormatError);
    expect(() => parseLedger([['氏名', '利用終了日']])).toThrow(/iamUser.*accessKeyId.*status/);
  });

  it('reports each malformed row with its number and reasons, and keeps it out of the rows', () => {
    const grid: Grid = [
      JA_HEADER,
      ['a', '', '', 'good-user', KEY_A, '2026/01/01', '2026/02/01', '利用中'],
      [],
      ['b', '', '', '', 'AKIA123', '', '2026/02/30', '??'],
      ['c', '', '', '=HYPERLINK("x")', KEY_B, '2026/03/01', '2026/02/01', '削除済み'],
      ['d', '', '', 'user', 'AKIACCCCCCCCCCCCCCCC', '', `${'9'.repeat(600)}`, ''],
    ];
    const ledger = parseLedger(grid);
    expect(ledger.rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(ledger.problems[1]?.problems[2]).toEqual({
      kind: 'not-a-date',
      field: 'endDate',
      column: '利用終了日',
      cell: '2026/02/30',
    });
    expect(faults(ledger)).toEqual([
      [3, ['blank row']],
      [
        4,
        [
          'IAM user is empty',
          'access key id "AKIA123" is not an AKIA… key id',
          'end date "2026/02/30" in column 利用終了日 is not a date',
          'status "??" is not a known status',
        ],
      ],
      [5, ['IAM user "=HYPERLINK("x")" is not a valid IAM user name', 'start date is after end date']],
      [6, [expect.stringMatching(/^end date "9{40}…" in column 利用終了日 is not a date$/)]],
    ]);
  });

  it('one key for one user is one entry: identical rows are duplicates, earlier end dates are superseded', () => {
    const ledger = parseLedger([
      JA_HEADER,
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', ''],
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', ''],
      ['c', '', '', 'u3', KEY_B, '', '2026/02/01', ''],
      ['c', '', '', 'u3', KEY_B, '', '2026/05/01', '延長済み'],
    ]);
    expect(ledger.problems).toEqual([]);
    expect(ledger.rows.map((r) => [r.rowNumber, r.iamUser, r.endDate])).toEqual([
      [2, 'u1', '2026-02-01'],
      [5, 'u3', '2026-05-01'],
    ]);
    expect(ledger.duplicates.map((c) => [c.row.rowNumber, c.kind, c.governedBy])).toEqual([
      [3, 'duplicate', 2],
      [4, 'superseded', 5],
    ]);
  });

  it('rows of one key and user that disagree on the status at the latest end date are ambiguous: none acts', () => {
    for (const status of ['延長申請中', '延長済み', 'エラー', '削除済み']) {
      const ledger = parseLedger([
        JA_HEADER,
        ['a', '', '', 'u1', KEY_A, '', '2026/02/01', '利用中'],
        ['c', '', '', 'u3', KEY_B, '', '2026/02/01', ''],
        ['a', '', '', 'u1', KEY_A, '', '2026/02/01', status],
      ]);
      expect(ledger.rows.map((r) => r.rowNumber)).toEqual([3]);
      expect(ledger.duplicates).toEqual([]);
      expect(faults(ledger)).toEqual([
        [2, ['rows 2 and 4 name the same key for u1 with different statuses']],
        [4, ['rows 2 and 4 name the same key for u1 with different statuses']],
      ]);
      expect(ledger.problems[1]?.cells).toEqual(['a', '', '', 'u1', KEY_A, '', '2026/02/01', status]);
    }
  });

  it('the latest end date governs whatever the statuses; an earlier row’s status is history', () => {
    for (const status of ['延長申請中', '延長済み', 'エラー']) {
      const ledger = parseLedger([
        JA_HEADER,
        ['a', '', '', 'u1', KEY_A, '', '2026/02/01', '利用中'],
        ['a', '', '', 'u1', KEY_A, '', '2026/05/01', status],
        ['a', '', '', 'u1', KEY_A, '', '2026/05/01', status],
      ]);
      expect(ledger.problems).toEqual([]);
      expect(ledger.rows.map((r) => [r.rowNumber, r.endDate])).toEqual([[3, '2026-05-01']]);
      expect(ledger.duplicates.map((c) => [c.row.rowNumber, c.kind, c.governedBy])).toEqual([
        [2, 'superseded', 3],
        [4, 'duplicate', 3],
      ]);
    }
    const ledger = parseLedger([
      JA_HEADER,
      ['a', '', '', 'u1', KEY_A, '', '2026/05/01', '利用中'],
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', '削除済み'],
      ['a', '', '', 'u1', KEY_A, '', '2026/03/01', 'エラー'],
    ]);
    expect(ledger.problems).toEqual([]);
    expect(ledger.rows.map((r) => [r.rowNumber, r.status])).toEqual([[2, 'active']]);
  });

  it('a blank account cell and an explicit account id for one key and user are ambiguous: none acts', () => {
    const withAccount = [...JA_HEADER, 'AWSアカウントID'];
    for (const [first, second] of [
      ['', '123456789012'],
      ['123456789012', '210987654321'],
    ]) {
      const ledger = parseLedger([
        withAccount,
        ['a', '', '', 'u1', KEY_A, '', '2026/02/01', '', first ?? ''],
        ['a', '', '', 'u1', KEY_A, '', '2026/01/01', '', second ?? ''],
      ]);
      expect(ledger.rows).toEqual([]);
      expect(ledger.duplicates).toEqual([]);
      expect(faults(ledger)).toEqual([
        [2, ['rows 2 and 3 name the same key for u1 with different AWS account ids']],
        [3, ['rows 2 and 3 name the same key for u1 with different AWS account ids']],
      ]);
    }
    const same = parseLedger([
      withAccount,
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', '', '123456789012'],
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', '', '123456789012'],
    ]);
    expect(same.problems).toEqual([]);
    expect(same.duplicates.map((c) => [c.row.rowNumber, c.kind])).toEqual([[3, 'duplicate']]);
  });

  it('keeps every row that names one key for different users: only IAM can tell which is right', () => {
    const ledger = parseLedger([
      JA_HEADER,
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', ''],
      ['b', '', '', 'u2', KEY_A, '', '2026/02/01', ''],
    ]);
    expect(ledger.rows.map((r) => r.iamUser)).toEqual(['u1', 'u2']);
    expect(ledger.duplicates).toEqual([]);
    expect(ledger.problems).toEqual([]);
  });

  it('writes to a governing row go to its copies too; a row is found by key and user', () => {
    const ledger = parseLedger([
      JA_HEADER,
      ['a', '', '', 'u1', KEY_A, '', '2026/01/01', ''],
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', ''],
      ['a', '', '', 'u1', KEY_A, '', '2026/02/01', ''],
      ['b', '', '', 'u2', KEY_A, '', '2026/02/01', ''],
    ]);
    expect(withCopies([{ rowNumber: 3, status: 'deleted' }], ledger.duplicates)).toEqual([
      { rowNumber: 3, status: 'deleted' },
      { rowNumber: 2, status: 'deleted' },
      { rowNumber: 4, status: 'deleted' },
    ]);
    expect(rowOfKey(ledger, KEY_A, 'u2')?.rowNumber).toBe(5);
    expect(rowOfKey(ledger, KEY_A, 'u1')?.rowNumber).toBe(3);
  });

  it('understands the Japanese status words', () => {
    const statuses = ['延長申請中', '延長申請済み', '延長済み', '削除済み', 'エラー', 'extension requested'];
    const ledger = parseLedger([
      JA_HEADER,
      ...statuses.map((status, i) => [
        'n',
        '',
        '',
        `u${i}`,
        `AKIA${String(i).repeat(16)}`,
        '',
        '2026/02/01',
        status,
      ]),
    ]);
    expect(ledger.rows.map((r) => r.status)).toEqual([
      'extension-requested',
      'extension-requested',
      'extended',
      'deleted',
      'error',
      'extension-requested',
    ]);
  });
});

describe('headers as people write them', () => {
  const FORM_HEADER = [
    'タイムスタンプ',
    'メールアドレス',
    '氏名（フルネーム）',
    '利用目的 ※できるだけ具体的に',
    '利用開始日',
    '利用終了日（最長90日）',
    'IAMユーザー名 [管理者記入]',
    '【管理者記入】アクセスキーID',
    '状態',
  ];

  it('ignores bracketed and trailing hints, full-width or ASCII, and reports which header became which field', () => {
    const ledger = parseLedger([
      FORM_HEADER,
      [46341.4, 'Taro@Example.com', '山田 太郎', 'ETL', '2026/11/15', '2026年12月31日', 'etl-bot', KEY_A, ''],
    ]);
    expect(ledger.problems).toEqual([]);
    expect(ledger.rows[0]).toMatchObject({
      name: '山田 太郎',
      endDate: '2026-12-31',
      email: 'taro@example.com',
    });
    expect(ledger.matches.map((m) => [m.field, m.header, m.via])).toEqual([
      ['timestamp', 'タイムスタンプ', 'alias'],
      ['email', 'メールアドレス', 'alias'],
      ['name', '氏名（フルネーム）', 'alias'],
      ['purpose', '利用目的 ※できるだけ具体的に', 'alias'],
      ['startDate', '利用開始日', 'alias'],
      ['endDate', '利用終了日（最長90日）', 'alias'],
      ['iamUser', 'IAMユーザー名 [管理者記入]', 'alias'],
      ['accessKeyId', '【管理者記入】アクセスキーID', 'alias'],
      ['status', '状態', 'alias'],
    ]);
    expect(describeColumns(ledger)).toContain('利用終了日（最長90日） → endDate');
  });

  it.each([
    ['Name (full name)', 'name'],
    ['ＩＡＭユーザー名（例: etl-bot）', 'iamUser'],
    ['  End Date  ', 'endDate'],
    ['END_DATE: max 90 days', 'endDate'],
    ['Email Address', 'email'],
    ['Timestamp', 'timestamp'],
  ])('%p means %p', (header, field) => {
    const base = { accessKeyId: 'Access key id', iamUser: 'IAM user', status: 'Status', endDate: 'End date' };
    const others = Object.entries(base).flatMap(([f, h]) => (f === field ? [] : [h]));
    const ledger = parseLedger([[...others, header]]);
    expect(ledger.matches.find((m) => m.header === header.trim())?.field).toBe(field);
  });

  it('LEDGER_COLUMNS maps any header to a field, over the aliases', () => {
    const ledger = parseLedger(
      [
        ['期限', '終了日', 'ユーザー', 'キー', 'ステータス'],
        ['2026/12/31', '2026/01/01', 'etl-bot', KEY_A, ''],
      ],
      { endDate: '期限', iamUser: 'ユーザー', accessKeyId: 'キー' },
    );
    expect(ledger.rows[0]).toMatchObject({ endDate: '2026-12-31', iamUser: 'etl-bot' });
    expect(ledger.matches.find((m) => m.field === 'endDate')).toMatchObject({
      header: '期限',
      via: 'setting',
    });
    // The alias 終了日 no longer claims the end date: the setting chose.
    expect(ledger.matches.some((m) => m.header === '終了日')).toBe(false);
  });

  it('a setting finds a hinted header, and names the headers it could not find', () => {
    const ledger = parseLedger([['氏名（フルネーム）', ...JA_HEADER.slice(1)]], { name: '氏名' });
    expect(ledger.columns.name).toBe(0);
    expect(() => parseLedger([JA_HEADER], { endDate: '有効期限' })).toThrow(
      /endDate \("有効期限" from LEDGER_COLUMNS\).*LEDGER_COLUMNS names headers not found: endDate=有効期限/,
    );
  });

  it('two headers claiming one field are reported, never guessed', () => {
    const grid: Grid = [[...JA_HEADER, '有効期限']];
    expect(() => parseLedger(grid)).toThrow(LedgerFormatError);
    expect(() => parseLedger(grid)).toThrow(
      /"利用終了日" and "有効期限" all mean endDate.*LEDGER_COLUMNS=endDate=利用終了日/,
    );
    expect(parseLedger(grid, { endDate: '有効期限' }).columns.endDate).toBe(8);
  });
});

describe('rows awaiting issuance', () => {
  const HEADER = ['タイムスタンプ', 'メールアドレス', ...JA_HEADER];

  it('a request with no IAM user or no key yet is pending, aged from its timestamp or start date', () => {
    const ledger = parseLedger([
      HEADER,
      [46336.5, 'a@example.com', '山田 太郎', 'ETL', '', '', '', '2026/11/20', '2026/12/31', ''],
      ['', '', '佐藤 花子', '', '', 'sato-bot', '', '2026/11/25', '', '利用中'],
      [46336, 'c@example.com', '', '', '', '', '', '', '', ''],
    ]);
    expect(ledger.problems).toEqual([]);
    expect(ledger.rows).toEqual([]);
    expect(ledger.pending).toEqual([
      {
        rowNumber: 2,
        name: '山田 太郎',
        email: 'a@example.com',
        iamUser: '',
        accessKeyId: '',
        submittedOn: '2026-11-10',
        endDate: '2026-12-31',
      },
      {
        rowNumber: 3,
        name: '佐藤 花子',
        email: '',
        iamUser: 'sato-bot',
        accessKeyId: '',
        submittedOn: '2026-11-25',
        endDate: null,
      },
      expect.objectContaining({ rowNumber: 4, submittedOn: '2026-11-10', name: '' }),
    ]);
  });

  it('is malformed instead when a filled cell is wrong, the status is not active, or nobody asked', () => {
    const ledger = parseLedger([
      HEADER,
      ['', 'a@example.com', '山田 太郎', '', '', '', '', '', '2026/13/45', ''],
      ['', '', '佐藤 花子', '', '', '', '', '', '2026/12/31', '削除済み'],
      ['', '', '', 'ETL', '', '', '', '', '2026/12/31', ''],
      ['', 'not-an-address', '鈴木', '', '', '', '', '', '', ''],
    ]);
    expect(ledger.pending).toEqual([]);
    expect(faults(ledger)).toEqual([
      [
        2,
        [
          'IAM user is empty',
          'access key id is empty',
          'end date "2026/13/45" in column 利用終了日 is not a date',
        ],
      ],
      [3, ['IAM user is empty', 'access key id is empty']],
      [4, ['IAM user is empty', 'access key id is empty']],
      [
        5,
        [
          'IAM user is empty',
          'access key id is empty',
          'end date is empty (column 利用終了日)',
          'email "not-an-address" in column メールアドレス is not an email address',
        ],
      ],
    ]);
  });
});
