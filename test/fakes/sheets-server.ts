/**
 * A local stand-in for the Google Sheets v4 values API, reachable by the real
 * `@googleapis/sheets` client through `rootUrl`, so tests and benchmarks exercise the same
 * request encoding, auth headers, error parsing and retry logic that production uses.
 *
 * Deliberate simplifications (Google differs; tests must not rely on these):
 * - cells hold only strings and numbers; no formats, formulas, booleans or date parsing, so
 *   FORMATTED_VALUE renders a number with `String(n)` and `dateTimeRenderOption` is only validated;
 * - USER_ENTERED turns numeric strings into numbers and strips a leading `'`, nothing else;
 * - append finds the table as "every row from the range's first row down to the last row with
 *   data in the range's columns" (a single-cell range searches all columns to its right), so
 *   blank rows inside the table do not split it, and values start at the range's first column;
 * - writes grow the grid as needed; reads beyond the grid fail as Google's do.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BoundedSpan, type CellSpan, columnLetters, formatA1, parseA1, WHOLE_SHEET } from './a1';

export type Cell = string | number;

export type SheetsMethod =
  | 'values.get'
  | 'values.batchGet'
  | 'values.batchUpdate'
  | 'values.update'
  | 'values.append';

export interface Fault {
  readonly status: 429 | 503;
  readonly retryAfterSeconds?: number;
}

export interface SheetsServerOptions {
  /** Added before every response, to make benchmarks count round trips honestly. */
  readonly latencyMs?: number;
  /**
   * Called for every routed request before it is served; `n` is the 1-based count of calls to
   * `method` so far, this one included (retries count), so `n === 1` faults only the first try.
   */
  readonly fault?: (method: SheetsMethod, n: number) => Fault | null;
  /** Reject requests without an `Authorization: Bearer …` header, as Google does. */
  readonly requireAuth?: boolean;
}

export interface SheetsStats {
  /** values.get + values.batchGet calls that were served (not faulted or unauthorised). */
  readonly reads: number;
  /** values.batchUpdate + values.update + values.append calls that were served. */
  readonly writes: number;
  /** Every HTTP request, including faulted, unauthorised and unroutable ones. */
  readonly requests: number;
  /** Attempts per API method (`values.get` …, `unknown` for unroutable requests). */
  readonly byMethod: Readonly<Record<string, number>>;
  readonly faulted: number;
}

export interface LoggedRequest {
  readonly method: SheetsMethod | 'unknown';
  readonly httpMethod: string;
  readonly spreadsheetId: string | null;
  readonly ranges: readonly string[];
  readonly status: number;
  /** The request body as sent (JSON text for writes), so tests can see exactly what was asked. */
  readonly body: string;
}

export interface FakeSheets {
  /** Root URL with a trailing slash, for `sheets({ version: 'v4', rootUrl })`. */
  readonly url: string;
  /** A snapshot: take one before and one after to measure a piece of work. */
  readonly stats: SheetsStats;
  readonly log: readonly LoggedRequest[];
  /**
   * Creates or replaces a sheet; sheets keep the order they were first set in, and the first
   * one is what a range without a sheet name refers to. `''` is an empty cell.
   */
  setSheet(
    spreadsheetId: string,
    sheetName: string,
    rows: readonly (readonly Cell[])[],
    grid?: { readonly rows?: number; readonly columns?: number },
  ): void;
  /** The sheet's cells with trailing empty cells and rows trimmed; throws if absent. */
  getSheet(spreadsheetId: string, sheetName: string): Cell[][];
  resetStats(): void;
  close(): Promise<void>;
}

const DEFAULT_GRID_ROWS = 1000;
const DEFAULT_GRID_COLUMNS = 26;

interface Sheet {
  title: string;
  /** Ragged; missing cells and `''` are both empty. */
  rows: Cell[][];
  gridRows: number;
  gridCols: number;
}

type Book = Sheet[];

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const badRequest = (message: string): ApiError => new ApiError(400, 'INVALID_ARGUMENT', message);

type ValueRenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';
type Dimension = 'ROWS' | 'COLUMNS';
type InputOption = 'RAW' | 'USER_ENTERED';
type Rendered = string | number;

