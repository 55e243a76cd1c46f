/**
 * What every bench child process does alike: reads its settings from the environment the parent
 * set, and samples its own memory. Imports nothing heavy, so a child's RSS stays its own.
 */
import { install } from '@sinonjs/fake-timers';

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * The highest value of each `process.memoryUsage()` figure, in MB, sampled every 50 ms from now
 * on (the timer does not hold the process open); `sample()` takes one more reading at the end.
 */
export function memoryPeaks(): { readonly peaksMb: Readonly<Record<string, number>>; sample(): void } {
  const peaksMb: Record<string, number> = {};
  const sample = () => {
    for (const [name, bytes] of Object.entries(process.memoryUsage()))
      peaksMb[name] = Math.max(peaksMb[name] ?? 0, Math.round(bytes / 1024 / 1024));
  };
  setInterval(sample, 50).unref();
  return { peaksMb, sample };
}

/**
 * Only `Date` starts at `iso` and runs at the real rate, for code that builds its own clock:
 * timers, durations and leases stay real.
 */
export function fixedDate(iso: string): { uninstall(): void } {
  return install({ now: Date.parse(iso), toFake: ['Date'], shouldAdvanceTime: true });
}

/**
 * Runs a child's `main`: a failure goes to stderr, which the parent shows, with exit code 1.
 * `exitWhenDone`: the child holds clients open as a warm Lambda does, so it exits once done
 * instead of waiting for them.
 */
export function runMain(name: string, main: () => Promise<void>, exitWhenDone = false): void {
  main()
    .then(() => {
      if (exitWhenDone) process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (exitWhenDone) process.exit(1);
      process.exitCode = 1;
    });
}
