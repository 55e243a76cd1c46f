import type { SweepDateRefusal } from './sweep-date';

/** The sweep lock's holder as the lock stores it (`LockHolder` in the state port has this shape). */
export interface LockHolderRecord {
  readonly owner: string;
  readonly process: { readonly host: string; readonly pid: number } | null;
  readonly acquiredAt: string;
  readonly renewedAt: string;
  readonly expiresAt: string;
}

/** The figures a person judges a holder by: who, where, since when, alive or not. */
export interface LockHolderView {
  readonly owner: string;
  readonly process: { readonly host: string; readonly pid: number } | null;
  readonly acquiredAt: string;
  readonly startedSecondsAgo: number;
  readonly renewedAt: string;
  readonly renewedSecondsAgo: number;
  readonly lease:
    | { readonly expired: true; readonly secondsAgo: number }
    | { readonly expired: false; readonly secondsLeft: number };
}

/** The lock's own rule: a lease counts as expired once the whole second it ends in has passed. */
export function leaseExpired(holder: Pick<LockHolderRecord, 'expiresAt'>, now: Date): boolean {
  return new Date(holder.expiresAt).getTime() / 1000 < Math.floor(now.getTime() / 1000);
}

export function holderView(holder: LockHolderRecord, now: Date): LockHolderView {
  const seconds = (iso: string) => Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  const left = -seconds(holder.expiresAt);
  return {
    owner: holder.owner,
    process: holder.process ? { host: holder.process.host, pid: holder.process.pid } : null,
    acquiredAt: holder.acquiredAt,
    startedSecondsAgo: seconds(holder.acquiredAt),
    renewedAt: holder.renewedAt,
    renewedSecondsAgo: seconds(holder.renewedAt),
    lease: leaseExpired(holder, now)
      ? { expired: true, secondsAgo: Math.max(1, -left) }
      : { expired: false, secondsLeft: Math.max(0, left) },
  };
}

/** The machine record's line (audit log, logs): one line a person can judge a holder by. */
export function holderEnglish(h: LockHolderView): string {
  return [
    `sweep ${h.owner}${h.process ? ` on ${h.process.host} (pid ${h.process.pid})` : ''}`,
    `started ${h.acquiredAt} (${h.startedSecondsAgo} s ago)`,
    `last renewed ${h.renewedAt} (${h.renewedSecondsAgo} s ago)`,
    h.lease.expired
      ? `lease expired ${h.lease.secondsAgo} s ago: its holder is gone`
      : `lease ends in ${h.lease.secondsLeft} s`,
  ].join(', ');
}

/** The machine record's wording of a refused sweep (logs); the catalogue words it for a person. */
export function sweepLockedEnglish(holder: LockHolderView | null): string {
  return holder
    ? `another sweep is running: ${holderEnglish(holder)}. ` +
        '`keywarden unlock` shows it; `keywarden unlock --force` releases it'
    : 'another sweep held the lock a moment ago; try again';
}

/** An apply sweep found the lock held: nothing was read or changed. */
export class SweepLockedError extends Error {
  override readonly name = 'SweepLockedError';

  constructor(
    /** Null when the holder let go between the attempt and the look. */
    readonly holder: LockHolderView | null,
  ) {
    super(sweepLockedEnglish(holder));
  }
}

/** An apply run asked for a day that has not come yet; nothing was read or changed. */
export class SweepDateError extends Error {
  override readonly name = 'SweepDateError';

  constructor(readonly refusal: SweepDateRefusal) {
    super(`refusing to apply as of ${refusal.requested}: today is ${refusal.today} in this time zone`);
  }
}
