import { parse } from 'csv-parse/sync';
import { isValid, parseISO } from 'date-fns';
import { errorMessage } from '../util/errors';

/**
 * IAM's credential report (GetCredentialReport, CSV) as typed rows.
 *
 * The report marks missing values with words rather than blanks, and the words differ by column:
 * `N/A` (no such credential, or never used), `not_supported` (the root user's password columns),
 * `no_information` (a password with no recorded sign-in). Each column below accepts exactly the
 * words IAM writes there, so a value IAM never writes is reported instead of guessed at.
 */

export const ROOT_USER = '<root_account>';

export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

export type CredentialReportColumn = (typeof CREDENTIAL_REPORT_COLUMNS)[number];

export type Slot = 1 | 2;

/**
 * When the console password was last used to sign in:
 * - a `Date`;
 * - `'unknown'`: IAM says `no_information`, i.e. never used, or used only before IAM began
 *   tracking sign-ins (2014-10-20), or the sign-in data has been aged out;
 * - `'never'`: the user has a password but the column is `N/A`;
 * - `null`: the user has no password and no recorded use.
 */
export type PasswordLastUsed = Date | 'never' | 'unknown' | null;

export interface PasswordInfo {
  readonly enabled: boolean;
  readonly lastUsed: PasswordLastUsed;
  readonly lastChanged: Date | null;
  /** Set by IAM only while the account password policy has a maximum password age. */
  readonly nextRotation: Date | null;
}

export interface AccessKeyInfo {
  readonly slot: Slot;
  readonly active: boolean;
  /** When the key was created (IAM cannot rotate a key in place, so this is its creation). */
  readonly lastRotated: Date;
  /** `null`: never used. */
  readonly lastUsed: Date | null;
  readonly lastUsedRegion: string | null;
  readonly lastUsedService: string | null;
}

export interface CertificateInfo {
  readonly slot: Slot;
  readonly active: boolean;
  readonly lastRotated: Date;
}

export interface CredentialReportRow {
  /** 1-based line of the CSV the row came from, for messages. */
  readonly lineNumber: number;
  readonly user: string;
  readonly arn: string;
  readonly isRoot: boolean;
  readonly createdAt: Date;
  readonly password: PasswordInfo;
  readonly mfaActive: boolean;
  /** Only the slots that hold a key (its `last_rotated` is not `N/A`), active or not. */
  readonly accessKeys: readonly AccessKeyInfo[];
  /** Only the slots that hold a certificate, as for keys. */
  readonly certs: readonly CertificateInfo[];
}

/** What is wrong with one cell of a report row; `value` is the cell as IAM wrote it (clipped). */
export type ReportCellError =
  | { readonly kind: 'empty'; readonly column: 'user' | 'arn' }
  | { readonly kind: 'not-boolean'; readonly column: CredentialReportColumn; readonly value: string }
  | {
      readonly kind: 'not-timestamp';
      readonly column: CredentialReportColumn;
      readonly value: string;
      /** The words IAM may write in the column instead of a timestamp (`N/A`…). */
      readonly words: readonly string[];
    }
  | { readonly kind: 'active-without-rotation'; readonly credential: string };

/**
 * A report row left out, as facts the catalogue words (`Messages.reasons.reportProblem`); `error`
 * is csv-parse's own text.
 */
export type ReportRowProblem = { readonly line: number } & (
  | { readonly kind: 'not-csv'; readonly error: string }
  | { readonly kind: 'field-count'; readonly fields: number; readonly expected: number }
  | { readonly kind: 'bad-cells'; readonly user: string | null; readonly errors: readonly ReportCellError[] }
  | { readonly kind: 'duplicate-user'; readonly user: string; readonly firstLine: number }
);

export interface ParsedCredentialReport {
  readonly rows: readonly CredentialReportRow[];
  /** One per malformed row; such rows are left out of `rows`. */
  readonly problems: readonly ReportRowProblem[];
}

/** The report is not a credential report at all (missing columns, empty): nothing in it can be trusted. */
export type CredentialReportFormatFault =
  | { readonly kind: 'empty' }
  /** `error`: what the CSV parser said, its own text (data). */
  | { readonly kind: 'header-not-csv'; readonly error: string }
  /** `header`: the header line as read, clipped (data). */
  | { readonly kind: 'missing-columns'; readonly missing: readonly string[]; readonly header: string };

