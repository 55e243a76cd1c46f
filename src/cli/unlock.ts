import { hostname, userInfo } from 'node:os';
import type { AuditLog, LockProcess, SweepLock } from '../ports/state';
import { describeHolder, LOCK_NAME, leaseExpired } from '../sweep/run-sweep';

/** Whether the holder's process still runs; null when it runs on another host, where this cannot tell. */
function runningHere(holder: LockProcess | null): boolean | null {
  if (!holder || holder.host !== hostname()) return null;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry, as in some containers.
    return process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/**
 * `keywarden unlock [--force]`: who holds the sweep lock and whether it looks alive; releases it
 * only when asked, and audits that. Exit 0, or 1 when the lock changed hands before the release.
 */
export async function unlockCommand(
  opened: { readonly state: { readonly lock: SweepLock; readonly audit: AuditLog }; close(): Promise<void> },
  options: { readonly force?: boolean },
  write: (text: string) => void,
): Promise<number> {
  try {
    const now = new Date();
    const holder = await opened.state.lock.holder(LOCK_NAME);
    if (!holder) {
      write('The sweep lock is free: no sweep is running.\n');
      return 0;
    }
    const live = !leaseExpired(holder, now);
    write(`The sweep lock is held: ${describeHolder(holder, now)}.\n`);
    const running = runningHere(holder.process);
    if (running === false)
      write(`Its process (pid ${holder.process?.pid}) is not running on this host: that sweep died.\n`);
    if (!options.force) {
      write(
        live && running !== false
          ? 'Nothing released. That sweep renewed its lease recently and may still be running; if you are sure ' +
              'it is not, `keywarden unlock --force` releases the lock.\n'
          : 'Nothing released. Its holder no longer renews it, so the next sweep takes it over once the lease ' +
              'has run out; `keywarden unlock --force` releases it now.\n',
      );
      return 0;
    }
    // Conditional on the holder shown: a sweep that took over since is not released by accident.
    const released = await opened.state.lock.release(LOCK_NAME, holder.owner);
    await opened.state.audit.record({
      at: now.toISOString(),
      actor: `cli:${whoAmI()}`,
      action: 'unlock',
      target: `lock ${LOCK_NAME}`,
      outcome: released ? 'done' : 'skipped',
      detail: describeHolder(holder, now),
    });
    if (!released) {
      write('Nothing released: the lock changed hands meanwhile. Run `keywarden unlock` again.\n');
      return 1;
    }
    write(
      `Released the lock of sweep ${holder.owner}.` +
        `${live ? ' If that sweep is still running, it notices at its next renewal and stops at a safe point.' : ''}\n`,
    );
    return 0;
  } finally {
    await opened.close();
  }
}
