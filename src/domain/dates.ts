import { formatInTimeZone } from 'date-fns-tz';

/**
 * A calendar date (`YYYY-MM-DD`) with no time and no zone. Ledger dates are calendar days
 * as people in the configured time zone mean them, so every comparison happens on these
 * and never on instants: that is what keeps 15:00 JST / 06:00 UTC from shifting a day.
 */
export type LocalDate = string & { readonly __brand: 'LocalDate' };

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * A calendar date, optionally followed by a time of day (a Google Form timestamp shown as text,
 * `2026/12/31 10:00:00`, `2026-12-31T10:00`) or a weekday in brackets (`2026/12/31(木)`).
 * The time is dropped: ledger dates are calendar days. A zone or offset (`Z`, `+09:00`) is not
 * accepted, because it would make the day depend on where the sweep runs. `年`, `月` and `日` are
 * written as escapes (U+5E74, U+6708, U+65E5), as every character past Latin-1 in code: one
 * anywhere in the Lambda bundle makes V8 hold its whole source as UTF-16.
 */
const DATE_TEXT =
  /^(\d{4})(?:[/.-](\d{1,2})[/.-](\d{1,2})|\u5E74(\d{1,2})\u6708(\d{1,2})\u65E5)(?:\([^()]{1,3}\))?(?:[T ](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?)?$/;
const MS_PER_DAY = 86_400_000;
/** Sheets (like Lotus 1-2-3 and Excel) counts days from 1899-12-30. */
const SHEETS_EPOCH_DAY = Date.UTC(1899, 11, 30) / MS_PER_DAY;

function fromParts(year: number, month: number, day: number): LocalDate | null {
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null; // 2026-02-30 rolls into March
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as LocalDate;
}

/** Strict `YYYY-MM-DD`, for CLI flags and modal inputs. */
export function parseIsoDate(text: string): LocalDate | null {
  const m = ISO.exec(text.trim());
  return m ? fromParts(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/**
 * A ledger cell: `2026/01/31`, `2026-1-31`, `2026.01.31`, `2026年1月31日`, any of them with a
 * time of day, full-width digits (`２０２６／０１／３１`), or a Sheets serial number (what
 * UNFORMATTED_VALUE returns for a date cell; a fraction is the time of a date-time cell such as
 * a Google Form's タイムスタンプ).
 */
export function parseLedgerDate(cell: string | number): LocalDate | null {
  if (typeof cell === 'number') return fromSerial(cell);
  const text = cell.normalize('NFKC').trim();
  if (/^\d{5}(\.\d+)?$/.test(text)) return fromSerial(Number(text));
  const m = DATE_TEXT.exec(text);
  if (!m) return null;
  const [year, month, day] = m[2] !== undefined ? [m[1], m[2], m[3]] : [m[1], m[4], m[5]];
  return fromParts(Number(year), Number(month), Number(day));
}

function fromSerial(serial: number): LocalDate | null {
  // Serials below 1 are times of day; above 2958465 are past 9999-12-31.
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  return fromEpochDay(SHEETS_EPOCH_DAY + Math.floor(serial));
}

function toEpochDay(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function fromEpochDay(day: number): LocalDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10) as LocalDate;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** The calendar date of an instant in a time zone. */
export function dateInZone(instant: Date, timeZone: string): LocalDate {
  return formatInTimeZone(instant, timeZone, 'yyyy-MM-dd') as LocalDate;
}

/** The Sheets serial number of a date: what a date cell holds, whatever its display format. */
export function toSheetsSerial(date: LocalDate): number {
  return toEpochDay(date) - SHEETS_EPOCH_DAY;
}

/** `2026/01/31`: how Japanese ledgers write dates, so write-backs look like the rest. */
export function toLedgerText(date: LocalDate): string {
  return date.replaceAll('-', '/');
}

/** An instant as people in `timeZone` read it, offset shown: `2026/11/24 15:00 (+09:00)`. */
export function localTime(instant: Date, timeZone: string): string {
  return formatInTimeZone(instant, timeZone, 'yyyy/MM/dd HH:mm (XXX)');
}
