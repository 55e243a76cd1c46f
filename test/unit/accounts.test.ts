import { routeToAccount, rowsOfAccount } from '../../src/domain/accounts';

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
    expect(rowsOfAccount(rows, targets, home, '111122223333')).toEqual([row(null), row('111122223333')]);
    expect(rowsOfAccount(rows, targets, second, '222233334444')).toEqual([row('222233334444')]);
    expect(rowsOfAccount(rows, targets, third, '333344445555')).toEqual([]);
  });

  it('takes only rows naming no account when the credentials’ own id is not known', () => {
    const rows = [row(null), row('111122223333')];
    expect(rowsOfAccount(rows, targets, home, null)).toEqual([row(null)]);
  });
});
