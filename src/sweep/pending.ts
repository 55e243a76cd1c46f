import type { LocalDate } from '../domain/dates';
import { pendingReminderKey } from '../domain/journal-keys';
import type { PendingRow } from '../domain/ledger';
import { reminderWeek, stalePending } from '../domain/pending';
import type { Mode, PendingSummary } from '../domain/report';
import { NoticeNotSent, type Notifier } from '../ports/notifier';
import type { Journal } from '../ports/state';
import { errorMessage } from '../util/errors';
import { once } from './once';

export interface PendingDeps {
  readonly journal: Journal;
  readonly notifier: Notifier;
  readonly now: () => Date;
}

/**
 * Counts the requests awaiting issuance and reminds the admins of those `reportDays` old, once
 * a week per row: each row's reminder is claimed in the journal for the week, and one message
 * lists the rows this sweep claimed. A dry run only reads the journal and says who it would name.
 */
export async function remindPending(
  deps: PendingDeps,
  pending: readonly PendingRow[],
  run: {
    readonly today: LocalDate;
    readonly reportDays: number;
    readonly mode: Mode;
    readonly sweepId: string;
  },
): Promise<PendingSummary> {
  const stale = stalePending(pending, run.today, run.reportDays);
  const week = reminderWeek(run.today);
  const keyOf = (rowNumber: number) => pendingReminderKey(rowNumber, week);
  const base = {
    rows: pending.map((row) => row.rowNumber),
    total: pending.length,
    stale: stale.length,
    reportDays: run.reportDays,
  };
  if (stale.length === 0) return { ...base, reminded: [], outcome: 'none' };

  if (run.mode === 'dry-run') {
    const journal = await deps.journal.getMany(stale.map(({ row }) => keyOf(row.rowNumber)));
    const due = stale.filter(({ row }) => journal.get(keyOf(row.rowNumber))?.state !== 'completed');
    return {
      ...base,
      reminded: due.map(({ row }) => row.rowNumber),
      outcome: due.length > 0 ? 'planned' : 'none',
    };
  }

  const claims = stale.map(({ row }) => ({
    key: keyOf(row.rowNumber),
    action: 'pending-reminder',
    rowId: `row ${row.rowNumber}`,
    sweepId: run.sweepId,
  }));
  const sent = await once(
    deps.journal,
    deps.now,
    claims,
    async ({ keys }) => {
      const rows = stale.filter(({ row }) => keys.includes(keyOf(row.rowNumber)));
      await deps.notifier.pendingRequests({ rows, reportDays: run.reportDays });
      return { value: rows.map(({ row }) => row.rowNumber) };
    },
    // A reminder that reached nobody is sent again by the next sweep; one that may have gone out is not.
    {
      resume: 'never',
      nothingDone: (error: unknown): error is NoticeNotSent => error instanceof NoticeNotSent,
    },
  );
  switch (sent.kind) {
    case 'ran':
      return { ...base, reminded: sent.value, outcome: 'done' };
    case 'already-done':
      return { ...base, reminded: [], outcome: 'none' };
    case 'failed':
      return { ...base, reminded: [], outcome: 'failed', error: errorMessage(sent.error) };
  }
}
