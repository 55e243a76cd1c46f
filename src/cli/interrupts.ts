import { constants } from 'node:os';
import { SweepStop } from '../domain/stop-reason';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalStop {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that asked to stop, if any. */
  received(): StopSignal | null;
  /** Gives the signals back their default behaviour. */
  dispose(): void;
}

/**
 * Ctrl-C or a service manager's SIGTERM must not cut an apply sweep off inside a teardown: the
 * first one asks the work to stop at its next safe point, later ones are only reported
 * (`first` false). SIGKILL remains the way to abandon it (the lease then expires by itself).
 */
export function stopOnSignals(onSignal: (signal: StopSignal, first: boolean) => void): SignalStop {
  const controller = new AbortController();
  let received: StopSignal | null = null;
  const handler = (signal: StopSignal) => {
    const first = received === null;
    if (first) {
      received = signal;
      controller.abort(new SweepStop({ kind: 'signal', signal }));
    }
    onSignal(signal, first);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** The shell's convention for "ended by this signal": 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * A reader that goes away (`keywarden sweep --apply | head -1`) makes the next write fail with
 * EPIPE, which Node raises as an unhandled 'error' event: the process would die mid-sweep with
 * the lock held. Instead the output is dropped and the sweep goes on to its end.
 */
export function carryOnWithoutStdout(say: (reason: string) => string): void {
  let told = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (told) return;
    told = true;
    process.stderr.write(`${say(error.code ?? error.message)}\n`);
  });
  // Nowhere left to say anything: writes to a closed stderr are dropped.
  process.stderr.on('error', () => undefined);
}
