import { auth, type GlobalOptions, type MethodOptions, sheets, type sheets_v4 } from '@googleapis/sheets';
import { columnIndex, columnLetters, formatA1, parseA1, quoteSheetName } from '../fakes/a1';
import { type FakeSheets, startSheetsServer } from '../fakes/sheets-server';

type RetryConfig = NonNullable<MethodOptions['retryConfig']>;

const BOOK = 'ledger-book';

/**
 * gaxios loads `node-fetch` with a dynamic `import()` unless told otherwise, and Jest's CommonJS
 * sandbox rejects dynamic imports ("invoked without --experimental-vm-modules"); Node's own
 * fetch avoids that and is what production gets on Node 24 anyway.
 */
const onNodeFetch: GlobalOptions = { fetchImplementation: fetch };

function client(fake: FakeSheets, extra: GlobalOptions = {}): sheets_v4.Sheets {
  // An OAuth2 client holding a bare access token sends `Authorization: Bearer test` and never
  // tries to refresh, because without `expiry_date` the token is never considered expiring.
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: 'test' });
  return sheets({ version: 'v4', rootUrl: fake.url, auth: oauth, ...onNodeFetch, ...extra });
}

/** Short delays so recovery tests stay fast; POST is opt-in because gaxios skips it by default. */
const fastRetry: RetryConfig = {
  retry: 3,
  retryDelay: 5,
  retryDelayMultiplier: 1.01,
  httpMethodsToRetry: ['GET', 'PUT', 'POST'],
  statusCodesToRetry: [
    [429, 429],
    [500, 599],
  ],
};

