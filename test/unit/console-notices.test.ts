import type { LocalDate } from '../../src/domain/dates';
import { parseLedger } from '../../src/domain/ledger';
import type { SweepReport } from '../../src/domain/report';
import { sweepReportLines } from '../../src/text/console-notices';
import { messages } from '../../src/text/messages';

describe('the console stand-in for the admins’ sweep summary', () => {
  it('counts malformed rows as every other report does: a blank line in the ledger is not one', () => {
    const { problems } = parseLedger([
      ['氏名', 'IAMユーザー', 'アクセスキーID', '利用開始日', '利用終了日', '状態'],
      ['山田 太郎', 'etl-batch', 'AKIAEXAMPLE000000001', '2026/01/05', '来週まで', '利用中'],
      ['', '', '', '', '', ''],
    ]);
    expect(problems).toHaveLength(2);
    const report: SweepReport = {
      sweepId: 's1',
      mode: 'dry-run',
      today: '2026-11-30' as LocalDate,
      ledger: 'ledger.csv',
      results: [],
      skips: [],
      problems,
      ledgerCellsWritten: 0,
      durationMs: 1,
    };
    expect(sweepReportLines(report, messages('en'))[0]).toBe(
      '[admins] sweep s1: 0 actions, 0 need attention, 1 malformed rows',
    );
  });
});
