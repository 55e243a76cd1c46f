import { SweepStop } from '../domain/stop-reason';
import type { LockHolder, LockProcess, SweepLock } from '../ports/state';
import { errorMessage } from '../util/errors';

export interface LeaseSettings {
  /** How long the lock outlives its holder's last heartbeat. */
  readonly leaseSeconds: number;
  /** How often the holder renews it; a few renewals fit in one lease, so one failed call loses nothing. */
  readonly renewSeconds: number;
}

/**
 * Two minutes renewed every 30 s: a sweep that died blocks the next one for two minutes at most,
 * while a live one survives three failed renewals in a row (a DynamoDB blip) before it could lose
 * the lock.
 */
export const DEFAULT_LEASE: LeaseSettings = { leaseSeconds: 120, renewSeconds: 30 };

/** A held lock, renewed on a timer until `release`. */
export interface Lease {
  /** Aborted, with the reason as a message, once the lock is no longer certainly ours. */
  readonly lost: AbortSignal;
  /** Stops the heartbeat and releases the lock if it is still ours. */
  release(): Promise<void>;
}

export interface LeaseRequest {
  readonly lock: SweepLock;
  readonly name: string;
  readonly owner: string;
  readonly settings: LeaseSettings;
  readonly now: () => Date;
  readonly process?: LockProcess;
}

/** The lock is held by someone else; `holder` is null when it was released in between. */
export type Acquired = { readonly lease: Lease } | { readonly holder: LockHolder | null };

export async function acquireLease(request: LeaseRequest): Promise<Acquired> {
  const { lock, name, owner, settings, now } = request;
  const started = now();
  if (!(await lock.acquire(name, owner, settings.leaseSeconds, started, request.process)))
    return { holder: await lock.holder(name) };

  const lost = new AbortController();
  let leaseEndsMs = started.getTime() + settings.leaseSeconds * 1000;
  let renewing: Promise<void> | null = null;
  const renew = async () => {
    const at = now();
    try {
      if (await lock.renew(name, owner, settings.leaseSeconds, at))
        leaseEndsMs = at.getTime() + settings.leaseSeconds * 1000;
      else lost.abort(new SweepStop({ kind: 'lock-lost' }));
    } catch (error) {
      // One failed renewal is survivable; only a lease that ran out means someone else may hold it now.
      if (now().getTime() >= leaseEndsMs)
        lost.abort(new SweepStop({ kind: 'lease-ran-out', error: errorMessage(error) }));
    }
  };
  const timer = setInterval(() => {
    if (renewing || lost.signal.aborted) return;
    renewing = renew().finally(() => {
      renewing = null;
    });
  }, settings.renewSeconds * 1000);
  // The sweep's own work keeps the process alive; a forgotten heartbeat must not.
  timer.unref();

  return {
    lease: {
      lost: lost.signal,
      release: async () => {
        clearInterval(timer);
        // A renewal still in flight must not answer after the release.
        await renewing;
        await lock.release(name, owner);
      },
    },
  };
}
