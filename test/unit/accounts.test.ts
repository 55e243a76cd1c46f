import {
  accountLedgers,
  HOME_ACCOUNT,
  ownLedger,
  ownRows,
  routeToAccount,
  rowsByAccount,
} from '../../src/domain/accounts';
import { parseLedger } from '../../src/domain/ledger';

interface Target {
  readonly id: string | null;
  readonly name: string;
}
const home: Target = { id: null, name: 'home' };
const second: Target = { id: '222233334444', name: 'second' };
const third: Target = { id: '333344445555', name: 'third' };
const targets = { home, others: [second, third] };

const row = (accountId: string | null) => ({ accountId });

describe('account routing', () => {
  it('routes to the account a row names, and a row naming none to the credentials’ own', () => {
    expect(routeToAccount(targets, '222233334444')).toBe(second);
    expect(routeToAccount(targets, '333344445555')).toBe(third);
    expect(routeToAccount(targets, null)).toBe(home);
    expect(routeToAccount(targets, undefined)).toBe(home);
  });

  it('routes an account no target covers to the credentials’ own, whose planner judges it', () => {
    expect(routeToAccount(targets, '999999999999')).toBe(home);
    expect(routeToAccount({ home, others: [] }, '222233334444')).toBe(home);
  });

  it('gives each target its rows; the credentials’ own takes its own id and rows naming none', () => {
    const rows = [row(null), row('111122223333'), row('222233334444'), row('999999999999')];
    const parts = rowsByAccount(rows, targets);
    // Routed once: the credentials' own part holds every row no other target covers…
    expect(parts).toEqual(
      new Map([
        [HOME_ACCOUNT, [row(null), row('111122223333'), row('999999999999')]],
        ['222233334444', [row('222233334444')]],
        ['333344445555', []],
      ]),
    );
    // …and its step, knowing its id, keeps its own: a row naming another account is no one's.
    expect(ownRows(parts.get(HOME_ACCOUNT) ?? [], '111122223333')).toEqual([row(null), row('111122223333')]);
    expect(ownRows(parts.get('222233334444') ?? [], '222233334444')).toEqual([row('222233334444')]);
  });

  it('takes only rows naming no account when the credentials’ own id is not known', () => {
    const rows = [row(null), row('111122223333')];
    expect(ownRows(rowsByAccount(rows, targets).get(HOME_ACCOUNT) ?? [], null)).toEqual([row(null)]);
  });
});

describe('each account’s part of the ledger', () => {
  const KEY_A = 'AKIAAAAAAAAAAAAAAAAA';
  const KEY_B = 'AKIABBBBBBBBBBBBBBBB';
  const KEY_C = 'AKIACCCCCCCCCCCCCCCC';
  const ledger = parseLedger([
    ['氏名', 'アカウント名', 'アクセスキーID', '利用終了日', '状態', 'AWSアカウントID'],
    ['山田', 'etl-bot', KEY_A, '2026-12-01', '', ''],
    ['山田', 'etl-bot', KEY_A, '2026-12-01', '', ''], // a copy of row 2, governed by it
    ['佐藤', 'ci-bot', KEY_B, '2026-12-01', '', '222233334444'],
    ['佐藤', 'ci-bot', KEY_B, '2026-11-01', '', '222233334444'], // superseded by row 4
    ['鈴木', 'old-bot', KEY_C, '2026-12-01', '', '999999999999'],
    ['鈴木', 'old-bot', KEY_C, '2026-12-01', '', '999999999999'], // a copy of row 6
    ['', '', '', 'not a date', '', ''],
    ['田中', '', '', '2026-12-01', '', ''], // pending: no user, no key yet
  ]);
  const parts = accountLedgers(ledger, targets);
  const numbers = (key: string) => {
    const part = parts.get(key);
    return part && [part.rows.map((r) => r.rowNumber), part.duplicates.map((c) => c.row.rowNumber)];
  };

  it('gives every row to one part and each copy to its governing row’s part', () => {
    expect(ledger.duplicates.map((c) => c.row.rowNumber)).toEqual([3, 5, 7]);
    expect(numbers(HOME_ACCOUNT)).toEqual([
      [2, 6],
      [3, 7],
    ]);
    expect(numbers('222233334444')).toEqual([[4], [5]]);
    expect(numbers('333344445555')).toEqual([[], []]);
    const all = [...parts.values()].flatMap((part) => part.rows);
    expect(all.sort((a, b) => a.rowNumber - b.rowNumber)).toEqual(ledger.rows);
  });

  it('leaves malformed and pending rows to the whole run: no part reports them', () => {
    expect(ledger.problems.map((p) => p.rowNumber)).toEqual([8]);
    expect(ledger.pending.map((p) => p.rowNumber)).toEqual([9]);
    for (const part of parts.values()) {
      expect(part.problems).toEqual([]);
      expect(part.pending).toEqual([]);
      expect(part.columns).toEqual(ledger.columns);
    }
  });

  it('survives the JSON a Step Functions run stores it as', () => {
    for (const part of parts.values()) expect(JSON.parse(JSON.stringify(part))).toEqual(part);
  });

  it('narrows the credentials’ own part to its own rows and their copies once its id is known', () => {
    const home = parts.get(HOME_ACCOUNT);
    if (!home) throw new Error('no home part');
    const own = ownLedger(home, '111122223333');
    expect(own.rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(own.duplicates.map((c) => c.row.rowNumber)).toEqual([3]);
    const second = parts.get('222233334444');
    if (!second) throw new Error('no part');
    expect(ownLedger(second, '222233334444')).toBe(second);
  });
});
