import { loadConfig } from '../../src/config';
import type { LocalDate } from '../../src/domain/dates';
import { deactivationKey, teardownKey } from '../../src/domain/journal-keys';
import type { LedgerRow } from '../../src/domain/ledger';
import type { Action, Settled } from '../../src/domain/planner';
import { type Deactivation, stageRemoval } from '../../src/domain/staged-removal';

const day = (text: string) => text as LocalDate;

function row(rowNumber: number, accessKeyId: string, iamUser = 'etl-batch'): LedgerRow {
  return {
    rowNumber,
    id: accessKeyId,
    name: 'Taro Yamada',
    purpose: 'ETL',
    resource: 's3://raw',
    iamUser,
    accessKeyId,
    startDate: null,
    endDate: day('2026-11-28'),
    status: 'active',
    accountId: null,
  };
}

const a = row(2, 'AKIAEXAMPLEAAAA00001');
const b = row(3, 'AKIAEXAMPLEBBBB00002');
const teardown: Action = {
  kind: 'teardown-user',
  userName: 'etl-batch',
  rows: [a, b],
  keys: [teardownKey(a), teardownKey(b)],
  customerPolicyArns: [],
};
const liveKey = { accessKeyId: a.accessKeyId, status: 'Active' } as const;
const deleteKey: Action = {
  kind: 'delete-key',
  key: teardownKey(a),
  row: a,
  accessKey: liveKey,
  keptBecause: [{ key: 'AKIA…OTHR', row: null }],
};
const record: Action = { kind: 'record-deleted', key: teardownKey(b), row: b };
const policy = { deleteAfterDays: 7 };
const done = (on: string, reactivated = false, announced = true): Deactivation => ({
  state: 'completed',
  on: day(on),
  reactivated,
  announced,
});
const stage = (settled: Settled, journal: [LedgerRow, Deactivation][], today: string) =>
  stageRemoval(settled, new Map(journal.map(([r, d]) => [deactivationKey(r), d])), day(today), policy);

describe('staged removal', () => {
  it('deactivates first: the whole user, or only the key a key-only deletion would remove', () => {
    const staged = stage({ actions: [teardown, deleteKey, record], skips: [] }, [], '2026-11-29');
    expect(staged.skips).toEqual([]);
    expect(staged.actions).toEqual([
      {
        kind: 'deactivate-user',
        userName: 'etl-batch',
        rows: [a, b],
        keys: [deactivationKey(a), deactivationKey(b)],
        on: '2026-11-29',
        deleteOn: '2026-12-06',
      },
      {
        kind: 'deactivate-key',
        key: deactivationKey(a),
        row: a,
        accessKey: liveKey,
        on: '2026-11-29',
        deleteOn: '2026-12-06',
      },
      record,
    ]);
  });

  it('waits DELETE_AFTER_DAYS after the last row was deactivated, then lets the removal go ahead', () => {
    const journal: [LedgerRow, Deactivation][] = [
      [a, done('2026-11-29')],
      [b, done('2026-11-30')],
    ];
    const waiting = stage({ actions: [teardown], skips: [] }, journal, '2026-12-06');
    expect(waiting.actions).toEqual([]);
    expect(waiting.skips.map((skip) => [skip.row.rowNumber, skip.reason, skip.attention])).toEqual([
      [2, 'deactivated', false],
      [3, 'deactivated', false],
    ]);
    expect(waiting.skips[0]?.detail).toMatchObject({ kind: 'deactivated', deleteOn: '2026-12-07' });
    expect(stage({ actions: [teardown], skips: [] }, journal, '2026-12-07').actions).toEqual([teardown]);
  });

  it('deletes nothing the admins were not shown, however long ago the keys went off', () => {
    // The admins' post was refused, or the run killed before it: the row waits for its line.
    const unannounced: [LedgerRow, Deactivation][] = [
      [a, done('2026-11-01')],
      [b, done('2026-11-01', false, false)],
    ];
    const waiting = stage({ actions: [teardown], skips: [] }, unannounced, '2026-12-20');
    expect(waiting.actions).toEqual([]);
    expect(waiting.skips.map((skip) => [skip.row.rowNumber, skip.reason])).toEqual([
      [2, 'deactivated'],
      [3, 'deactivated'],
    ]);
    // Once a sweep has posted its line, the deletion that was due goes ahead.
    const announced: [LedgerRow, Deactivation][] = [
      [a, done('2026-11-01')],
      [b, done('2026-11-01')],
    ];
    expect(stage({ actions: [teardown], skips: [] }, announced, '2026-12-20').actions).toEqual([teardown]);
  });

  it('deactivates again when a deactivation was interrupted or reactivated, never deleting straight away', () => {
    const started: Deactivation = {
      state: 'started',
      on: day('2026-11-29'),
      reactivated: false,
      announced: false,
    };
    for (const journal of [
      [[a, started]],
      [[a, done('2026-11-01', true)]],
      [[a, done('2026-11-01')]], // b was never deactivated
    ] as [LedgerRow, Deactivation][][]) {
      const [action] = stage({ actions: [teardown], skips: [] }, journal, '2026-12-20').actions;
      expect(action?.kind).toBe('deactivate-user');
    }
  });

  it('is off by default; REMOVAL=deactivate-then-delete turns it on with DELETE_AFTER_DAYS (14)', () => {
    expect(loadConfig({}).stagedRemoval).toBeUndefined();
    expect(loadConfig({ REMOVAL: 'deactivate-then-delete' }).stagedRemoval).toEqual({ deleteAfterDays: 14 });
    expect(loadConfig({ REMOVAL: 'deactivate-then-delete', DELETE_AFTER_DAYS: '3' }).stagedRemoval).toEqual({
      deleteAfterDays: 3,
    });
    expect(() => loadConfig({ REMOVAL: 'disable' })).toThrow(/REMOVAL/);
    expect(() => loadConfig({ DELETE_AFTER_DAYS: '0' })).toThrow(/DELETE_AFTER_DAYS/);
  });
});
