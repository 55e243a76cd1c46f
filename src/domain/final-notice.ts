import { addDays, daysBetween, type LocalDate } from './dates';
import { finalNoticeKey, noticeKey, ownerUnknownKey } from './journal-keys';
import type { LedgerRow } from './ledger';

/**
 * Nobody loses a key without warning. A removal needs a notice for the row's end date that
 * reached its owner (or, with no known owner, the admins) at least `finalNoticeDays` before;
 * otherwise the sweep sends a final notice naming a deletion date, journals that date, and
 * removes the key on it if nothing changed. A new end date makes new journal keys, so an
 * owner who extends in the meantime always wins.
 */

/** What the planner needs of one journal entry of a notice. */
export interface NoticeEntry {
  /** `failed`: the send threw and nothing reached anyone; planned like a missing entry. */
  readonly state: 'started' | 'completed' | 'failed';
  /** The calendar day it was completed on, in the sweep's time zone. */
  readonly completedOn?: LocalDate;
  /** A final notice's deletion date. */
  readonly deleteOn?: LocalDate;
}

export type Warning =
  /** Warned long enough ago: the removal may go ahead. */
  | { readonly kind: 'warned' }
  /** No notice that counts: send the final notice now, naming this date. */
  | { readonly kind: 'send-final'; readonly deleteOn: LocalDate }
  /** The final notice went out; the key stays until this date. */
  | { readonly kind: 'scheduled'; readonly deleteOn: LocalDate }
  /** A sweep stopped (or Slack failed) part-way through the final notice: it may not have reached anyone. */
  | { readonly kind: 'unsure' };

export interface WarningInput {
  readonly today: LocalDate;
  /** The day a notice sent now reaches people (never earlier than the real date). */
  readonly noticeDay: LocalDate;
  readonly finalNoticeDays: number;
  readonly journal: (key: string) => NoticeEntry | undefined;
}

/** Whether a past-due row may be removed today, and what to do if not. */
export function warningFor(row: LedgerRow, input: WarningInput): Warning {
  if (input.finalNoticeDays === 0) return { kind: 'warned' };
  const final = input.journal(finalNoticeKey(row));
  if (final?.state === 'started') return { kind: 'unsure' };
  if (final?.state === 'completed' && final.deleteOn)
    return input.today >= final.deleteOn
      ? { kind: 'warned' }
      : { kind: 'scheduled', deleteOn: final.deleteOn };

  // A 'started' notice may never have been sent, a 'failed' one was not, and one without a date
  // proves nothing. A failed final notice is sent again, naming a date counted from today.
  const warnedEarlyEnough = [noticeKey(row), ownerUnknownKey(row)].some((key) => {
    const entry = input.journal(key);
    return (
      entry?.state === 'completed' &&
      entry.completedOn !== undefined &&
      daysBetween(entry.completedOn, input.today) >= input.finalNoticeDays
    );
  });
  if (warnedEarlyEnough) return { kind: 'warned' };
  return { kind: 'send-final', deleteOn: addDays(input.noticeDay, input.finalNoticeDays) };
}