function enumValue<T extends string>(
  raw: unknown,
  allowed: readonly T[],
  fallback: T | null,
  field: string,
  protoType: string,
): T {
  if ((raw === null || raw === undefined || raw === '') && fallback !== null) return fallback;
  const found = allowed.find((a) => a === raw);
  if (found !== undefined) return found;
  throw badRequest(
    `Invalid value at '${field}' (type.googleapis.com/google.apps.sheets.v4.${protoType}), ${JSON.stringify(raw ?? '')}`,
  );
}

const renderOption = (raw: unknown, field = 'value_render_option'): ValueRenderOption =>
  enumValue(
    raw,
    ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'],
    'FORMATTED_VALUE',
    field,
    'ValueRenderOption',
  );

const dimension = (raw: unknown, field = 'major_dimension'): Dimension =>
  raw === 'DIMENSION_UNSPECIFIED' ? 'ROWS' : enumValue(raw, ['ROWS', 'COLUMNS'], 'ROWS', field, 'Dimension');

function checkDateTimeOption(raw: unknown, field = 'date_time_render_option'): void {
  enumValue(raw, ['SERIAL_NUMBER', 'FORMATTED_STRING'], 'SERIAL_NUMBER', field, 'DateTimeRenderOption');
}

function inputOption(raw: unknown, missingMessage: string): InputOption {
  if (raw === null || raw === undefined || raw === '' || raw === 'INPUT_VALUE_OPTION_UNSPECIFIED') {
    throw badRequest(missingMessage);
  }
  return enumValue(raw, ['RAW', 'USER_ENTERED'], null, 'value_input_option', 'ValueInputOption');
}

function sameName(a: string, b: string): boolean {
  // Sheets refuses two sheets whose names differ only in case and resolves ranges the same way.
  return a.toLocaleLowerCase() === b.toLocaleLowerCase();
}

function findSheet(book: Book, name: string): Sheet | undefined {
  return book.find((s) => sameName(s.title, name));
}

function resolveRange(book: Book, text: string): { sheet: Sheet; span: CellSpan } {
  // A sheet literally named like a cell (`A1`) wins over the cell reading, as in Google.
  const exact = text.includes('!') ? undefined : findSheet(book, text);
  if (exact !== undefined) return { sheet: exact, span: WHOLE_SHEET };
  const parsed = parseA1(text);
  const sheet =
    parsed === null ? undefined : parsed.sheetName === null ? book[0] : findSheet(book, parsed.sheetName);
  if (parsed === null || sheet === undefined) throw badRequest(`Unable to parse range: ${text}`);
  return { sheet, span: parsed.span };
}

function boundForRead(sheet: Sheet, span: CellSpan): BoundedSpan {
  const endRow = span.endRow ?? sheet.gridRows;
  const endCol = span.endCol ?? sheet.gridCols;
  if (
    span.startRow >= sheet.gridRows ||
    span.startCol >= sheet.gridCols ||
    endRow > sheet.gridRows ||
    endCol > sheet.gridCols
  ) {
    const asked = formatA1(sheet.title, {
      startRow: span.startRow,
      startCol: span.startCol,
      endRow: Math.max(endRow, span.startRow + 1),
      endCol: Math.max(endCol, span.startCol + 1),
    });
    throw badRequest(
      `Range (${asked}) exceeds grid limits. Max rows: ${sheet.gridRows}, max columns: ${sheet.gridCols}`,
    );
  }
  return { startRow: span.startRow, startCol: span.startCol, endRow, endCol };
}

const isEmpty = (cell: Cell | undefined): boolean => cell === undefined || cell === '';

function render(cell: Cell, option: ValueRenderOption): Rendered {
  // Google's FORMATTED_VALUE is always a string; unformatted keeps numbers as JSON numbers.
  return option === 'FORMATTED_VALUE' && typeof cell === 'number' ? String(cell) : cell;
}

function trimLine<T>(line: T[], empty: (v: T) => boolean): T[] {
  let end = line.length;
  while (end > 0 && empty(line[end - 1] as T)) end -= 1;
  line.length = end;
  return line;
}