describe('A1 parser', () => {
  it.each([
    ['Sheet1!A1:H', { sheetName: 'Sheet1', span: { startRow: 0, startCol: 0, endRow: null, endCol: 8 } }],
    ["'シート 1'!B2", { sheetName: 'シート 1', span: { startRow: 1, startCol: 1, endRow: 2, endCol: 2 } }],
    ['Sheet1', { sheetName: 'Sheet1', span: { startRow: 0, startCol: 0, endRow: null, endCol: null } }],
    ['Sheet1!A:H', { sheetName: 'Sheet1', span: { startRow: 0, startCol: 0, endRow: null, endCol: 8 } }],
    ['Sheet1!2:5', { sheetName: 'Sheet1', span: { startRow: 1, startCol: 0, endRow: 5, endCol: null } }],
    ['Sheet1!D9:b2', { sheetName: 'Sheet1', span: { startRow: 1, startCol: 1, endRow: 9, endCol: 4 } }],
    [
      'Sheet1!$A$1:$AA$10',
      { sheetName: 'Sheet1', span: { startRow: 0, startCol: 0, endRow: 10, endCol: 27 } },
    ],
    [
      "'It''s here'!A1:B2",
      { sheetName: "It's here", span: { startRow: 0, startCol: 0, endRow: 2, endCol: 2 } },
    ],
    [
      "'キー申請 台帳'",
      { sheetName: 'キー申請 台帳', span: { startRow: 0, startCol: 0, endRow: null, endCol: null } },
    ],
    ['A1:B2', { sheetName: null, span: { startRow: 0, startCol: 0, endRow: 2, endCol: 2 } }],
  ])('parses %s', (text, expected) => {
    expect(parseA1(text)).toEqual(expected);
  });

  it.each([
    '',
    "'unterminated!A1",
    "'x'A1",
    '!A1',
    'Sheet1!A0',
    'Sheet1!A',
    'Sheet1!A:B5',
    'Sheet1!A1:B2:C3',
    "''!A1",
  ])('rejects %j', (text) => {
    expect(parseA1(text)).toBeNull();
  });

  it('converts columns both ways', () => {
    expect([columnIndex('A'), columnIndex('z'), columnIndex('AA'), columnIndex('ZZZ')]).toEqual([
      0, 25, 26, 18277,
    ]);
    expect([0, 25, 26, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });

  it('formats ranges and quotes names the way Google echoes them', () => {
    expect(formatA1('Sheet1', { startRow: 0, startCol: 0, endRow: 1000, endCol: 8 })).toBe('Sheet1!A1:H1000');
    expect(formatA1('シート 1', { startRow: 1, startCol: 1, endRow: 2, endCol: 2 })).toBe("'シート 1'!B2");
    expect(quoteSheetName("It's")).toBe("'It''s'");
    expect(quoteSheetName('A1')).toBe("'A1'");
  });
});

describe('fake Sheets server through @googleapis/sheets', () => {
  let fake: FakeSheets;

  beforeEach(async () => {
    fake = await startSheetsServer({ requireAuth: true });
    fake.setSheet(BOOK, 'シート 1', [
      ['request_id', 'user', 'amount', 'requested_on'],
      ['R-1', '山田', 1500.5, 45292],
      ['R-2', 'suzuki', 20, '2024-01-02', '', ''],
      ['', '', ''],
      [],
    ]);
    fake.setSheet(BOOK, 'Config', [
      ['key', 'value'],
      ['grace_days', 7],
    ]);
  });

  afterEach(() => fake.close());

  it('reads a Japanese-named sheet, trimming trailing blanks and stringifying numbers when formatted', async () => {
    const api = client(fake);

    const formatted = await api.spreadsheets.values.get({ spreadsheetId: BOOK, range: "'シート 1'!A1:H" });
    expect(formatted.status).toBe(200);
    expect(formatted.data).toEqual({
      range: "'シート 1'!A1:H1000",
      majorDimension: 'ROWS',
      values: [
        ['request_id', 'user', 'amount', 'requested_on'],
        ['R-1', '山田', '1500.5', '45292'],
        ['R-2', 'suzuki', '20', '2024-01-02'],
      ],
    });

    const raw = await api.spreadsheets.values.get({
      spreadsheetId: BOOK,
      range: "'シート 1'!B2:D3",
      valueRenderOption: 'UNFORMATTED_VALUE',
      dateTimeRenderOption: 'SERIAL_NUMBER',
    });
    expect(raw.data.values).toEqual([
      ['山田', 1500.5, 45292],
      ['suzuki', 20, '2024-01-02'],
    ]);

    const empty = await api.spreadsheets.values.get({ spreadsheetId: BOOK, range: "'シート 1'!A10:C20" });
    expect(empty.data).toEqual({ range: "'シート 1'!A10:C20", majorDimension: 'ROWS' });
    expect(fake.stats).toMatchObject({ reads: 3, writes: 0, requests: 3 });
  });

  it('reads a bare sheet name as the whole sheet and a bare cell range from the first sheet', async () => {
    const api = client(fake);
    const whole = await api.spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Config' });
    expect(whole.data.range).toBe('Config!A1:Z1000');
    expect(whole.data.values).toEqual([
      ['key', 'value'],
      ['grace_days', '7'],
    ]);
    const first = await api.spreadsheets.values.get({ spreadsheetId: BOOK, range: 'A2' });
    expect(first.data).toEqual({ range: "'シート 1'!A2", majorDimension: 'ROWS', values: [['R-1']] });
  });

  it('batchGets two ranges in one request', async () => {
    const api = client(fake);
    const res = await api.spreadsheets.values.batchGet({
      spreadsheetId: BOOK,
      ranges: ["'シート 1'!A:B", 'Config!A2:B2'],
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(res.data.spreadsheetId).toBe(BOOK);
    expect(res.data.valueRanges).toEqual([
      {
        range: "'シート 1'!A1:B1000",
        majorDimension: 'ROWS',
        values: [
          ['request_id', 'user'],
          ['R-1', '山田'],
          ['R-2', 'suzuki'],
        ],
      },
      { range: 'Config!A2:B2', majorDimension: 'ROWS', values: [['grace_days', 7]] },
    ]);
    expect(fake.stats).toMatchObject({ reads: 1, requests: 1, byMethod: { 'values.batchGet': 1 } });
    expect(fake.log.at(-1)?.ranges).toEqual(["'シート 1'!A:B", 'Config!A2:B2']);
  });

  it('batchUpdates several cells in one request and counts one write', async () => {
    const api = client(fake);
    const res = await api.spreadsheets.values.batchUpdate({
      spreadsheetId: BOOK,
      requestBody: {
        valueInputOption: 'RAW',
        data: [
          { range: "'シート 1'!E2", values: [['revoked']] },
          { range: "'シート 1'!E3:F3", values: [['active', 3]] },
          { range: 'Config!B2', values: [[14]] },
        ],
      },
    });
    expect(res.data).toMatchObject({
      spreadsheetId: BOOK,
      totalUpdatedCells: 4,
      totalUpdatedSheets: 2,
      responses: [
        { updatedRange: "'シート 1'!E2", updatedCells: 1 },
        { updatedRange: "'シート 1'!E3:F3", updatedCells: 2, updatedColumns: 2 },
        { updatedRange: 'Config!B2', updatedCells: 1 },
      ],
    });
    expect(fake.stats).toMatchObject({ writes: 1, reads: 0, requests: 1 });
    expect(fake.getSheet(BOOK, 'シート 1').slice(1)).toEqual([
      ['R-1', '山田', 1500.5, 45292, 'revoked'],
      ['R-2', 'suzuki', 20, '2024-01-02', 'active', 3],
    ]);
    expect(fake.getSheet(BOOK, 'Config')[1]).toEqual(['grace_days', 14]);
  });

  it('rejects a batchUpdate atomically when one range is bad', async () => {
    const api = client(fake);
    await expect(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: BOOK,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: 'Config!B2', values: [[99]] },
            { range: 'Nope!A1', values: [['x']] },
          ],
        },
      }),
    ).rejects.toMatchObject({ status: 400, message: 'Unable to parse range: Nope!A1' });
    expect(fake.getSheet(BOOK, 'Config')[1]).toEqual(['grace_days', 7]);
  });

  it('updates with USER_ENTERED parsing numbers and refuses to write outside the range', async () => {
    const api = client(fake);
    const res = await api.spreadsheets.values.update({
      spreadsheetId: BOOK,
      range: 'Config!A3:B4',
      valueInputOption: 'USER_ENTERED',
      includeValuesInResponse: true,
      responseValueRenderOption: 'UNFORMATTED_VALUE',
      requestBody: {
        values: [
          ['max_keys', '2'],
          ['label', "'007"],
        ],
      },
    });
    expect(res.data).toEqual({
      spreadsheetId: BOOK,
      updatedRange: 'Config!A3:B4',
      updatedRows: 2,
      updatedColumns: 2,
      updatedCells: 4,
      updatedData: {
        range: 'Config!A3:B4',
        majorDimension: 'ROWS',
        values: [
          ['max_keys', 2],
          ['label', '007'],
        ],
      },
    });
    await expect(
      api.spreadsheets.values.update({
        spreadsheetId: BOOK,
        range: 'Config!A3:B3',
        valueInputOption: 'RAW',
        requestBody: { values: [['a', 'b', 'c']] },
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: 'Requested writing within range [Config!A3:B3], but tried writing to column [C]',
    });
  });

  it('appends after the last row of the table', async () => {
    const api = client(fake);
    const res = await api.spreadsheets.values.append({
      spreadsheetId: BOOK,
      range: "'シート 1'!A:D",
      valueInputOption: 'RAW',
      insertDataOption: 'INSERT_ROWS',
      requestBody: {
        values: [
          ['R-3', '佐藤', 5, '2024-02-01'],
          ['R-4', 'tanaka', 6, '2024-02-02'],
        ],
      },
    });
    expect(res.data).toEqual({
      spreadsheetId: BOOK,
      tableRange: "'シート 1'!A1:D3",
      updates: {
        spreadsheetId: BOOK,
        updatedRange: "'シート 1'!A4:D5",
        updatedRows: 2,
        updatedColumns: 4,
        updatedCells: 8,
      },
    });
    const rows = fake.getSheet(BOOK, 'シート 1');
    expect(rows.map((r) => r[0])).toEqual(['request_id', 'R-1', 'R-2', 'R-3', 'R-4']);
    expect(fake.stats).toMatchObject({ writes: 1, byMethod: { 'values.append': 1 } });
  });

  it('appends into an empty sheet at the range start, without a tableRange', async () => {
    fake.setSheet(BOOK, 'Empty', []);
    const api = client(fake);
    const res = await api.spreadsheets.values.append({
      spreadsheetId: BOOK,
      range: 'Empty!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['first']] },
    });
    expect(res.data).toEqual({
      spreadsheetId: BOOK,
      updates: {
        spreadsheetId: BOOK,
        updatedRange: 'Empty!A1',
        updatedRows: 1,
        updatedColumns: 1,
        updatedCells: 1,
      },
    });
  });

  describe('errors surface as GaxiosError with Google status', () => {
    it('404 for an unknown spreadsheet', async () => {
      const err = await client(fake)
        .spreadsheets.values.get({ spreadsheetId: 'missing', range: 'Sheet1!A1' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        status: 404,
        code: 404,
        message: 'Requested entity was not found.',
        response: {
          data: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } },
        },
      });
    });

    it('400 for an unknown sheet in the range', async () => {
      await expect(
        client(fake).spreadsheets.values.get({ spreadsheetId: BOOK, range: "'シート 2'!A1:H" }),
      ).rejects.toMatchObject({
        status: 400,
        message: "Unable to parse range: 'シート 2'!A1:H",
        response: { data: { error: { status: 'INVALID_ARGUMENT' } } },
      });
    });

    it('400 when reading beyond the grid', async () => {
      await expect(
        client(fake).spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Config!A1:A2000' }),
      ).rejects.toMatchObject({
        status: 400,
        message: 'Range (Config!A1:A2000) exceeds grid limits. Max rows: 1000, max columns: 26',
      });
    });

    it('401 without a bearer token when requireAuth is set', async () => {
      const keyOnly = sheets({ version: 'v4', rootUrl: fake.url, auth: 'an-api-key', ...onNodeFetch });
      await expect(
        keyOnly.spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Config' }),
      ).rejects.toMatchObject({
        status: 401,
        response: { data: { error: { status: 'UNAUTHENTICATED' } } },
      });
      expect(fake.stats).toMatchObject({ requests: 1, reads: 0 });
    });
  });
});

