import iconv from 'iconv-lite';
import { decodeCsv, lineBreakEnds, unencodable } from '../../src/adapters/ledger/csv-encoding';
import { readCsvFile, rewriteCsvFile } from '../../src/adapters/ledger/csv-file';
import { detectDelimiter, formatRecord, parseRecords } from '../../src/adapters/ledger/csv-records';

const rows = (text: string) =>
  parseRecords(text, ',').map((record) =>
    'cells' in record ? [record.line, record.cells] : [record.line, record.fault, record.raw],
  );

describe('parseRecords', () => {
  it('keeps each record with its own line break, a quoted cell across lines as one record, blank lines as records', () => {
    const records = parseRecords('a,b\r\n1,"x\ny"\r\n\r\nz', ',');
    expect(records).toEqual([
      { raw: 'a,b\r\n', line: 1, cells: ['a', 'b'] },
      { raw: '1,"x\ny"\r\n', line: 2, cells: ['1', 'x\ny'] },
      { raw: '\r\n', line: 4, cells: [''] },
      { raw: 'z', line: 5, cells: ['z'] },
    ]);
  });

  it('ends a row at any line break, so a line added with LF to a CRLF file stays its own row', () => {
    const text = 'a,b\r\nc,d\ne,f\r\ng,"h\r\ni"\r';
    expect(rows(text)).toEqual([
      [1, ['a', 'b']],
      [2, ['c', 'd']],
      [3, ['e', 'f']],
      [4, ['g', 'h\r\ni']],
    ]);
    const file = readCsvFile(Buffer.from(text), 'auto');
    expect(rewriteCsvFile(file, [{ rowNumber: 2, column: 1, value: 'x' }]).toString()).toBe(
      'a,b\r\nc,x\ne,f\r\ng,"h\r\ni"\r',
    );
  });

  it('makes an unquoted =HYPERLINK("…","x") one unreadable line and reads on', () => {
    expect(rows('a,b\n=HYPERLINK("https://wiki/x","申請"),2\n3,4\n')).toEqual([
      [1, ['a', 'b']],
      [2, 'quote-inside-cell', '=HYPERLINK("https://wiki/x","申請"),2\n'],
      [3, ['3', '4']],
    ]);
  });

  it('loses only the line of a quote that is never closed, not every line after it', () => {
    expect(rows('a,b\r\n1,"open\r\n2,x\r\n3,y\r\n')).toEqual([
      [1, ['a', 'b']],
      [2, 'unclosed-quote', '1,"open\r\n'],
      [3, ['2', 'x']],
      [4, ['3', 'y']],
    ]);
  });

  it('reports text after a closing quote, counting lines inside quoted cells', () => {
    expect(rows('"multi\nline",1\n"x"y,2\n3,4')).toEqual([
      [1, ['multi\nline', '1']],
      [3, 'text-after-quote', '"x"y,2\n'],
      [4, ['3', '4']],
    ]);
  });

  it('finds the delimiter: tabs for Excel’s Unicode text, commas otherwise', () => {
    expect(detectDelimiter('タイトル\r\n氏名\t状態\tメモ\r\n山田\t利用中\ta,b\r\n')).toBe('\t');
    expect(detectDelimiter('氏名,状態\r\n山田,利用中\r\n')).toBe(',');
  });

  it('writes a record back with its own line break and quotes only where needed', () => {
    const [record] = parseRecords('山田,"a,b",x\r\n', ',');
    expect(record && formatRecord(record, ['山田', 'a,b', '削除済み'], ',')).toBe('山田,"a,b",削除済み\r\n');
    const [last] = parseRecords('a\tb', '\t');
    expect(last && formatRecord(last, ['a', 'say "hi"'], '\t')).toBe('a\t"say ""hi"""');
  });
});

describe('CSV encodings', () => {
  it('detects a BOM, then UTF-8, else CP932; a setting overrides', () => {
    const sjis = iconv.encode('氏名,状態\r\n', 'cp932');
    expect(decodeCsv(sjis, 'auto')).toMatchObject({
      encoding: 'cp932',
      detected: true,
      text: '氏名,状態\r\n',
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('氏名\t状態', 'utf-16le')]);
    expect(decodeCsv(utf16, 'auto')).toMatchObject({ encoding: 'utf-16le', text: '氏名\t状態' });
    expect(decodeCsv(utf16, 'auto').bom).toEqual(Buffer.from([0xff, 0xfe]));
    const utf8 = Buffer.from('\uFEFF氏名');
    expect(decodeCsv(utf8, 'auto')).toMatchObject({ encoding: 'utf-8', text: '氏名' });
    expect(decodeCsv(Buffer.from('name'), 'auto')).toMatchObject({ encoding: 'utf-8', bom: Buffer.alloc(0) });
    expect(decodeCsv(Buffer.from('氏名'), 'cp932')).toMatchObject({ encoding: 'cp932', detected: false });
  });

  it('names the first character CP932 cannot hold', () => {
    expect(unencodable('削除済み①㈱髙～', 'cp932')).toBeNull();
    expect(unencodable('山田𠮷太郎', 'cp932')).toBe('𠮷');
    expect(unencodable('−5', 'cp932')).toBe('−');
    expect(unencodable('𠮷😀', 'utf-16le')).toBeNull();
  });

  it('finds line breaks in bytes as the text has them (CRLF, LF, CR; UTF-16 code units)', () => {
    expect(lineBreakEnds(Buffer.from('a\r\nb\nc\rd'), 'utf-8')).toEqual([3, 5, 7]);
    expect(lineBreakEnds(iconv.encode('あ\r\nい\n', 'utf-16le'), 'utf-16le')).toEqual([6, 10]);
    // 0x0A inside a UTF-16 character (U+0A00..U+0AFF, U+xx0A) is not a line break.
    expect(lineBreakEnds(iconv.encode('\u0a0a\u010a\n', 'utf-16le'), 'utf-16le')).toEqual([6]);
  });

  it('keeps the bytes of every row it does not write, even bytes that are not valid in the encoding', () => {
    // Row 2 holds a byte CP932 has no character for; row 3 is written.
    const bytes = Buffer.concat([
      iconv.encode('氏名,状態\r\n', 'cp932'),
      Buffer.from([0x81, 0x0d, 0x0a]),
      iconv.encode('山田,利用中\r\n', 'cp932'),
    ]);
    const file = readCsvFile(bytes, 'auto');
    const next = rewriteCsvFile(file, [{ rowNumber: 3, column: 1, value: '削除済み' }]);
    expect(next).toEqual(Buffer.concat([bytes.subarray(0, 14), iconv.encode('山田,削除済み\r\n', 'cp932')]));
    // Writing row 2 itself would turn that byte into something else: refused.
    expect(() => rewriteCsvFile(file, [{ rowNumber: 2, column: 1, value: '削除済み' }])).toThrow(
      /row 2 holds bytes that are not valid cp932/,
    );
  });
});
