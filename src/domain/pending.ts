import { addDays, daysBetween, type LocalDate } from './dates';
import type { PendingRow } from './ledger';

/** `PENDING_REPORT_DAYS` unless set: a request a week old without a key is worth a nudge. */
export const DEFAULT_PENDING_REPORT_DAYS = 7;

export interface StalePending {
  readonly row: PendingRow;
  /** Days since it was submitted (its timestamp, else its start date). */
  readonly ageDays: number;
}

/**
 * Pending rows the admins should hear about: submitted at least `reportDays` ago. A row with
 * neither a timestamp nor a start date has no age, so it is counted but never reported.
 */
export function stalePending(
  pending: readonly PendingRow[],
  today: LocalDate,
  reportDays: number,
): StalePending[] {
  return pending.flatMap((row) => {
    if (row.submittedOn === null) return [];
    const ageDays = daysBetween(row.submittedOn, today);
    return ageDays >= reportDays ? [{ row, ageDays }] : [];
  });
}

/**
 * The week a reminder belongs to, named by its Monday: a request still pending is reported
 * once a week, not on every sweep.
 */
export function reminderWeek(today: LocalDate): LocalDate {
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(today, -((weekday + 6) % 7));
}
