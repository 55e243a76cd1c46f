/**
 * Durable state the sweep and the Slack app share. The DynamoDB adapter implements it;
 * the executor relies on `begin` being a conditional write so that two runs (a crash and
 * its re-run, or two replicas) never both believe they started the same action.
 */

/**
 * `failed`: the action reported an error (not a crash) before doing anything that must not be
 * repeated, e.g. a notice whose send threw; the next sweep may claim it again.
 */
export type JournalState = 'started' | 'completed' | 'failed';

export interface JournalEntry {
  /** Idempotency key, built and read by `domain/journal-keys`. */
  readonly key: string;
  readonly action: string;
  readonly rowId: string;
  readonly state: JournalState;
  readonly sweepId: string;
  readonly startedAt: string;
  readonly completedAt?: string;
  /** JSON-serialisable detail, e.g. the snapshot of what a teardown is about to remove. */
  readonly detail?: unknown;
}

export interface JournalBegin {
  readonly key: string;
  readonly action: string;
  readonly rowId: string;
  readonly sweepId: string;
  readonly detail?: unknown;
}

export type BeginResult =
  | { readonly created: true }
  | { readonly created: false; readonly existing: JournalEntry };

export interface Journal {
  /**
   * Creates the entry in state `started` unless one exists; never overwrites one, except a
   * `failed` entry, which it replaces (conditionally: of two runs, one claims it).
   */
  begin(entry: JournalBegin, now: Date): Promise<BeginResult>;
  /**
   * Moves an entry from `started` to `failed`, only while it is still the claim of `sweepId`;
   * false when it is not (then it is left as it is).
   */
  fail(key: string, sweepId: string, now: Date, error: string): Promise<boolean>;
  /** Moves an entry to `completed`, merging `detail` when given. */
  complete(key: string, now: Date, detail?: unknown): Promise<void>;
  /** Entries for the keys that exist; absent keys are simply missing from the map. */
  getMany(keys: readonly string[]): Promise<ReadonlyMap<string, JournalEntry>>;
  /** A new, empty batch of completions, for one phase of a run to fill and flush. */
  batch(): JournalBatch;
}

/**
 * Completions written together (DynamoDB: BatchWriteItem, 25 items a request) instead of one
 * request each. A completion needs no condition when the run holds the claim (it began it), so
 * only the claim stays a single conditional write. Until `flush` resolves a completion may be
 * lost: the claim then stays `started`, which is why only at-most-once work (a notice, a
 * finding DM) defers its completions, as `once` enforces: for such work `started` already
 * means "may have happened, never again", so the next sweep flags or closes it, never repeats it.
 */
export interface JournalBatch {
  /** Queues the completion of claims this run began; nothing is written until `flush`. */
  complete(held: readonly JournalEntry[], now: Date, detail?: unknown): void;
  /** True once the queue fills whole requests: the cue to flush at the next safe point. */
  readonly full: boolean;
  /** Writes every queued completion; they are durable once it resolves. */
  flush(): Promise<void>;
}

/** The process a lock holder runs in, so a person deciding whether it is dead can look for it. */
export interface LockProcess {
  readonly host: string;
  readonly pid: number;
}

export interface LockHolder {
  readonly owner: string;
  readonly process: LockProcess | null;
  readonly acquiredAt: string;
  /** The last heartbeat, or `acquiredAt` before the first. */
  readonly renewedAt: string;
  /** When the lease runs out unless renewed; after it, anyone may take the lock over. */
  readonly expiresAt: string;
}

/**
 * A lease: the holder renews it while it runs, so one that died (SIGKILL, a lost host) blocks
 * others only until its lease runs out.
 */
export interface SweepLock {
  /** True when this owner now holds the lock (free, expired, or already ours). */
  acquire(
    name: string,
    owner: string,
    leaseSeconds: number,
    now: Date,
    where?: LockProcess,
  ): Promise<boolean>;
  /** Extends the lease; false when `owner` no longer holds it (taken over after expiry, or released by force). */
  renew(name: string, owner: string, leaseSeconds: number, now: Date): Promise<boolean>;
  /** Releases only if `owner` still holds it; true when this call released it. */
  release(name: string, owner: string): Promise<boolean>;
  /** The current holder, expired or not; null when nobody holds it. */
  holder(name: string): Promise<LockHolder | null>;
}

export interface AuditEvent {
  readonly at: string;
  /** Who or what caused it: `sweep:<id>`, `slack:<user id>`, `cli:<user>`. */
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: 'planned' | 'done' | 'skipped' | 'failed';
  readonly detail?: string;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /** Events of one calendar day (UTC date of `at`, `YYYY-MM-DD`), oldest first. */
  listDay(day: string): Promise<AuditEvent[]>;
}

/** Thrown by adapters when state storage cannot be reached or refuses a write. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
}
