/**
 * The strategy most key-expiry scripts use, as the baseline: list every IAM user, then for each
 * one GetUser (for tags), ListUserTags and ListAccessKeys, one call after another; read the
 * ledger; write each changed cell with its own `values.update`. Same real SDK clients, same
 * servers, same latency as the sweep.
 *
 * With BENCH_SAMPLE=n it does the per-user calls for an evenly spread n of the users and
 * reports the per-user cost, which the parent extrapolates (and says so).
 *
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import {
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { auth, sheets } from '@googleapis/sheets';
import { toLedgerText } from '../src/domain/dates';
import type { CellWrite } from '../src/ports/workbook';
import { required, runMain } from './child';

export interface BaselineChildResult {
  readonly users: number;
  readonly sampled: number;
  readonly listUsersMs: number;
  readonly listUsersCalls: number;
  /** Wall time of the per-user calls for the sampled users. */
  readonly perUserMs: number;
  readonly ledgerReadMs: number;
  readonly cellWrites: number;
  readonly cellWriteMs: number;
  readonly maxRssMb: number;
}

function columnLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

async function main(): Promise<void> {
  // A script's usual client: default retry settings.
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: required('IAM_ENDPOINT'),
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: 'bench-token' });
  const api = sheets({
    version: 'v4',
    auth: oauth,
    rootUrl: required('BENCH_SHEETS_URL'),
    fetchImplementation: fetch,
  });
  const spreadsheetId = required('BENCH_SPREADSHEET_ID');
  const sample = Number(process.env.BENCH_SAMPLE ?? '0');
  const cells = JSON.parse(readFileSync(required('BENCH_CELLS_FILE'), 'utf8')) as CellWrite[];

  let t = performance.now();
  const userNames: string[] = [];
  let listUsersCalls = 0;
  for await (const page of paginateListUsers({ client: iam }, {})) {
    listUsersCalls += 1;
    for (const user of page.Users ?? []) if (user.UserName) userNames.push(user.UserName);
  }
  const listUsersMs = performance.now() - t;

  t = performance.now();
  await api.spreadsheets.values.get({ spreadsheetId, range: "'台帳'" });
  await api.spreadsheets.values.get({ spreadsheetId, range: "'users'" });
  const ledgerReadMs = performance.now() - t;

  const step = sample > 0 ? Math.max(1, Math.floor(userNames.length / sample)) : 1;
  const picked = userNames.filter((_, i) => i % step === 0).slice(0, sample > 0 ? sample : undefined);
  t = performance.now();
  for (const UserName of picked) {
    await iam.send(new GetUserCommand({ UserName }));
    await iam.send(new ListUserTagsCommand({ UserName }));
    await iam.send(new ListAccessKeysCommand({ UserName }));
  }
  const perUserMs = performance.now() - t;

  t = performance.now();
  for (const cell of cells)
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: `'台帳'!${columnLetter(cell.column)}${cell.rowNumber}`,
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['date' in cell ? toLedgerText(cell.date) : cell.value]] },
    });
  const cellWriteMs = performance.now() - t;
  iam.destroy();

  const result: BaselineChildResult = {
    users: userNames.length,
    sampled: picked.length,
    listUsersMs: Math.round(listUsersMs),
    listUsersCalls,
    perUserMs: Math.round(perUserMs),
    ledgerReadMs: Math.round(ledgerReadMs),
    cellWrites: cells.length,
    cellWriteMs: Math.round(cellWriteMs),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

runMain('baseline child', main);
