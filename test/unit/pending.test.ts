import type { LocalDate } from '../../src/domain/dates';
import type { PendingRow } from '../../src/domain/ledger';
import { reminderWeek, stalePending } from '../../src/domain/pending';

const d = (text: string) => text as LocalDate;
const pending = (rowNumber: number, submittedOn: string | null): PendingRow => ({
  rowNumber,
  name: '新人 花子',
  email: '',
  iamUser: '',
  accessKeyId: '',
  submittedOn: submittedOn === null ? null : d(submittedOn),
  endDate: null,
});

describe('pending requests', () => {
  it('are reported once they are PENDING_REPORT_DAYS old; one with no date has no age', () => {
    const rows = [pending(2, '2026-11-17'), pending(3, '2026-11-18'), pending(4, null)];
    expect(stalePending(rows, d('2026-11-24'), 7)).toEqual([{ row: rows[0], ageDays: 7 }]);
    expect(stalePending(rows, d('2026-11-24'), 0).map((s) => s.row.rowNumber)).toEqual([2, 3]);
  });

  it('are reminded once a week, the week named by its Monday', () => {
    expect(reminderWeek(d('2026-11-30'))).toBe('2026-11-30'); // a Monday
    expect(reminderWeek(d('2026-12-05'))).toBe('2026-11-30');
    expect(reminderWeek(d('2026-12-06'))).toBe('2026-11-30'); // Sunday ends the week
    expect(reminderWeek(d('2026-12-07'))).toBe('2026-12-07');
    expect(reminderWeek(d('2027-01-01'))).toBe('2026-12-28');
  });
});
