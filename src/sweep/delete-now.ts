import { randomUUID } from 'node:crypto';
import { addDays, dateInZone, daysBetween } from '../domain/dates';
import { teardownKey } from '../domain/journal-keys';
import { type LedgerRow, parseLedger, rowOfKey, withCopies } from '../domain/ledger';
import { PeopleDirectory, parsePeople } from '../domain/people';
import { isNotice, plan, settleRemoval } from '../domain/planner';
import { deletedRows, ledgerWrites, rowsOf } from '../domain/report';
import type { NoticeCase } from '../ports/cases';
import { messages } from '../text/messages';
import { errorMessage } from '../util/errors';
import { depsForAccount, executorDeps, type SweepDeps } from './deps';
import { execute } from './execute';
import { completeInput } from './run-sweep';

export type DeleteNowResult =
  | { readonly kind: 'done'; readonly detail: string }
  /** IAM work done and journaled; the ledger write failed (the journal lets a retry or the sweep record it). */
  | { readonly kind: 'unrecorded'; readonly detail: string }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'failed'; readonly detail: string };

/**
 * The owner's Delete button: the same planner guards and executor as the sweep, planned as
 * if the row's end date had passed. Only the clicked row's user is planned, so nothing else
 * in the ledger can ride along.
 */
export async function deleteRowNow(
  deps: SweepDeps,
  notice: Pick<NoticeCase, 'accessKeyId' | 'iamUser'>,
  actor: string,
): Promise<DeleteNowResult> {
  const { accessKeyId, iamUser } = notice;
  const told = messages(deps.language).reasons;
  const tables = await deps.workbook.read();
  const fullLedger = parseLedger(tables.ledger, deps.ledgerColumns);
  // The case's own row: another user's row of the key (a typo, an old deleted one) must not
  // decide the answer, the due day or the account.
  const row = rowOfKey(fullLedger, accessKeyId, iamUser);
  if (!row) return { kind: 'refused', reason: told.deleteNow.noRow };
  // A retry after the ledger write failed, when the sweep recorded it in between.
  if (row.status === 'deleted')
    return (await deps.journal.getMany([teardownKey(row)])).get(teardownKey(row))?.state === 'completed'
      ? { kind: 'done', detail: told.deleteNow.alreadyRecorded }
      : { kind: 'refused', reason: told.deleteNow.notOurs };
  // A row of another account is torn down with that account's IAM, as the sweep would.
  const account = await depsForAccount(deps, row.accountId);
  const sources = {
    ledger: fullLedger,
    directory: new PeopleDirectory(parsePeople(tables.people).people),
    iam: await account.iam.inventory(),
  };

  const today = dateInZone(deps.now(), deps.timeZone);
  const dueDay = daysBetween(today, row.endDate) < 0 ? today : addDays(row.endDate, 1);
  // Rows naming the key for different users all come along: the planner lets only the
  // key's real holder act.
  const users = new Set(
    fullLedger.rows.filter((candidate) => candidate.accessKeyId === accessKeyId).map((r) => r.iamUser),
  );
  const ledger = { ...sources.ledger, rows: sources.ledger.rows.filter((r) => users.has(r.iamUser)) };
  // The owner (or an admin) asked for this deletion: that is all the warning it needs.
  const asked = { ...account, policy: { ...account.policy, finalNoticeDays: 0 } };
  const input = await completeInput(asked, { ...sources, ledger }, dueDay);
  const planned = plan(input);
  const isClicked = (r: LedgerRow) => r.accessKeyId === accessKeyId && r.iamUser === iamUser;
  const clicked = (rows: readonly LedgerRow[]) => rows.some(isClicked);

  // Settled as the sweep would (the whole removal, so the user's other due keys count as
  // due), but only the action for the clicked row runs.
  const removal = planned.removals.find((candidate) => clicked(candidate.due.map((due) => due.row)));
  const settled = removal
    ? settleRemoval(removal, await account.iam.listAccessKeys(removal.userName))
    : { actions: [], skips: [] };
  const action = [...settled.actions, ...planned.actions].find(
    (candidate) => clicked(rowsOf(candidate)) && !isNotice(candidate),
  );
  if (!action) {
    const skip = [...settled.skips, ...planned.skips].find(
      (candidate) => candidate.row.rowNumber === row.rowNumber,
    );
    return { kind: 'refused', reason: skip ? told.skip(skip.detail) : told.deleteNow.nothing };
  }

  const [result] = await execute(
    [action],
    executorDeps(account, { mode: 'apply', sweepId: randomUUID(), actor }),
  );
  // The executor runs an action unless the sweep is stopping, which a click never asks for.
  if (result?.outcome !== 'done')
    return { kind: 'failed', detail: result ? told.action(result.detail) : told.deleteNow.nothing };
  const writes = ledgerWrites(
    withCopies(deletedRows([result]), sources.ledger.duplicates),
    sources.ledger.columns,
    deps.language,
  );
  try {
    if (writes.length > 0) await deps.workbook.write(writes);
  } catch (error) {
    return { kind: 'unrecorded', detail: errorMessage(error) };
  }
  return { kind: 'done', detail: told.action(result.detail) };
}
