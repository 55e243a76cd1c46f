import type { CellWrite } from '../../domain/ledger';
import { applyWrites } from './apply-writes';
import {
  type CsvEncoding,
  type CsvEncodingChoice,
  type DecodedCsv,
  decodeCsv,
  decodeText,
  encodeCsv,
  lineBreakEnds,
  unencodable,
} from './csv-encoding';
import {
  type CsvRecord,
  type Delimiter,
  detectDelimiter,
  formatRecord,
  lineBreaks,
  parseRecords,
} from './csv-records';

/** A CSV file as read: how its bytes became text, and its records. */
export interface CsvFile {
  readonly decoded: DecodedCsv;
  readonly delimiter: Delimiter;
  readonly records: readonly CsvRecord[];
}

export function readCsvFile(bytes: Buffer, encoding: CsvEncodingChoice): CsvFile {
  const decoded = decodeCsv(bytes, encoding);
  const delimiter = detectDelimiter(decoded.text);
  return { decoded, delimiter, records: parseRecords(decoded.text, delimiter) };
}

/**
 * The file's bytes with `writes` applied. Only the written rows are encoded anew; every other
 * record (a line that is not CSV too) keeps its bytes, and the BOM, the line breaks, the
 * delimiter and the encoding stay the file's own. A written row the encoding cannot hold, or
 * whose bytes would not come back as they were, is refused before anything is written.
 */
export function rewriteCsvFile(file: CsvFile, writes: readonly CellWrite[]): Buffer {
  const { decoded, delimiter, records } = file;
  const changed = applyWrites(
    records.map((record) => ('cells' in record ? record.cells : null)),
    writes,
  );
  const slices = recordBytes(decoded.body, decoded.encoding, records);
  const parts = records.map((record, index) => {
    const cells = changed.get(index);
    const slice = slices[index] ?? Buffer.alloc(0);
    if (cells === undefined) return slice;
    if (!encodeCsv(record.raw, decoded.encoding).equals(slice))
      throw new RangeError(
        `row ${index + 1} holds bytes that are not valid ${decoded.encoding}, and rewriting it would ` +
          'change them; nothing was written (if the file is in another encoding, set LEDGER_CSV_ENCODING)',
      );
    const text = formatRecord(record, cells, delimiter);
    const char = unencodable(text, decoded.encoding);
    if (char !== null)
      throw new RangeError(
        `row ${index + 1} cannot be saved in ${decoded.encoding}: it has no code for "${char}" ` +
          `(U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}); nothing was written`,
      );
    return encodeCsv(text, decoded.encoding);
  });
  return Buffer.concat([decoded.bom, ...parts]);
}

/** Each record's own bytes in `body`, found by counting line breaks, and checked against its text. */
function recordBytes(body: Buffer, encoding: CsvEncoding, records: readonly CsvRecord[]): Buffer[] {
  const ends = lineBreakEnds(body, encoding);
  let breaks = 0;
  let start = 0;
  return records.map((record, index) => {
    breaks += lineBreaks(record.raw);
    const last = index === records.length - 1;
    const end = last ? body.length : (ends[breaks - 1] ?? body.length);
    const slice = body.subarray(start, end);
    start = end;
    if (decodeText(slice, encoding) !== record.raw)
      throw new Error(
        `line ${record.line} could not be found again in the file's bytes; nothing was written`,
      );
    return slice;
  });
}