function readBlock(sheet: Sheet, span: BoundedSpan, dim: Dimension, option: ValueRenderOption): Rendered[][] {
  // Clamp to where data exists: a whole-sheet read of a big grid must not walk empty cells.
  const lastRow = Math.min(span.endRow, sheet.rows.length);
  let widest = 0;
  for (let r = span.startRow; r < lastRow; r++) widest = Math.max(widest, sheet.rows[r]?.length ?? 0);
  const lastCol = Math.min(span.endCol, widest);
  const rowCount = Math.max(0, lastRow - span.startRow);
  const colCount = Math.max(0, lastCol - span.startCol);
  const [outer, inner] = dim === 'ROWS' ? [rowCount, colCount] : [colCount, rowCount];
  const out: Rendered[][] = [];
  for (let i = 0; i < outer; i++) {
    const line: Rendered[] = [];
    for (let j = 0; j < inner; j++) {
      const [r, c] =
        dim === 'ROWS' ? [span.startRow + i, span.startCol + j] : [span.startRow + j, span.startCol + i];
      const cell = sheet.rows[r]?.[c];
      line.push(cell === undefined || cell === '' ? '' : render(cell, option));
    }
    out.push(trimLine(line, (v) => v === ''));
  }
  return trimLine(out, (line) => line.length === 0);
}

interface ValueRangeJson {
  range: string;
  majorDimension: Dimension;
  values?: Rendered[][];
}

function valueRange(
  sheet: Sheet,
  span: BoundedSpan,
  dim: Dimension,
  option: ValueRenderOption,
): ValueRangeJson {
  const values = readBlock(sheet, span, dim, option);
  // proto3 JSON drops empty repeated fields, so an empty range has no `values` key at all.
  return {
    range: formatA1(sheet.title, span),
    majorDimension: dim,
    ...(values.length > 0 ? { values } : {}),
  };
}

function setCell(sheet: Sheet, row: number, col: number, value: Cell): void {
  while (sheet.rows.length <= row) sheet.rows.push([]);
  const line = sheet.rows[row] as Cell[];
  while (line.length < col) line.push('');
  line[col] = value;
}

function toCell(value: unknown, input: InputOption, where: string): Cell | null {
  // null leaves the cell untouched; '' clears it (Google's documented semantics).
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badRequest(`Invalid ${where}: ${value}`);
    return value;
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value !== 'string') throw badRequest(`Invalid ${where}: ${JSON.stringify(value)}`);
  if (input === 'RAW') return value;
  if (value.startsWith("'")) return value.slice(1);
  const trimmed = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  return value;
}

interface WritePlan {
  readonly sheet: Sheet;
  readonly startRow: number;
  readonly startCol: number;
  /** Row-major, already converted; `null` keeps the existing cell. */
  readonly rows: readonly (readonly (Cell | null)[])[];
}

interface UpdateJson {
  spreadsheetId: string;
  updatedRange: string;
  updatedRows?: number;
  updatedColumns?: number;
  updatedCells?: number;
  updatedData?: ValueRangeJson;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function valuesOf(body: Record<string, unknown>, where: string): unknown[][] {
  const values = body.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values) || !values.every((row) => Array.isArray(row))) {
    throw badRequest(`Invalid JSON payload received. Invalid value at '${where}values'`);
  }
  return values as unknown[][];
}

function planWrite(
  sheet: Sheet,
  startRow: number,
  startCol: number,
  limit: CellSpan | null,
  limitText: string,
  body: Record<string, unknown>,
  input: InputOption,
  where: string,
): WritePlan {
  const dim = dimension(body.majorDimension, `${where}major_dimension`);
  const given = valuesOf(body, where);
  const rowMajor: unknown[][] =
    dim === 'ROWS'
      ? given
      : Array.from({ length: widest(given) }, (_, r) => given.map((column) => column[r] ?? null));
  const rows = rowMajor.map((line, r) =>
    line.map((value, c) => toCell(value, input, `${where}values[${r}][${c}]`)),
  );
  if (limit !== null) {
    const width = widest(rows);
    if (limit.endRow !== null && startRow + rows.length > limit.endRow) {
      throw badRequest(
        `Requested writing within range [${limitText}], but tried writing to row [${startRow + rows.length}]`,
      );
    }
    if (limit.endCol !== null && startCol + width > limit.endCol) {
      throw badRequest(
        `Requested writing within range [${limitText}], but tried writing to column [${columnLetters(startCol + width - 1)}]`,
      );
    }
  }
  return { sheet, startRow, startCol, rows };
}

