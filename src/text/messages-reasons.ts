import type { ReportCellError, ReportRowProblem } from '../domain/credential-report';
import type { CsvLineFault, LedgerField, RowFault } from '../domain/ledger';

/**
 * Why the sweep did not act, or what it found wrong, worded from the facts the domain and the
 * sweep record (`RowFault`, `ReportRowProblem`…): part of the catalogue (`Messages.reasons`).
 * Cells, headers, IAM names and third-party error texts inside them are data, shown as they are.
 * The English wording is also the machine record's: the audit log and `sweep --json`'s `detail`.
 */
export interface ReasonTexts {
  /** One thing wrong with a ledger row. */
  readonly rowFault: (fault: RowFault) => string;
  /** A credential report row left out of the audit, its line first. */
  readonly reportProblem: (problem: ReportRowProblem) => string;
}

const FIELDS_JA: Readonly<Record<LedgerField, string>> = {
  name: '氏名',
  purpose: '利用目的',
  resource: 'AWS リソース',
  iamUser: 'IAM ユーザー',
  accessKeyId: 'アクセスキー ID',
  startDate: '利用開始日',
  endDate: '利用終了日',
  status: '状態',
  accountId: 'AWS アカウント ID',
  email: 'メールアドレス',
  timestamp: 'タイムスタンプ',
};

const FAULTS_JA: Readonly<Record<CsvLineFault, string>> = {
  'quote-inside-cell': 'クォートで囲んでいないセルの中にクォートがあります',
  'text-after-quote': 'セルの閉じクォートの後に文字があります',
  'unclosed-quote': 'クォートが閉じられていません',
  other: 'CSV として読めません',
};

function rowFaultJa(fault: RowFault): string {
  switch (fault.kind) {
    case 'unreadable-line':
      return `${fault.line}行目は CSV として不正です（${FAULTS_JA[fault.fault]}）`;
    case 'blank-row':
      return '空行';
    case 'too-long':
      return `${FIELDS_JA[fault.field]}が${fault.max}文字を超えています`;
    case 'not-a-date':
      return `${fault.column}列の「${fault.cell}」は日付ではありません`;
    case 'empty':
      return `${FIELDS_JA[fault.field]}が空です`;
    case 'no-end-date':
      return `利用終了日（${fault.column}列）が空です`;
    case 'bad-iam-user':
      return `IAM ユーザー「${fault.cell}」は IAM ユーザー名として使えません`;
    case 'bad-key-id':
      return `アクセスキー ID「${fault.cell}」は AKIA で始まるキー ID ではありません`;
    case 'start-after-end':
      return '利用開始日が利用終了日より後です';
    case 'unknown-status':
      return `状態「${fault.cell}」は既知の状態ではありません`;
    case 'bad-account-id':
      return `AWS アカウント ID「${fault.cell}」が12桁の数字ではありません`;
    case 'bad-email':
      return `${fault.column}列の「${fault.cell}」はメールアドレスではありません`;
    case 'conflicting-rows':
      return `${fault.rows[0]}行目と${fault.rows[1]}行目が ${fault.iamUser} の同じキーを${fault.over === 'status' ? '異なる状態' : '異なる AWS アカウント ID'}で記載しています`;
  }
}

const FAULTS_EN: Readonly<Record<CsvLineFault, string>> = {
  'quote-inside-cell': 'a quote inside a cell that is not quoted',
  'text-after-quote': 'text after the closing quote of a cell',
  'unclosed-quote': 'a quote that is never closed',
  other: 'not readable as CSV',
};

const DATE_LABELS_EN = { startDate: 'start date', endDate: 'end date', timestamp: 'timestamp' } as const;

