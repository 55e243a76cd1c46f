import type { Journal, JournalBatch, JournalBegin, JournalEntry } from '../ports/state';

/** What the work starts from. */
export interface Claimed {
  /** The keys this run works on: its new claims and the ones it resumes. */
  readonly keys: readonly string[];
  /** The entries earlier runs left for the claims it resumes, in claim order. */
  readonly resumed: readonly JournalEntry[];
}

export interface Done<T> {
  readonly value: T;
  /** Recorded with every claim as it completes. */
  readonly detail?: unknown;
}

export interface Ran<T> {
  readonly kind: 'ran';
  readonly value: T;
  /**
   * The claims the work ran under, in claim order, as this run began them or as an earlier run
   * left them (before this completion): for the caller to complete them again, whole, in a batch.
   */
  readonly held: readonly JournalEntry[];
}

/** Every claim was an earlier run's, which this work does not repeat. */
export interface AlreadyDone {
  readonly kind: 'already-done';
  readonly earlier: readonly [JournalEntry, ...JournalEntry[]];
}

/** The work threw before doing anything that must not be repeated; the claims say so when `marked`. */
export interface Failed {
  readonly kind: 'failed';
  readonly error: Error;
  /** False when marking a claim `failed` did not work: it stays `started`, as if interrupted. */
  readonly marked: boolean;
}

export type OnceResult<T> = Ran<T> | AlreadyDone | Failed;

/**
 * Which claims an earlier run left the work takes up again: `never` (at most once: a notice
 * may have gone out), `unless-completed`, or `always` (a teardown resumes from what the
 * interrupted attempt journaled).
 */
export type Resume = 'never' | 'unless-completed' | 'always';

/**
 * Where completions go: each written as the work ends, or, for at-most-once work only
 * (`never`), queued in the caller's batch for it to flush at a safe point. A queued completion
 * lost in a crash leaves its claim `started`, which for at-most-once work already means "may
 * have happened": the next run flags or closes it and never repeats it. Work that resumes
 * (`unless-completed`, `always`) would be done again instead, so it completes at once.
 */
export type Completion =
  | { readonly resume: 'never'; readonly completions?: JournalBatch }
  | { readonly resume: 'unless-completed' | 'always'; readonly completions?: undefined };

export type OncePolicy = Completion & {
  /** Completes a claim an earlier run left and this one does not take up, with this detail. */
  readonly closeEarlier?: unknown;
  /** An error the work throws before anything reached anyone: its claims are marked `failed`, to be tried again. */
  readonly nothingDone?: (error: unknown) => error is Error;
};

/**
 * Claim, work, complete: each claim is a conditional write, so of two runs (a crash and its
 * re-run, or two replicas) only one believes it started the work. An error other than
 * `nothingDone`'s leaves the claims `started`, which later runs read as interrupted.
 */
export function once<T>(
  journal: Journal,
  now: () => Date,
  claims: readonly JournalBegin[],
  work: (claimed: Claimed) => Promise<Done<T>>,
  policy: { readonly resume: 'always' },
): Promise<Ran<T>>;
export function once<T>(
  journal: Journal,
  now: () => Date,
  claims: readonly JournalBegin[],
  work: (claimed: Claimed) => Promise<Done<T>>,
  policy: Completion & { readonly closeEarlier?: unknown },
): Promise<Ran<T> | AlreadyDone>;
export function once<T>(
  journal: Journal,
  now: () => Date,
  claims: readonly JournalBegin[],
  work: (claimed: Claimed) => Promise<Done<T>>,
  policy: OncePolicy,
): Promise<OnceResult<T>>;
export async function once<T>(
  journal: Journal,
  now: () => Date,
  claims: readonly JournalBegin[],
  work: (claimed: Claimed) => Promise<Done<T>>,
  policy: OncePolicy,
): Promise<OnceResult<T>> {
  const taken: JournalBegin[] = [];
  const held: JournalEntry[] = [];
  const resumed: JournalEntry[] = [];
  const earlier: JournalEntry[] = [];
  // What each new claim's entry holds, for a batch to complete it as a whole item.
  const created: JournalEntry[] = [];
  for (const claim of claims) {
    const claimed = await claimOnce(journal, now, claim);
    if (claimed.kind === 'claimed') {
      taken.push(claim);
      held.push(claimed.entry);
      created.push(claimed.entry);
      continue;
    }
    const [existing] = claimed.earlier;
    if (resumes(policy.resume, existing)) {
      taken.push(claim);
      held.push(existing);
      resumed.push(existing);
    } else {
      earlier.push(existing);
      if (policy.closeEarlier !== undefined) await journal.complete(claim.key, now(), policy.closeEarlier);
    }
  }
  const [first, ...rest] = earlier;
  if (taken.length === 0 && first) return { kind: 'already-done', earlier: [first, ...rest] };

  let done: Done<T>;
  try {
    done = await work({ keys: taken.map((claim) => claim.key), resumed });
  } catch (error) {
    if (!policy.nothingDone?.(error)) throw error;
    let marked = true;
    for (const claim of taken)
      if (!(await journal.fail(claim.key, claim.sweepId, now(), error.message).catch(() => false)))
        marked = false;
    return { kind: 'failed', error, marked };
  }
  // `never` takes up no earlier claim, so what it took is what it created.
  if (policy.completions) policy.completions.complete(created, now(), done.detail);
  else for (const claim of taken) await journal.complete(claim.key, now(), done.detail);
  return { kind: 'ran', value: done.value, held };
}

function resumes(resume: Resume, existing: JournalEntry): boolean {
  switch (resume) {
    case 'never':
      return false;
    case 'unless-completed':
      return existing.state !== 'completed';
    case 'always':
      return true;
  }
}

/**
 * `once` in two halves, at most once, for a notice whose work ends after the account's other
 * notices (the admins' copies go out together): `claimOnce` takes the claim (an earlier run's,
 * whatever its state, is never taken up); the caller completes it in a `JournalBatch` once the
 * notice went out, or `failClaim` marks it `failed` when nothing reached anyone. A claim neither
 * completed nor failed stays `started`, which later runs read as interrupted: a notice that may
 * have reached only part of its people is flagged, not resent.
 */
export async function claimOnce(
  journal: Journal,
  now: () => Date,
  claim: JournalBegin,
): Promise<{ readonly kind: 'claimed'; readonly entry: JournalEntry } | AlreadyDone> {
  const at = now();
  const begun = await journal.begin(claim, at);
  return begun.created
    ? { kind: 'claimed', entry: { ...claim, state: 'started', startedAt: at.toISOString() } }
    : { kind: 'already-done', earlier: [begun.existing] };
}

/**
 * Marks a claim `claimOnce` took `failed` when nothing reached anyone, so the next run tries
 * again; says whether marking it worked (see `Failed.marked`). A claim whose work was done is
 * completed through a `JournalBatch`.
 */
export function failClaim(
  journal: Journal,
  now: () => Date,
  claim: JournalBegin,
  nothingDone: Error,
): Promise<boolean> {
  return journal.fail(claim.key, claim.sweepId, now(), nothingDone.message).catch(() => false);
}