interface Applied {
  readonly span: BoundedSpan;
  readonly rows: number;
  readonly columns: number;
  readonly cells: number;
}

function applyWrite(plan: WritePlan): Applied {
  const { sheet, startRow, startCol, rows } = plan;
  const width = Math.max(1, ...rows.map((line) => line.length));
  const height = Math.max(1, rows.length);
  sheet.gridRows = Math.max(sheet.gridRows, startRow + height);
  sheet.gridCols = Math.max(sheet.gridCols, startCol + width);
  const touchedColumns = new Set<number>();
  let touchedRows = 0;
  let cells = 0;
  rows.forEach((line, r) => {
    let rowTouched = false;
    line.forEach((value, c) => {
      if (value === null) return;
      setCell(sheet, startRow + r, startCol + c, value);
      touchedColumns.add(c);
      rowTouched = true;
      cells += 1;
    });
    if (rowTouched) touchedRows += 1;
  });
  return {
    span: { startRow, startCol, endRow: startRow + height, endCol: startCol + width },
    rows: touchedRows,
    columns: touchedColumns.size,
    cells,
  };
}

function nonZero<K extends string>(key: K, n: number): Partial<Record<K, number>> {
  // proto3 JSON omits zero-valued integers, so callers must treat a missing count as 0.
  return n === 0 ? {} : ({ [key]: n } as Partial<Record<K, number>>);
}

interface ResponseOptions {
  readonly include: boolean;
  readonly render: ValueRenderOption;
}

function responseOptions(includeRaw: unknown, renderRaw: unknown, dateRaw: unknown): ResponseOptions {
  checkDateTimeOption(dateRaw, 'response_date_time_render_option');
  return {
    include: includeRaw === true || includeRaw === 'true',
    render: renderOption(renderRaw, 'response_value_render_option'),
  };
}

function updateJson(
  spreadsheetId: string,
  plan: WritePlan,
  applied: Applied,
  opts: ResponseOptions,
): UpdateJson {
  return {
    spreadsheetId,
    updatedRange: formatA1(plan.sheet.title, applied.span),
    ...nonZero('updatedRows', applied.rows),
    ...nonZero('updatedColumns', applied.columns),
    ...nonZero('updatedCells', applied.cells),
    ...(opts.include ? { updatedData: valueRange(plan.sheet, applied.span, 'ROWS', opts.render) } : {}),
  };
}

function parseJsonBody(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw badRequest('Invalid JSON payload received. Unexpected token.');
  }
  if (!isRecord(parsed)) throw badRequest('Invalid JSON payload received. Expected an object.');
  return parsed;
}

function checkBodyRange(body: Record<string, unknown>, urlRange: string): void {
  if (typeof body.range === 'string' && body.range !== '' && body.range !== urlRange) {
    throw badRequest(
      `Requested entity range [${urlRange}] does not match the range [${body.range}] in the request body.`,
    );
  }
}

interface Route {
  readonly method: SheetsMethod;
  readonly spreadsheetId: string;
  readonly range: string | null;
}