function rowFaultEn(fault: RowFault): string {
  switch (fault.kind) {
    case 'unreadable-line':
      return `line ${fault.line} is not valid CSV: ${FAULTS_EN[fault.fault]}`;
    case 'blank-row':
      return 'blank row';
    case 'too-long':
      return `${fault.field} is longer than ${fault.max} characters`;
    case 'not-a-date':
      return `${DATE_LABELS_EN[fault.field]} "${fault.cell}" in column ${fault.column} is not a date`;
    case 'empty':
      return fault.field === 'iamUser' ? 'IAM user is empty' : 'access key id is empty';
    case 'no-end-date':
      return `end date is empty (column ${fault.column})`;
    case 'bad-iam-user':
      return `IAM user "${fault.cell}" is not a valid IAM user name`;
    case 'bad-key-id':
      return `access key id "${fault.cell}" is not an AKIA… key id`;
    case 'start-after-end':
      return 'start date is after end date';
    case 'unknown-status':
      return `status "${fault.cell}" is not a known status`;
    case 'bad-account-id':
      return `AWS account id "${fault.cell}" is not 12 digits`;
    case 'bad-email':
      return `email "${fault.cell}" in column ${fault.column} is not an email address`;
    case 'conflicting-rows':
      return `rows ${fault.rows[0]} and ${fault.rows[1]} name the same key for ${fault.iamUser} with different ${fault.over === 'status' ? 'statuses' : 'AWS account ids'}`;
  }
}

// Column names and the values IAM writes (true, N/A…) are the report's own words: data.
function cellErrorJa(error: ReportCellError): string {
  switch (error.kind) {
    case 'empty':
      return `${error.column} が空です`;
    case 'not-boolean':
      return `${error.column} が「${error.value}」です（true か false のはずです）`;
    case 'not-timestamp':
      return `${error.column} が「${error.value}」です（タイムゾーン付きの日時${error.words.length > 0 ? `か ${error.words.join('、')}` : ''}のはずです）`;
    case 'active-without-rotation':
      return `${error.credential}_active が true なのに ${error.credential}_last_rotated が N/A です`;
  }
}

function cellErrorEn(error: ReportCellError): string {
  switch (error.kind) {
    case 'empty':
      return `${error.column} is empty`;
    case 'not-boolean':
      return `${error.column} is "${error.value}", expected true or false`;
    case 'not-timestamp':
      return `${error.column} is "${error.value}", expected a timestamp with an offset${error.words.length > 0 ? ` or ${error.words.join(', ')}` : ''}`;
    case 'active-without-rotation':
      return `${error.credential}_active is true but ${error.credential}_last_rotated is N/A`;
  }
}

function reportProblemJa(problem: ReportRowProblem): string {
  switch (problem.kind) {
    case 'not-csv':
      return `${problem.line}行目: CSV として読めません（${problem.error}）`;
    case 'field-count':
      return `${problem.line}行目: 項目が${problem.fields}個です（ヘッダーは${problem.expected}個）`;
    case 'bad-cells':
      return `${problem.line}行目${problem.user === null ? '' : `（${problem.user}）`}: ${problem.errors.map(cellErrorJa).join('、')}`;
    case 'duplicate-user':
      return `${problem.line}行目: ユーザー ${problem.user} は${problem.firstLine}行目にもあります`;
  }
}

function reportProblemEn(problem: ReportRowProblem): string {
  switch (problem.kind) {
    case 'not-csv':
      return `line ${problem.line}: not valid CSV (${problem.error})`;
    case 'field-count':
      return `line ${problem.line}: ${problem.fields} fields, the header has ${problem.expected}`;
    case 'bad-cells':
      return `line ${problem.line}${problem.user === null ? '' : ` (${problem.user})`}: ${problem.errors.map(cellErrorEn).join('; ')}`;
    case 'duplicate-user':
      return `line ${problem.line}: user ${problem.user} is also on line ${problem.firstLine}`;
  }
}

export const reasonsJa: ReasonTexts = {
  rowFault: rowFaultJa,
  reportProblem: reportProblemJa,
};

export const reasonsEn: ReasonTexts = {
  rowFault: rowFaultEn,
  reportProblem: reportProblemEn,
};
