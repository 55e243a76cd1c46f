import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { googleAuth } from '../../src/adapters/ledger/google-auth';
import { SheetsWorkbook } from '../../src/adapters/ledger/sheets-workbook';
import type { LocalDate } from '../../src/domain/dates';
import { WorkbookError } from '../../src/ports/workbook';
import { type FakeSheets, startSheetsServer } from '../fakes/sheets-server';

const ID = 'ledger-book';

function serviceAccountJson(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    client_email: 'keywarden@project.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}

describe('SheetsWorkbook', () => {
  let fake: FakeSheets;
  afterEach(async () => {
    await fake.close();
  });

  it('signs in as the service account, reads both tables in one request and writes in one', async () => {
    fake = await startSheetsServer({ requireAuth: true });
    fake.setSheet(ID, '台帳', [
      ['氏名', '利用終了日', '状態'],
      ['山田 太郎', 46053, ''],
    ]);
    fake.setSheet(ID, 'users', [['Slack ID', '姓', '名']]);
    // The JWT exchange is the one call that would leave the machine; nock answers it.
    const token = nock('https://oauth2.googleapis.com')
      .post('/token', (body) => body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      .reply(200, { access_token: 'sa-token', expires_in: 3600, token_type: 'Bearer' });

    const workbook = new SheetsWorkbook({
      spreadsheetId: ID,
      ledgerSheet: '台帳',
      peopleSheet: 'users',
      auth: googleAuth({ json: serviceAccountJson() }),
      rootUrl: fake.url,
    });
    const tables = await workbook.read();
    expect(tables.ledger).toEqual([
      ['氏名', '利用終了日', '状態'],
      ['山田 太郎', 46053],
    ]);
    expect(tables.people).toEqual([['Slack ID', '姓', '名']]);

    await workbook.write([
      { rowNumber: 2, column: 2, value: '削除済み' },
      { rowNumber: 2, column: 1, date: '2027-01-31' as LocalDate },
    ]);
    // A date goes as its serial number, like the 46053 people typed as 2026/01/31.
    expect(fake.getSheet(ID, '台帳')[1]).toEqual(['山田 太郎', 46418, '削除済み']);
    expect(fake.stats).toMatchObject({ reads: 1, writes: 1 });
    expect(token.isDone()).toBe(true);
  });

  it('retries 429 with Retry-After and 503 on reads and writes', async () => {
    fake = await startSheetsServer({
      fault: (method, n) =>
        n === 1
          ? method === 'values.batchGet'
            ? { status: 429, retryAfterSeconds: 1 }
            : { status: 503 }
          : null,
    });
    fake.setSheet(ID, '台帳', [['状態'], ['']]);
    fake.setSheet(ID, 'users', [['Slack ID']]);
    const workbook = new SheetsWorkbook({
      spreadsheetId: ID,
      ledgerSheet: '台帳',
      peopleSheet: 'users',
      auth: 'key',
      rootUrl: fake.url,
    });
    await expect(workbook.read()).resolves.toMatchObject({ ledger: [['状態']] });
    await workbook.write([{ rowNumber: 2, column: 0, value: '削除済み' }]);
    expect(fake.getSheet(ID, '台帳')).toEqual([['状態'], ['削除済み']]);
    expect(fake.stats.faulted).toBe(2);
  });

  it('writes RAW: a forged formula lands as text, and dates as serial numbers', async () => {
    fake = await startSheetsServer();
    fake.setSheet(ID, '台帳', [
      ['利用終了日', '状態'],
      [46053, ''],
    ]);
    fake.setSheet(ID, 'users', [['Slack ID']]);
    const workbook = new SheetsWorkbook({
      spreadsheetId: ID,
      ledgerSheet: '台帳',
      peopleSheet: 'users',
      auth: 'key',
      rootUrl: fake.url,
    });
    const forged = '=HYPERLINK("http://evil","x")';
    await workbook.write([
      { rowNumber: 2, column: 1, value: forged },
      { rowNumber: 2, column: 0, date: '2026-12-28' as LocalDate },
    ]);
    const writes = fake.log.filter((entry) => entry.method === 'values.batchUpdate');
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]!.body)).toEqual({
      valueInputOption: 'RAW',
      data: [
        { range: "'台帳'!B2", values: [[forged]] },
        { range: "'台帳'!A2", values: [[46384]] },
      ],
    });
    expect(fake.getSheet(ID, '台帳')[1]).toEqual([46384, forged]);
  });

  it('explains a missing sheet', async () => {
    fake = await startSheetsServer();
    fake.setSheet(ID, 'Sheet1', [['a']]);
    const workbook = new SheetsWorkbook({
      spreadsheetId: ID,
      ledgerSheet: '台帳',
      peopleSheet: 'users',
      auth: 'key',
      rootUrl: fake.url,
    });
    await expect(workbook.read()).rejects.toThrow(WorkbookError);
    await expect(workbook.read()).rejects.toThrow(/check the sheet names/);
  });
});
