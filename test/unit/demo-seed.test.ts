import { shiftLedgerDates } from '../../src/demo/seed';

describe('shiftLedgerDates', () => {
  it('moves start and end dates, and nothing else', () => {
    const csv =
      '氏名,アカウント名,アクセスキーID,利用開始日,利用終了日,状態\n山田,etl,AKIA1,2026/11/20,2026/11/28,\n鈴木,x,AKIA2,,2026/02/30,利用中\n';
    expect(shiftLedgerDates(csv, 10)).toBe(
      '氏名,アカウント名,アクセスキーID,利用開始日,利用終了日,状態\n山田,etl,AKIA1,2026/11/30,2026/12/08,\n鈴木,x,AKIA2,,2026/02/30,利用中\n',
    );
  });
});
