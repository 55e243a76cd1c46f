import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { CsvWorkbook } from '../../src/adapters/ledger/csv-workbook';
import {
  CREDENTIAL_REPORT_COLUMNS,
  CredentialReportFormatError,
  parseCredentialReport,
} from '../../src/domain/credential-report';
import type { LocalDate } from '../../src/domain/dates';
import { type ColumnSettings, LEDGER_FIELDS, parseLedger } from '../../src/domain/ledger';
import { SweepDateError, SweepLockedError } from '../../src/domain/sweep-lock';
import { describeError } from '../../src/text/describe-error';
import { messages } from '../../src/text/messages';
import { englishIn } from '../support/japanese';
import { ADMIN, eventually, SlackWorld } from '../support/slack-world';
import { csvGrid, EXAMPLES, World } from '../support/world';

const ja = messages('ja');
const en = messages('en');
const LEDGER = readFileSync(join(EXAMPLES, 'ledger.csv'), 'utf8').trimEnd().split('\n');
const PEOPLE = readFileSync(join(EXAMPLES, 'people.csv'), 'utf8').trimEnd().split('\n');

/** What the error threw, worded in both languages. */
function caught(run: () => unknown): { error: unknown; ja: string; en: string } {
  try {
    run();
  } catch (error) {
    return { error, ja: describeError(error, ja), en: describeError(error, en) };
  }
  throw new Error('expected an error');
}

async function rejected(run: Promise<unknown>): Promise<{ error: unknown; ja: string; en: string }> {
  const error = await run.then(
    () => new Error('expected an error'),
    (thrown: unknown) => thrown,
  );
  return { error, ja: describeError(error, ja), en: describeError(error, en) };
}

/** A CSV ledger file read as Keywarden reads it. */
async function csvLedger(dir: string, name: string, bytes: Buffer | string) {
  await writeFile(join(dir, name), bytes);
  return (await new CsvWorkbook(join(dir, name), join(dir, 'people.csv')).read()).ledger;
}

/**
 * The errors that end what a person asked for — a ledger or credential report that cannot be
 * read at all, a sweep refused because another holds the lock or the day has not come — made
 * for real and worded for a Japanese reader: only data stays Latin (headers and cells, setting
 * names and their values, encodings, IAM's column names, sweep ids, host names).
 */