function route(httpMethod: string, pathname: string): Route | null {
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw badRequest(`Unable to parse range: ${s}`);
    }
  };
  let m = /^\/v4\/spreadsheets\/([^/]+)\/values:(batchGet|batchUpdate)$/.exec(pathname);
  if (m !== null) {
    const [, id = '', verb] = m;
    if (verb === 'batchGet' && httpMethod === 'GET')
      return { method: 'values.batchGet', spreadsheetId: decode(id), range: null };
    if (verb === 'batchUpdate' && httpMethod === 'POST')
      return { method: 'values.batchUpdate', spreadsheetId: decode(id), range: null };
    return null;
  }
  // The client percent-encodes `:` inside the range, so a literal `:append` is unambiguous.
  m = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+):append$/.exec(pathname);
  if (m !== null) {
    const [, id = '', range = ''] = m;
    return httpMethod === 'POST'
      ? { method: 'values.append', spreadsheetId: decode(id), range: decode(range) }
      : null;
  }
  m = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(pathname);
  if (m !== null) {
    const [, id = '', range = ''] = m;
    if (httpMethod === 'GET')
      return { method: 'values.get', spreadsheetId: decode(id), range: decode(range) };
    if (httpMethod === 'PUT')
      return { method: 'values.update', spreadsheetId: decode(id), range: decode(range) };
  }
  return null;
}

const READS: ReadonlySet<SheetsMethod> = new Set(['values.get', 'values.batchGet']);