/** The machine record's wording (logs, the Error's message) and the catalogue's English. */
export function credentialReportFormatFaultEnglish(fault: CredentialReportFormatFault): string {
  switch (fault.kind) {
    case 'empty':
      return 'credential report is empty';
    case 'header-not-csv':
      return `credential report header is not CSV: ${fault.error}`;
    case 'missing-columns':
      return `credential report is missing column(s) ${fault.missing.join(', ')} (header: ${fault.header})`;
  }
}

export class CredentialReportFormatError extends Error {
  override readonly name = 'CredentialReportFormatError';

  constructor(readonly fault: CredentialReportFormatFault) {
    super(credentialReportFormatFaultEnglish(fault));
  }
}

const NA = 'N/A';
const NOT_SUPPORTED = 'not_supported';
const NO_INFORMATION = 'no_information';

/**
 * IAM writes `2024-05-01T12:00:00+00:00`. A timestamp without an offset would be read in the
 * host's zone by any parser, so it is refused rather than silently shifted by hours.
 */
const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

type Cells = Readonly<Record<CredentialReportColumn, string>>;

/** Collects what is wrong with one row, so every reason is reported at once rather than the first. */
class RowReader {
  readonly errors: ReportCellError[] = [];

  constructor(private readonly cells: Cells) {}

  text(column: CredentialReportColumn): string {
    return this.cells[column];
  }

  bool(column: CredentialReportColumn, allowed: readonly string[] = []): boolean | null {
    const value = this.cells[column];
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (allowed.includes(value)) return null;
    this.errors.push({ kind: 'not-boolean', column, value: clip(value) });
    return null;
  }

  /** A timestamp, or `null` for one of the words IAM writes in this column instead. */
  date(column: CredentialReportColumn, absent: readonly string[]): Date | null {
    const value = this.cells[column];
    if (absent.includes(value)) return null;
    const parsed = ZONED_TIMESTAMP.test(value) ? parseISO(value) : null;
    if (parsed && isValid(parsed)) return parsed;
    this.errors.push({ kind: 'not-timestamp', column, value: clip(value), words: absent });
    return null;
  }

  /** Free text such as a region or service name; `N/A` means none. */
  optionalText(column: CredentialReportColumn): string | null {
    const value = this.cells[column];
    return value === NA || value === '' ? null : value;
  }
}

function accessKey(read: RowReader, slot: Slot): AccessKeyInfo | null {
  const prefix = `access_key_${slot}` as const;
  const active = read.bool(`${prefix}_active`);
  const lastRotated = read.date(`${prefix}_last_rotated`, [NA]);
  const lastUsed = read.date(`${prefix}_last_used_date`, [NA]);
  if (lastRotated === null) {
    // An empty slot is written as false plus N/A everywhere; an active one without a date is garbled.
    if (active === true && read.text(`${prefix}_last_rotated`) === NA)
      read.errors.push({ kind: 'active-without-rotation', credential: prefix });
    return null;
  }
  return {
    slot,
    active: active === true,
    lastRotated,
    lastUsed,
    lastUsedRegion: read.optionalText(`${prefix}_last_used_region`),
    lastUsedService: read.optionalText(`${prefix}_last_used_service`),
  };
}

function certificate(read: RowReader, slot: Slot): CertificateInfo | null {
  const active = read.bool(`cert_${slot}_active`);
  const lastRotated = read.date(`cert_${slot}_last_rotated`, [NA]);
  if (lastRotated === null) {
    if (active === true && read.text(`cert_${slot}_last_rotated`) === NA)
      read.errors.push({ kind: 'active-without-rotation', credential: `cert_${slot}` });
    return null;
  }
  return { slot, active: active === true, lastRotated };
}

function passwordLastUsed(read: RowReader, enabled: boolean): PasswordLastUsed {
  const value = read.text('password_last_used');
  if (value === NO_INFORMATION) return 'unknown';
  // IAM documents N/A as "no password"; a password that exists and reads N/A has no use on record.
  if (value === NA) return enabled ? 'never' : null;
  return read.date('password_last_used', [NA, NO_INFORMATION]);
}