describe('errors read in Japanese', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keywarden-ja-errors-'));
    await writeFile(join(dir, 'people.csv'), PEOPLE.join('\n'));
  });

  it('a ledger with no header, with an ambiguous one, or decoded in the wrong encoding', async () => {
    const headerless = await csvLedger(dir, 'no-header.csv', LEDGER.slice(1).join('\n'));
    const misdecoded = await csvLedger(dir, 'utf16.csv', iconv.encode(LEDGER.join('\r\n'), 'utf-16le'));
    const [header = '', ...rows] = LEDGER;
    const ambiguous = await csvLedger(dir, 'ambiguous.csv', [`${header},有効期限`, ...rows].join('\n'));
    const settings: ColumnSettings = { endDate: '有効期限（最長90日）' };
    const errors = [
      caught(() => parseLedger(headerless)),
      caught(() => parseLedger(misdecoded)),
      caught(() => parseLedger(ambiguous)),
      caught(() => parseLedger(headerless, settings)),
    ];
    expect(errors[0]?.ja).toMatch(
      /^台帳のヘッダー行が見つかりません: 先頭5行に次の列がありません: IAM ユーザー（/,
    );
    expect(errors[1]?.ja).toContain('ファイルは cp932 として読みました');
    expect(errors[2]?.ja).toMatch(
      /^台帳のヘッダー（1行目）があいまいです: 「利用終了日」と「有効期限」がどれも利用終了日を表しています/,
    );
    expect(errors[3]?.ja).toContain('LEDGER_COLUMNS で指定した「有効期限（最長90日）」');
    // English is the Error's own message, as before: logs and English readers see the same.
    for (const { error, en: english } of errors) expect(english).toBe((error as Error).message);
    expect(errors[0]?.en).toMatch(/^ledger header not found: missing column\(s\) iamUser/);

    // Headers as written, LEDGER_COLUMNS' field names and the cells of a misdecoded header are data.
    const data = [
      ...LEDGER_FIELDS,
      ...headerless.flat().map(String),
      ...misdecoded.flat().map(String),
      'utf-8',
      'cp932',
      'utf-16le',
      'IAM user',
      'access key id',
      'end date',
      'status',
    ].filter((piece) => piece.trim() !== '');
    expect(errors.flatMap(({ ja: text }) => englishIn(text, data, []))).toEqual([]);
  });

  it('a text that is not a credential report', () => {
    const header = CREDENTIAL_REPORT_COLUMNS.filter((column) => column !== 'mfa_active').join(',');
    const errors = [
      caught(() => parseCredentialReport('\n\n')),
      caught(() => parseCredentialReport(`${header}\n`)),
      caught(() => parseCredentialReport('"user,arn\n')),
      caught(() => parseCredentialReport('氏名,利用終了日\n山田,2026/12/31\n')),
    ];
    expect(errors[0]?.ja).toBe('認証情報レポートが空です');
    expect(errors[1]?.ja).toMatch(/^認証情報レポートに mfa_active の列がありません（ヘッダー: user,arn,/);
    expect(errors[2]?.ja).toMatch(/^認証情報レポートのヘッダー行が CSV として読めません（/);
    expect(errors[3]?.ja).toMatch(
      /^認証情報レポートに user、arn、.* の列がありません（ヘッダー: 氏名,利用終了日）$/,
    );
    for (const { error, en: english } of errors) expect(english).toBe((error as Error).message);
    // csv-parse's own error, the header as it was read and IAM's column names are data.
    const notCsv = errors[2]?.error;
    const csvError =
      notCsv instanceof CredentialReportFormatError && notCsv.fault.kind === 'header-not-csv'
        ? notCsv.fault.error
        : '';
    expect(csvError).not.toBe('');
    expect(
      errors.flatMap(({ ja: text }) => englishIn(text, [csvError, header], CREDENTIAL_REPORT_COLUMNS)),
    ).toEqual([]);
  });

  describe('a sweep refused', () => {
    let world: World;
    afterEach(async () => {
      await world.close();
    });

    it('while another sweep holds the lock, or for a day that has not come', async () => {
      world = await World.start();
      await world.state.lock.acquire('sweep', 'someone-else', 600, new Date('2026-11-24T06:00:00Z'), {
        host: 'ip-10-0-1-23',
        pid: 4242,
      });
      const locked = await rejected(world.sweep('apply'));
      expect(locked.error).toBeInstanceOf(SweepLockedError);
      expect(locked.ja).toMatch(
        /^別のスイープが実行中のため、実行しませんでした。スイープのロックは使用中です: スイープ someone-else（ip-10-0-1-23 のプロセス 4242）/,
      );
      expect(locked.en).toMatch(/^another sweep is running: sweep someone-else on ip-10-0-1-23 \(pid 4242\)/);
      await world.state.lock.release('sweep', 'someone-else');

      const early = await rejected(world.sweep('apply', {}, '2027-06-01' as LocalDate));
      expect(early.error).toBeInstanceOf(SweepDateError);
      expect(early.ja).toMatch(
        /^2027\/06\/01 の時点では実行できません: このタイムゾーンでは今日は 2026\/11\/24 です/,
      );

      const holder = (locked.error as SweepLockedError).holder;
      const data = [holder?.acquiredAt ?? '', holder?.renewedAt ?? ''];
      expect([locked.ja, early.ja].flatMap((text) => englishIn(text, data, ['someone-else']))).toEqual([]);
    });
  });

  describe('in Slack', () => {
    let sw: SlackWorld;
    afterEach(async () => {
      await sw.close();
    });

    it('/iam-audit over a ledger with no header says why in Japanese', async () => {
      const rows = csvGrid('ledger.csv').slice(1);
      sw = await SlackWorld.start({ ledger: rows });
      await sw.command(ADMIN, 'ledger');
      const reply = await eventually(() =>
        sw.slack.responses.find((r) => String(r.body.text).includes('に失敗しました')),
      );
      const text = String(reply.body.text);
      expect(text).toMatch(
        /^\/iam-audit ledger に失敗しました: 台帳のヘッダー行が見つかりません: 先頭5行に次の列がありません: /,
      );
      expect(
        englishIn(
          text,
          [...rows.flat(), 'IAM user', 'access key id', 'end date', 'status'].filter(Boolean),
          [],
        ),
      ).toEqual([]);
    });
  });
});