describe('retries against injected faults', () => {
  let fake: FakeSheets;
  afterEach(() => fake.close());

  it('recovers from a 429 with a client-wide retryConfig, and the retry state is per request', async () => {
    fake = await startSheetsServer({
      requireAuth: true,
      // Odd attempts fail: each of the two calls below must retry exactly once.
      fault: (method, n) =>
        method === 'values.get' && n % 2 === 1 ? { status: 429, retryAfterSeconds: 1 } : null,
    });
    fake.setSheet(BOOK, 'Sheet1', [['a']]);
    const api = client(fake, { retryConfig: { ...fastRetry, retry: 1 } });

    for (let i = 0; i < 2; i++) {
      const res = await api.spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Sheet1!A1' });
      expect(res.data.values).toEqual([['a']]);
    }
    expect(fake.stats).toEqual({
      reads: 2,
      writes: 0,
      requests: 4,
      faulted: 2,
      byMethod: { 'values.get': 4 },
    });
    expect(fake.log.map((l) => l.status)).toEqual([429, 200, 429, 200]);
  });

  it('retries GET by default but not POST: batchUpdate needs httpMethodsToRetry', async () => {
    fake = await startSheetsServer({
      fault: (method, n) => (n === 1 && method !== 'values.update' ? { status: 503 } : null),
    });
    fake.setSheet(BOOK, 'Sheet1', [['a']]);
    const body = { valueInputOption: 'RAW', data: [{ range: 'Sheet1!B1', values: [['b']] }] };

    // No retryConfig at all: googleapis-common sets `retry: true`, so GET gets gaxios' defaults
    // (3 retries, 100 ms then 500 ms then 1500 ms; 408/429/5xx; GET/HEAD/PUT/OPTIONS/DELETE).
    const read = await client(fake).spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Sheet1!A1' });
    expect(read.data.values).toEqual([['a']]);
    expect(fake.stats).toMatchObject({ faulted: 1, byMethod: { 'values.get': 2 } });

    await expect(
      client(fake).spreadsheets.values.batchUpdate({ spreadsheetId: BOOK, requestBody: body }),
    ).rejects.toMatchObject({ status: 503, response: { data: { error: { status: 'UNAVAILABLE' } } } });
    expect(fake.stats.byMethod['values.batchUpdate']).toBe(1);

    fake.resetStats();
    const res = await client(fake).spreadsheets.values.batchUpdate(
      { spreadsheetId: BOOK, requestBody: body },
      { retryConfig: fastRetry },
    );
    expect(res.data.totalUpdatedCells).toBe(1);
    expect(fake.stats).toMatchObject({ writes: 1, faulted: 1, byMethod: { 'values.batchUpdate': 2 } });
  });

  it('gives up after `retry` attempts and reports the last error', async () => {
    fake = await startSheetsServer({ fault: () => ({ status: 429 }) });
    fake.setSheet(BOOK, 'Sheet1', [['a']]);
    await expect(
      client(fake).spreadsheets.values.get(
        { spreadsheetId: BOOK, range: 'Sheet1!A1' },
        { retryConfig: { ...fastRetry, retry: 2 } },
      ),
    ).rejects.toMatchObject({ status: 429, response: { data: { error: { status: 'RESOURCE_EXHAUSTED' } } } });
    expect(fake.stats).toMatchObject({ requests: 3, faulted: 3, reads: 0 });
  });

  it('honours Retry-After only through a retryBackoff hook, since gaxios ignores the header', async () => {
    fake = await startSheetsServer({
      fault: (_method, n) => (n === 1 ? { status: 429, retryAfterSeconds: 1 } : null),
    });
    fake.setSheet(BOOK, 'Sheet1', [['a']]);
    const waits: number[] = [];
    const retryConfig: RetryConfig = {
      ...fastRetry,
      retryBackoff: async (err, defaultMs) => {
        const header = Number(err.response?.headers.get('retry-after'));
        const ms = Number.isFinite(header) && header > 0 ? header * 1000 : defaultMs;
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    };
    const started = Date.now();
    await client(fake).spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Sheet1!A1' }, { retryConfig });
    expect(waits).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('applies latency to every request', async () => {
    fake = await startSheetsServer({ latencyMs: 50 });
    fake.setSheet(BOOK, 'Sheet1', [['a']]);
    const started = Date.now();
    await client(fake).spreadsheets.values.get({ spreadsheetId: BOOK, range: 'Sheet1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
