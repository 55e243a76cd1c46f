import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CsvLineFault } from '../../domain/ledger';

export type Delimiter = ',' | '\t';

/** One record of a CSV text, or one line that is not CSV; `raw` ends with its line break, if it has one. */
export type CsvRecord = { readonly raw: string; readonly line: number } & (
  | { readonly cells: readonly string[] }
  | { readonly fault: CsvLineFault }
);

const LINE_BREAK = /\r\n|\r|\n/g;
const HEADER_LINES = 5;

export function lineBreaks(text: string): number {
  return text.match(LINE_BREAK)?.length ?? 0;
}

/** Tabs for Excel's "Unicode text" and tab-separated exports, else commas: whichever the top lines hold more of. */
export function detectDelimiter(text: string): Delimiter {
  const top = text.split(LINE_BREAK, HEADER_LINES).join('\n');
  const count = (char: string) => top.split(char).length - 1;
  return count('\t') > count(',') ? '\t' : ',';
}

/**
 * The records of a CSV text, where a line that is not CSV becomes one record of its own and
 * parsing starts again on the next line. csv-parse's `skip_records_with_error` would drop the
 * record instead and, after an unclosed quote, every line to the end; `relax_quotes` reads
 * `=HYPERLINK("a,b","x")` as cells split at the quoted comma, shifting the row's columns.
 */
export function parseRecords(text: string, delimiter: Delimiter): CsvRecord[] {
  // csv-parse counts its progress in UTF-8 bytes, so positions are kept in those.
  const input = Buffer.from(text, 'utf8');
  const records: CsvRecord[] = [];
  let line = 1;
  const add = (raw: Buffer, content: { cells: readonly string[] } | { fault: CsvLineFault }) => {
    const rawText = raw.toString('utf8');
    records.push({ raw: rawText, line, ...content });
    line += lineBreaks(rawText);
  };
  let offset = 0;
  while (offset < input.length) {
    const rest = input.subarray(offset);
    let parsed = 0;
    try {
      parse(rest, {
        delimiter,
        // Every kind at once: csv-parse otherwise keeps to the first it meets, and a line added
        // with LF to an Excel (CRLF) file would merge into the next row, its cells shifted.
        record_delimiter: ['\r\n', '\n', '\r'],
        // Ragged rows and blank lines are normal in hand-edited files; blank lines keep row numbers true.
        relax_column_count: true,
        skip_empty_lines: false,
        on_record: (cells: string[], context) => {
          add(rest.subarray(parsed, context.bytes), { cells });
          parsed = context.bytes;
          return null;
        },
      });
      break;
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      const start = offset + parsed;
      const end = endOfLine(input, start);
      add(input.subarray(start, end), { fault: faultOf(error) });
      offset = end;
    }
  }
  return records;
}

/** The record's line again, with `cells` in place of its own and its line break kept. */
export function formatRecord(record: CsvRecord, cells: readonly string[], delimiter: Delimiter): string {
  const lineBreak = /(\r\n|\r|\n)$/.exec(record.raw)?.[1] ?? '';
  const text = stringify([cells], { delimiter, record_delimiter: '\n', eof: false });
  return `${text}${lineBreak}`;
}

function endOfLine(input: Buffer, start: number): number {
  for (let at = start; at < input.length; at++) {
    if (input[at] === 0x0a) return at + 1;
    if (input[at] === 0x0d) return input[at + 1] === 0x0a ? at + 2 : at + 1;
  }
  return input.length;
}

function faultOf(error: CsvError): CsvLineFault {
  switch (error.code) {
    case 'INVALID_OPENING_QUOTE':
      return 'quote-inside-cell';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text-after-quote';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unclosed-quote';
    default:
      return 'other';
  }
}
