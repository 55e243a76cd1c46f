import { type LocalDate, toLedgerText } from './dates';
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
): string | null {
  if (mode !== 'apply' || requested === undefined || requested <= today) return null;
  return (
    `refusing to apply as of ${toLedgerText(requested)}: today is ${toLedgerText(today)} in this time zone. ` +
    'An apply run may catch up a missed day, never act on one that has not come; a dry run may plan any day.'
  );
}
