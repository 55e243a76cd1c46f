import { hostname, userInfo } from 'node:os';
import { holderEnglish, holderView, leaseExpired } from '../domain/sweep-lock';
import type { AuditLog, LockProcess, SweepLock } from '../ports/state';
import { LOCK_NAME } from '../sweep/run-sweep';
import type { Messages } from '../text/messages';

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
  m: Messages,
): Promise<number> {
  const t = m.cli;
  try {
    const now = new Date();
    const holder = await opened.state.lock.holder(LOCK_NAME);
    if (!holder) {
      write(`${t.lockFree}\n`);
      return 0;
    }
    const live = !leaseExpired(holder, now);
    write(`${t.lockHeld(holderView(holder, now))}\n`);
    const running = runningHere(holder.process);
    if (running === false) write(`${t.holderDead(String(holder.process?.pid))}\n`);
    if (!options.force) {
      write(`${t.nothingReleased(live && running !== false)}\n`);
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
      detail: holderEnglish(holderView(holder, now)),
    });
    if (!released) {
      write(`${t.lockChangedHands}\n`);
      return 1;
    }
    write(`${t.released(holder.owner, live)}\n`);
    return 0;
  } finally {
    await opened.close();
  }
}
