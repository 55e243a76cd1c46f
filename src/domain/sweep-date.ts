import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import type { LocalDate } from './dates';
import type { Mode } from './report';

/**
 * `--date` plans as if today were another day. A dry run may look at any day; an apply run
 * may only catch up a day that has come (a missed sweep), because acting on a later day
 * deletes keys whose owners still have time. Every entry point goes through `runSweep`,
 * which applies this rule, so none can act on tomorrow.
 */
export function sweepDateRefusal(
  mode: Mode,
  requested: LocalDate | undefined,
  today: LocalDate,
): SweepDateRefusal | null {
  if (mode !== 'apply' || requested === undefined || requested <= today) return null;
  return { requested, today };
}

/** An apply run asked for `requested`, a day after `today` (worded by the catalogue's `cli.applyDateRefused`). */
export interface SweepDateRefusal {
  readonly requested: LocalDate;
  readonly today: LocalDate;
}

/**
 * The instant a run "as of" `date` stands for: this moment's time of day on that date, in the
 * configured zone. A dry run as of tomorrow then sees what tomorrow's run at this hour would, and
 * one as of today is exactly today's run. Hygiene windows, ages and expiries all follow from it.
 */
export function instantOn(date: LocalDate, now: Date, timeZone: string): Date {
  return fromZonedTime(`${date}T${formatInTimeZone(now, timeZone, 'HH:mm:ss.SSS')}`, timeZone);
}