function parseRow(
  cells: Cells,
  lineNumber: number,
): { row: CredentialReportRow } | { errors: ReportCellError[] } {
  const read = new RowReader(cells);
  const user = read.text('user');
  const arn = read.text('arn');
  if (user === '') read.errors.push({ kind: 'empty', column: 'user' });
  if (arn === '') read.errors.push({ kind: 'empty', column: 'arn' });
  const isRoot = user === ROOT_USER;

  const createdAt = read.date('user_creation_time', []);
  // The root user's password columns say not_supported; whether root has a password is not in the report.
  const enabled = read.bool('password_enabled', isRoot ? [NOT_SUPPORTED] : []) === true;
  const rootWords = isRoot ? [NOT_SUPPORTED] : [];
  const password: PasswordInfo = {
    enabled,
    lastUsed: passwordLastUsed(read, enabled),
    lastChanged: read.date('password_last_changed', [NA, ...rootWords]),
    nextRotation: read.date('password_next_rotation', [NA, ...rootWords]),
  };
  const mfaActive = read.bool('mfa_active') === true;
  const accessKeys = [accessKey(read, 1), accessKey(read, 2)].filter((key) => key !== null);
  const certs = [certificate(read, 1), certificate(read, 2)].filter((cert) => cert !== null);

  if (read.errors.length > 0 || createdAt === null) return { errors: read.errors };
  return { row: { lineNumber, user, arn, isRoot, createdAt, password, mfaActive, accessKeys, certs } };
}

/** One CSV line as fields; throws what csv-parse throws for a broken line. */
function fields(line: string): string[] {
  const records = parse(line) as string[][];
  return records[0] ?? [];
}

function headerColumns(header: readonly string[]): Record<CredentialReportColumn, number> {
  const positions = new Map(header.map((name, index) => [name.trim(), index] as const).reverse());
  const missing = CREDENTIAL_REPORT_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0)
    throw new CredentialReportFormatError({
      kind: 'missing-columns',
      missing,
      header: clip(header.join(','), 200),
    });
  return Object.fromEntries(
    CREDENTIAL_REPORT_COLUMNS.map((column) => [column, positions.get(column)]),
  ) as Record<CredentialReportColumn, number>;
}

/**
 * Parses a credential report. Columns are found by name, so a column IAM might add later does
 * not shift the others. A missing column throws (the report cannot be read at all); a malformed
 * row becomes a problem naming its line, and the rest of the report is still used.
 */
export function parseCredentialReport(csv: string): ParsedCredentialReport {
  // No report field can hold a line break (IAM names, ARNs and timestamps never do), so parsing
  // line by line keeps a stray quote on one line from swallowing every row after it.
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new CredentialReportFormatError({ kind: 'empty' });
  let header: string[];
  try {
    header = fields(lines[headerIndex] ?? '');
  } catch (error) {
    throw new CredentialReportFormatError({ kind: 'header-not-csv', error: errorMessage(error) });
  }
  const columns = headerColumns(header);

  const rows: CredentialReportRow[] = [];
  const problems: ReportRowProblem[] = [];
  const seen = new Map<string, number>();
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const lineNumber = index + 1;
    if (line.trim() === '') continue;
    let values: string[];
    try {
      values = fields(line);
    } catch (error) {
      problems.push({ line: lineNumber, kind: 'not-csv', error: errorMessage(error) });
      continue;
    }
    if (values.length !== header.length) {
      problems.push({
        line: lineNumber,
        kind: 'field-count',
        fields: values.length,
        expected: header.length,
      });
      continue;
    }
    const cells = Object.fromEntries(
      CREDENTIAL_REPORT_COLUMNS.map((column) => [column, (values[columns[column]] ?? '').trim()]),
    ) as Cells;
    const parsed = parseRow(cells, lineNumber);
    if ('errors' in parsed) {
      const user = cells.user === '' ? null : clip(cells.user);
      problems.push({ line: lineNumber, kind: 'bad-cells', user, errors: parsed.errors });
      continue;
    }
    // Two rows for one user cannot both be right; the first is kept so the user is still audited.
    const first = seen.get(parsed.row.user);
    if (first !== undefined) {
      problems.push({ line: lineNumber, kind: 'duplicate-user', user: parsed.row.user, firstLine: first });
      continue;
    }
    seen.set(parsed.row.user, lineNumber);
    rows.push(parsed.row);
  }
  return { rows, problems };
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
