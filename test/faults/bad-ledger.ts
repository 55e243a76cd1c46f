/**
 * A ledger in which every row is wrong in its own way, each aimed at a user the examples'
 * IAM account really has and dated so that, were it read as valid, the sweep would act on it
 * (past its end date, or inside the notice window). The sweep must list every one of them by
 * row number and act on none.
 */
import type { Cell } from '../fakes/sheets-server';

export const BAD_LEDGER_HEADER = [
  '氏名',
  '利用目的',
  'AWSリソース名',
  'アカウント名',
  'アクセスキーID',
  '利用開始日',
  '利用終了日',
  '状態',
  'AWSアカウントID',
];

export interface BadRow {
  /** What is wrong, for the failure message. */
  readonly kind: string;
  readonly cells: readonly Cell[];
}

const PAST = '2026/11/20';
const SOON = '2026/11/27';
const START = '2026/05/01';
const ETL_KEY = 'AKIAEXAMPLEETLXX1001';
const CI_KEY = 'AKIAEXAMPLECIXXX1002';
const SANDBOX_KEY = 'AKIAEXAMPLESBXXX1003';
const SANDBOX_OTHER_KEY = 'AKIAEXAMPLESBXOT1013';
const LOG_KEY = 'AKIAEXAMPLELOGXX1004';

function row(
  overrides: Partial<Record<'name' | 'user' | 'key' | 'start' | 'end' | 'status' | 'account', Cell>>,
) {
  return [
    overrides.name ?? '山田 太郎',
    'テスト',
    's3://test',
    overrides.user ?? 'etl-batch',
    overrides.key ?? ETL_KEY,
    overrides.start ?? START,
    overrides.end ?? PAST,
    overrides.status ?? '利用中',
    overrides.account ?? '',
  ];
}

export const BAD_ROWS: readonly BadRow[] = [
  { kind: 'blank line', cells: ['', '', '', '', '', '', '', '', ''] },
  { kind: 'whitespace only', cells: ['  ', '\t', ' ', '', '　', '', '', '', ''] },
  { kind: 'IAM user and key id swapped', cells: row({ user: ETL_KEY, key: 'etl-batch' }) },
  { kind: 'start and end date swapped', cells: row({ start: PAST, end: START }) },
  {
    kind: 'row shifted one column left',
    cells: ['佐藤 花子', 'codedeploy:web-app', 'ci-deploy', CI_KEY, '2026/04/01', PAST, '利用中', '', ''],
  },
  { kind: 'February 30th', cells: row({ end: '2026/02/30' }) },
  { kind: 'month 13', cells: row({ end: '2026/13/01' }) },
  { kind: 'day 0', cells: row({ end: '2026/11/00' }) },
  { kind: 'serial number 0', cells: row({ end: 0 }) },
  { kind: 'negative serial number', cells: row({ end: -45000 }) },
  { kind: 'serial number past year 9999', cells: row({ end: 99_999_999 }) },
  { kind: 'year 1899', cells: row({ end: '1899/12/31' }) },
  { kind: 'end date in words', cells: row({ end: '来週' }) },
  { kind: 'impossible start date', cells: row({ start: '2026/00/10' }) },
  // Rows naming one key for one user are one entry (the latest end date governs): not bad.
  // One key named for two users, neither of whom holds it, is.
  {
    kind: 'one key for two users, neither its holder (first)',
    cells: row({ user: 'etl-batch', key: CI_KEY, end: PAST }),
  },
  {
    kind: 'one key for two users, neither its holder (second)',
    cells: row({ user: 'log-shipper', key: CI_KEY, end: SOON }),
  },
  { kind: 'unknown status', cells: row({ user: 'sandbox-suzuki', key: SANDBOX_KEY, status: '保留' }) },
  {
    kind: 'status almost a status',
    cells: row({ user: 'log-shipper', key: LOG_KEY, end: SOON, status: '削除' }),
  },
  { kind: 'status TBD', cells: row({ status: 'TBD' }) },
  {
    kind: 'formula for the IAM user',
    cells: row({ user: '=HYPERLINK("https://example.com/ci","ci-deploy")', key: CI_KEY }),
  },
  { kind: 'formula for the key id', cells: row({ key: '=CONCAT("AKIA","EXAMPLEETLXX1001")' }) },
  { kind: 'formula for the end date', cells: row({ end: '=TODAY()-1' }) },
  { kind: 'formula for the status', cells: row({ status: '=IF(TRUE,"利用中","")' }) },
  { kind: 'DDE payload for the status', cells: row({ status: "+cmd|' /C calc'!A0" }) },
  { kind: 'very long purpose', cells: [...row({}).slice(0, 1), 'x'.repeat(5000), ...row({}).slice(2)] },
  { kind: 'very long key id', cells: row({ key: `AKIA${'A'.repeat(2000)}` }) },
  { kind: 'IAM user over 64 characters', cells: row({ user: 'e'.repeat(65) }) },
  { kind: 'key id in lower case', cells: row({ key: ETL_KEY.toLowerCase() }) },
  { kind: 'full-width IAM user', cells: row({ user: 'ｅｔｌ－ｂａｔｃｈ' }) },
  { kind: 'zero-width space in the key id', cells: row({ key: 'AKIAEXAMPLE\u200bETLXX1001' }) },
  { kind: 'temporary (ASIA) key id', cells: row({ key: 'ASIAEXAMPLEETLXX1001' }) },
  { kind: 'key id as a number', cells: row({ key: 12345 }) },
  { kind: 'empty IAM user', cells: row({ user: '' }) },
  { kind: 'empty key id', cells: row({ key: '' }) },
  { kind: 'two users in one cell', cells: row({ user: 'etl-batch\nci-deploy' }) },
  { kind: 'account id of 11 digits', cells: row({ account: '12345678901' }) },
  { kind: 'row for another AWS account', cells: row({ account: '999999999999' }) },
  { kind: 'key id of another IAM user', cells: row({ key: SANDBOX_OTHER_KEY }) },
  { kind: 'IAM user that does not exist', cells: row({ user: 'ghost-user', key: 'AKIAEXAMPLEGHOST1099' }) },
];

/** Header in row 1, then the bad rows from row 2 on. */
export function badLedger(): Cell[][] {
  return [BAD_LEDGER_HEADER, ...BAD_ROWS.map((bad) => [...bad.cells])];
}
