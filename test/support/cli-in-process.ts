import { CommanderError } from 'commander';
import { program } from '../../src/cli';

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: string | number | undefined;
}

/**
 * Runs the CLI in-process with its own KEYWARDEN_HOME and any further settings; returns what
 * it printed and its exit code (commander's for help, a version or a usage error). The
 * environment and exit code are restored afterwards.
 */
export async function runCli(home: string, env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const saved = { ...process.env };
  Object.assign(process.env, { KEYWARDEN_HOME: home, LOG_LEVEL: 'error', ...env });
  process.exitCode = 0;
  try {
    const code = await program()
      .parseAsync(['node', 'keywarden', ...args])
      .then(
        () => process.exitCode ?? undefined,
        (error: unknown) => {
          if (error instanceof CommanderError) return error.exitCode;
          throw error;
        },
      );
    return { stdout: out.join(''), stderr: err.join(''), code };
  } finally {
    process.env = saved;
    process.exitCode = 0;
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Only `Date` is set: timers, I/O and the embedded services run as usual. */
export function clockAt(instant: string): void {
  jest.useFakeTimers({
    now: new Date(instant),
    advanceTimers: true,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
}
