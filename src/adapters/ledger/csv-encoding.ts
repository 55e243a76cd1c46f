import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * The encodings Excel saves a sheet in: "CSV UTF-8" (with a BOM), "CSV" on Japanese Windows
 * (CP932, the Shift_JIS Windows writes) and "Unicode text" (UTF-16LE with a BOM, tab-separated).
 */
export type CsvEncoding = 'utf-8' | 'cp932' | 'utf-16le';
/** `auto`: a BOM says, else bytes that are valid UTF-8 are UTF-8, else CP932. */
export type CsvEncodingChoice = CsvEncoding | 'auto';

export interface DecodedCsv {
  readonly encoding: CsvEncoding;
  /** Told by the file (BOM or bytes) rather than by a setting. */
  readonly detected: boolean;
  readonly bom: Buffer;
  /** The bytes after the BOM, as read. */
  readonly body: Buffer;
  readonly text: string;
}

const BOMS = [
  ['utf-8', Buffer.from([0xef, 0xbb, 0xbf])],
  ['utf-16le', Buffer.from([0xff, 0xfe])],
] as const;

export function decodeCsv(bytes: Buffer, choice: CsvEncodingChoice): DecodedCsv {
  const marked = BOMS.find(([, bom]) => bytes.subarray(0, bom.length).equals(bom));
  const encoding: CsvEncoding =
    choice !== 'auto' ? choice : (marked?.[0] ?? (isUtf8(bytes) ? 'utf-8' : 'cp932'));
  const bom = marked?.[0] === encoding ? marked[1] : Buffer.alloc(0);
  const body = bytes.subarray(bom.length);
  return {
    encoding,
    detected: choice === 'auto',
    bom,
    body,
    text: decodeText(body, encoding),
  };
}

export function decodeText(bytes: Buffer, encoding: CsvEncoding): string {
  return iconv.decode(bytes, encoding, { stripBOM: false });
}

export function encodeCsv(text: string, encoding: CsvEncoding): Buffer {
  return iconv.encode(text, encoding);
}

/**
 * The first character `encoding` cannot hold, if any. The encoder would put `?` in its place
 * (an emoji, a rare kanji, ¬ or − in CP932): a changed cell nobody asked for.
 */
export function unencodable(text: string, encoding: CsvEncoding): string | null {
  for (const char of text) if (decodeText(encodeCsv(char, encoding), encoding) !== char) return char;
  return null;
}

/**
 * Where each line break of `body` ends, in bytes. CR, LF and CRLF are the same bytes in UTF-8
 * and CP932 (never part of a multi-byte character) and one code unit each in UTF-16LE, and
 * decoding keeps them one for one, so the n-th break of the text is the n-th break here.
 */
export function lineBreakEnds(body: Buffer, encoding: CsvEncoding): number[] {
  const width = encoding === 'utf-16le' ? 2 : 1;
  const unit = (at: number) => (width === 2 ? body.readUInt16LE(at) : (body[at] ?? 0));
  const ends: number[] = [];
  for (let at = 0; at + width <= body.length; at += width) {
    const code = unit(at);
    if (code === 0x0a) ends.push(at + width);
    else if (code === 0x0d && (at + 2 * width > body.length || unit(at + width) !== 0x0a))
      ends.push(at + width);
  }
  return ends;
}