function faultError(method: SheetsMethod, fault: Fault): ApiError {
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  if (fault.status === 503)
    return new ApiError(503, 'UNAVAILABLE', 'The service is currently unavailable.', headers);
  const kind = READS.has(method) ? 'Read' : 'Write';
  return new ApiError(
    429,
    'RESOURCE_EXHAUSTED',
    `Quota exceeded for quota metric '${kind} requests' and limit '${kind} requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.`,
    headers,
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

export async function startSheetsServer(options: SheetsServerOptions = {}): Promise<FakeSheets> {
  const books = new Map<string, Book>();
  let reads = 0;
  let writes = 0;
  let requests = 0;
  let faulted = 0;
  let byMethod: Record<string, number> = {};
  const log: LoggedRequest[] = [];

  const bookFor = (id: string): Book => {
    const book = books.get(id);
    if (book === undefined) throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
    return book;
  };

  const serveGet = (r: Route, query: URLSearchParams, ranges: string[]): unknown => {
    const range = r.range ?? '';
    ranges.push(range);
    const render = renderOption(query.get('valueRenderOption'));
    checkDateTimeOption(query.get('dateTimeRenderOption'));
    const dim = dimension(query.get('majorDimension'));
    const { sheet, span } = resolveRange(bookFor(r.spreadsheetId), range);
    return valueRange(sheet, boundForRead(sheet, span), dim, render);
  };

  const serveBatchGet = (r: Route, query: URLSearchParams, ranges: string[]): unknown => {
    ranges.push(...query.getAll('ranges'));
    const render = renderOption(query.get('valueRenderOption'));
    checkDateTimeOption(query.get('dateTimeRenderOption'));
    const dim = dimension(query.get('majorDimension'));
    const book = bookFor(r.spreadsheetId);
    // Resolve every range before answering: one bad range fails the whole call, as in Google.
    const valueRanges = ranges.map((text) => {
      const { sheet, span } = resolveRange(book, text);
      return valueRange(sheet, boundForRead(sheet, span), dim, render);
    });
    return { spreadsheetId: r.spreadsheetId, ...(valueRanges.length > 0 ? { valueRanges } : {}) };
  };

  const serveUpdate = (r: Route, query: URLSearchParams, rawBody: string, ranges: string[]): unknown => {
    const range = r.range ?? '';
    ranges.push(range);
    const input = inputOption(
      query.get('valueInputOption'),
      "'valueInputOption' is required but not specified",
    );
    const opts = responseOptions(
      query.get('includeValuesInResponse'),
      query.get('responseValueRenderOption'),
      query.get('responseDateTimeRenderOption'),
    );
    const body = parseJsonBody(rawBody);
    checkBodyRange(body, range);
    const { sheet, span } = resolveRange(bookFor(r.spreadsheetId), range);
    const plan = planWrite(sheet, span.startRow, span.startCol, span, range, body, input, '');
    return updateJson(r.spreadsheetId, plan, applyWrite(plan), opts);
  };

  const serveBatchUpdate = (r: Route, rawBody: string, ranges: string[]): unknown => {
    const body = parseJsonBody(rawBody);
    const data = body.data ?? [];
    if (!Array.isArray(data) || !data.every(isRecord)) {
      throw badRequest("Invalid JSON payload received. Invalid value at 'data'");
    }
    const input = inputOption(
      body.valueInputOption,
      'Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED',
    );
    const opts = responseOptions(
      body.includeValuesInResponse,
      body.responseValueRenderOption,
      body.responseDateTimeRenderOption,
    );
    const book = bookFor(r.spreadsheetId);
    // Plan everything before touching any cell: a batchUpdate either applies fully or not at all.
    const plans = data.map((vr, i) => {
      const range = typeof vr.range === 'string' ? vr.range : '';
      ranges.push(range);
      const { sheet, span } = resolveRange(book, range);
      return planWrite(sheet, span.startRow, span.startCol, span, range, vr, input, `data[${i}].`);
    });
    const responses = plans.map((plan) => updateJson(r.spreadsheetId, plan, applyWrite(plan), opts));
    const sum = (key: 'updatedRows' | 'updatedColumns' | 'updatedCells'): number =>
      responses.reduce((acc, u) => acc + (u[key] ?? 0), 0);
    const sheetsTouched = new Set(
      plans.filter((p) => p.rows.some((line) => line.some((v) => v !== null))).map((p) => p.sheet),
    );
    return {
      spreadsheetId: r.spreadsheetId,
      ...nonZero('totalUpdatedRows', sum('updatedRows')),
      ...nonZero('totalUpdatedColumns', sum('updatedColumns')),
      ...nonZero('totalUpdatedCells', sum('updatedCells')),
      ...nonZero('totalUpdatedSheets', sheetsTouched.size),
      ...(responses.length > 0 ? { responses } : {}),
    };
  };

  const serveAppend = (r: Route, query: URLSearchParams, rawBody: string, ranges: string[]): unknown => {
    const range = r.range ?? '';
    ranges.push(range);
    const input = inputOption(
      query.get('valueInputOption'),
      "'valueInputOption' is required but not specified",
    );
    const insert = enumValue(
      query.get('insertDataOption'),
      ['OVERWRITE', 'INSERT_ROWS'],
      'OVERWRITE',
      'insert_data_option',
      'InsertDataOption',
    );
    const opts = responseOptions(
      query.get('includeValuesInResponse'),
      query.get('responseValueRenderOption'),
      query.get('responseDateTimeRenderOption'),
    );
    const body = parseJsonBody(rawBody);
    checkBodyRange(body, range);
    const { sheet, span } = resolveRange(bookFor(r.spreadsheetId), range);
    const singleCell =
      span.endRow === span.startRow + 1 && span.endCol !== null && span.endCol === span.startCol + 1;
    const searchEndCol = singleCell ? Number.POSITIVE_INFINITY : (span.endCol ?? Number.POSITIVE_INFINITY);
    let first = -1;
    let last = -1;
    let minCol = Number.POSITIVE_INFINITY;
    let maxCol = -1;
    for (let row = span.startRow; row < sheet.rows.length; row++) {
      const line = sheet.rows[row] ?? [];
      for (let c = span.startCol; c < Math.min(line.length, searchEndCol); c++) {
        if (isEmpty(line[c])) continue;
        if (first === -1) first = row;
        last = row;
        minCol = Math.min(minCol, c);
        maxCol = Math.max(maxCol, c);
      }
    }
    const at = last === -1 ? span.startRow : last + 1;
    const plan = planWrite(sheet, at, span.startCol, null, range, body, input, '');
    if (insert === 'INSERT_ROWS' && at < sheet.rows.length && plan.rows.length > 0) {
      sheet.rows.splice(at, 0, ...plan.rows.map((): Cell[] => []));
      sheet.gridRows += plan.rows.length;
    }
    const tableRange =
      first === -1
        ? {}
        : {
            tableRange: formatA1(sheet.title, {
              startRow: first,
              startCol: minCol,
              endRow: last + 1,
              endCol: maxCol + 1,
            }),
          };
    return {
      spreadsheetId: r.spreadsheetId,
      ...tableRange,
      updates: updateJson(r.spreadsheetId, plan, applyWrite(plan), opts),
    };
  };

  const dispatch = (r: Route, query: URLSearchParams, rawBody: string, ranges: string[]): unknown => {
    switch (r.method) {
      case 'values.get':
        return serveGet(r, query, ranges);
      case 'values.batchGet':
        return serveBatchGet(r, query, ranges);
      case 'values.update':
        return serveUpdate(r, query, rawBody, ranges);
      case 'values.batchUpdate':
        return serveBatchUpdate(r, rawBody, ranges);
      case 'values.append':
        return serveAppend(r, query, rawBody, ranges);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const httpMethod = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    requests += 1;
    let r: Route | null = null;
    let routeError: ApiError | null = null;
    try {
      r = route(httpMethod, url.pathname);
    } catch (e) {
      routeError = e instanceof ApiError ? e : badRequest(String(e));
    }
    const name = r?.method ?? 'unknown';
    const n = (byMethod[name] ?? 0) + 1;
    byMethod[name] = n;
    if (options.latencyMs !== undefined && options.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    }
    const ranges: string[] = [];
    let status = 200;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      if (routeError !== null) throw routeError;
      if (r === null) {
        throw new ApiError(
          404,
          'NOT_FOUND',
          `Fake Sheets server has no route for ${httpMethod} ${url.pathname}`,
        );
      }
      if (options.requireAuth === true && !/^Bearer\s+\S/.test(req.headers.authorization ?? '')) {
        throw new ApiError(
          401,
          'UNAUTHENTICATED',
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        );
      }
      const fault = options.fault?.(r.method, n) ?? null;
      if (fault !== null) {
        faulted += 1;
        throw faultError(r.method, fault);
      }
      if (READS.has(r.method)) reads += 1;
      else writes += 1;
      payload = dispatch(r, url.searchParams, rawBody, ranges);
    } catch (e) {
      const err =
        e instanceof ApiError ? e : new ApiError(500, 'INTERNAL', `Fake Sheets server failed: ${String(e)}`);
      status = err.code;
      headers = { ...err.headers };
      payload = { error: { code: err.code, message: err.message, status: err.status } };
    }
    log.push({
      method: name,
      httpMethod,
      spreadsheetId: r?.spreadsheetId ?? null,
      ranges,
      status,
      body: rawBody,
    });
    send(res, status, payload, headers);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      send(res, 500, { error: { code: 500, message: String(e), status: 'INTERNAL' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    get stats(): SheetsStats {
      return { reads, writes, requests, faulted, byMethod: { ...byMethod } };
    },
    log,
    setSheet(spreadsheetId, sheetName, rows, grid) {
      for (const line of rows) {
        for (const cell of line) {
          if (typeof cell === 'number' && !Number.isFinite(cell)) {
            throw new Error(`setSheet: ${cell} cannot be stored in a cell`);
          }
        }
      }
      const copy = rows.map((line) => [...line]);
      const width = widest(copy);
      const sheet: Sheet = {
        title: sheetName,
        rows: copy,
        gridRows: Math.max(grid?.rows ?? DEFAULT_GRID_ROWS, copy.length),
        gridCols: Math.max(grid?.columns ?? DEFAULT_GRID_COLUMNS, width),
      };
      const book = books.get(spreadsheetId) ?? [];
      books.set(spreadsheetId, book);
      const index = book.findIndex((s) => sameName(s.title, sheetName));
      if (index === -1) book.push(sheet);
      else book[index] = sheet;
    },
    getSheet(spreadsheetId, sheetName) {
      const sheet = findSheet(books.get(spreadsheetId) ?? [], sheetName);
      if (sheet === undefined) throw new Error(`getSheet: no sheet ${sheetName} in ${spreadsheetId}`);
      const rows = sheet.rows.map((line) => trimLine([...line], isEmpty));
      return trimLine(rows, (line) => line.length === 0);
    },
    resetStats() {
      reads = 0;
      writes = 0;
      requests = 0;
      faulted = 0;
      byMethod = {};
      log.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps sockets alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}

/** The longest line's length; a loop, as spreading 200,000 rows into Math.max overflows the stack. */
function widest(lines: readonly (readonly unknown[])[]): number {
  return lines.reduce((most, line) => Math.max(most, line.length), 0);
}
