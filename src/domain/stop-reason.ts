import { errorMessage } from '../util/errors';

/**
 * Why a sweep stopped at a safe point before its end: carried as an AbortSignal's reason
 * (`SweepStop`) into the report, worded for a person by the catalogue and for the machine
 * record (audit log, logs, `sweep --json`) by `stopReasonEnglish`.
 */
export type StopReason =
  | { readonly kind: 'signal'; readonly signal: 'SIGINT' | 'SIGTERM' }
  /** `keywarden unlock --force`, or another sweep took the lock over. */
  | { readonly kind: 'lock-lost' }
  /** Renewing the lease failed until it ran out; `error` is the store's own text (data). */
  | { readonly kind: 'lease-ran-out'; readonly error: string }
  | { readonly kind: 'serve-shutting-down' }
  | { readonly kind: 'lambda-timeout'; readonly marginSeconds: number }
  /** The state machine's Map over the accounts failed as a whole; `error` is its error name (data). */
  | { readonly kind: 'accounts-map-failed'; readonly error: string }
  /** An abort whose reason is not ours: its text is data. */
  | { readonly kind: 'other'; readonly message: string };

export function stopReasonEnglish(reason: StopReason): string {
  switch (reason.kind) {
    case 'signal':
      return `${reason.signal} received`;
    case 'lock-lost':
      return 'the sweep lock was released by force or taken over by another sweep';
    case 'lease-ran-out':
      return `the sweep lock's lease ran out: renewing it failed (${reason.error})`;
    case 'serve-shutting-down':
      return 'keywarden serve is shutting down';
    case 'lambda-timeout':
      return `the Lambda invocation had less than ${reason.marginSeconds} s left`;
    case 'accounts-map-failed':
      return `the accounts' Map state failed: ${reason.error}`;
    case 'other':
      return reason.message;
  }
}

/** An AbortSignal's reason that says why, as a fact. */
export class SweepStop extends Error {
  override readonly name = 'SweepStop';

  constructor(readonly reason: StopReason) {
    super(stopReasonEnglish(reason));
  }
}

/** The fact behind an aborted signal's reason; anything else we did not throw is kept as its text. */
export function stopReasonOf(abortReason: unknown): StopReason {
  return abortReason instanceof SweepStop
    ? abortReason.reason
    : { kind: 'other', message: errorMessage(abortReason) };
}
