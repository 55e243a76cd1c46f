import { maskKeyId } from '../domain/iam';
import { deactivationKey } from '../domain/journal-keys';
import type { DeactivationDetail } from '../domain/staged-removal';
import type { NoticeCase } from '../ports/cases';
import { errorMessage } from '../util/errors';
import { depsForAccount, type SweepDeps } from './deps';

/**
 * Undoes a staged removal's deactivation of one row: its key goes back on, as the journal
 * recorded it (a key that was already inactive stays off). A deleted console password cannot
 * be restored; the caller says so. The journal entry is marked, so a later sweep that finds the
 * row due again deactivates it again before any deletion.
 */
export async function reactivateRow(
  deps: SweepDeps,
  notice: Pick<NoticeCase, 'accessKeyId' | 'endDate' | 'iamUser' | 'accountId'>,
  actor: string,
): Promise<{ readonly consoleRemoved: boolean }> {
  const restored = await restoreRow(deps, notice, actor);
  if (!restored)
    throw new Error(`Keywarden has no finished deactivation of ${maskKeyId(notice.accessKeyId)} to undo`);
  return restored;
}

/**
 * `reactivateRow` where there is a deactivation in force, nothing (null) where there is none:
 * an approved extension must leave the key working, also when the sweep turned it off before
 * the admins were shown it (their post refused, or not made yet), so the case still offered
 * Extend instead of Reactivate.
 */
export async function restoreRow(
  deps: SweepDeps,
  notice: Pick<NoticeCase, 'accessKeyId' | 'endDate' | 'iamUser' | 'accountId'>,
  actor: string,
): Promise<{ readonly consoleRemoved: boolean } | null> {
  const key = deactivationKey({ id: notice.accessKeyId, endDate: notice.endDate });
  const entry = (await deps.journal.getMany([key])).get(key);
  const detail = entry?.detail as DeactivationDetail | undefined;
  if (entry?.state !== 'completed' || !detail || detail.reactivatedAt !== undefined) return null;
  const { iam } = await depsForAccount(deps, notice.accountId);
  const activated = detail.keys.includes(notice.accessKeyId);
  const accessKey = { userName: notice.iamUser, accessKeyId: notice.accessKeyId } as const;
  if (activated && (await iam.run({ op: 'activate-access-key', ...accessKey })) === 'already-gone')
    throw new Error(`${maskKeyId(notice.accessKeyId)} of ${notice.iamUser} no longer exists`);
  try {
    if (activated)
      await deps.audit.record({
        at: deps.now().toISOString(),
        actor,
        action: 'activate-access-key',
        target: notice.iamUser,
        outcome: 'done',
        detail: `activate-access-key ${maskKeyId(notice.accessKeyId)}`,
      });
    await deps.journal.complete(key, deps.now(), { reactivatedAt: deps.now().toISOString() });
  } catch (error) {
    if (!activated) throw error;
    // The case stays deactivated, so the key must not stay on: the sweep would delete it in use.
    const undone = await iam.run({ op: 'deactivate-access-key', ...accessKey }).then(
      () => '',
      (undoError: unknown) =>
        `; turning it off again failed too, so it is Active: ${errorMessage(undoError)}`,
    );
    throw new Error(`${errorMessage(error)}${undone}`);
  }
  return { consoleRemoved: detail.consoleRemoved };
}
