/**
 * The embedded IAM simulator's account lives in one JSON file that a run loads at start and
 * saves at its end. Two runs overlapping on it would each hold a snapshot, and the later save
 * would bring back whatever the other deleted. So a run owns the file from load to save (a
 * lock file beside it, which another run waits on), and saves only when its account changed
 * and the file is still the version it loaded.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { IamAccount } from '@keywarden/iam-simulator';
import { type LockOptions, lock } from 'proper-lockfile';

export interface AccountFileOptions {
  /** How long to wait for another run to let go before refusing; default one minute. */
  readonly waitMs?: number;
  /** Told once when another run holds the file and this one starts waiting. */
  readonly onWait?: (message: string) => void;
}

export interface OpenAccount {
  readonly account: IamAccount;
  /** Saves the account if it changed, then lets the next run in. */
  close(): Promise<void>;
}

export class AccountFileBusyError extends Error {
  override readonly name = 'AccountFileBusyError';
}

export class StaleAccountError extends Error {
  override readonly name = 'StaleAccountError';
}

/** A holder that died leaves the lock behind; it counts as abandoned once not refreshed for this long. */
const STALE_MS = 20_000;
const RETRY_MS = 250;

export async function openAccountFile(file: string, options: AccountFileOptions = {}): Promise<OpenAccount> {
  let compromised: Error | null = null;
  const lockOptions: LockOptions = {
    stale: STALE_MS,
    realpath: false,
    // The default throws from a timer and kills the process; refusing to save is enough.
    onCompromised: (error: Error) => {
      compromised = error;
    },
  };
  const unlock = await acquire(file, lockOptions, options);
  try {
    const loaded = await readFile(file, 'utf8');
    const account = IamAccount.fromJSON(JSON.parse(loaded));
    const baseline = serialize(account);
    return {
      account,
      close: async () => {
        try {
          const current = serialize(account);
          if (current === baseline) return;
          if (compromised !== null)
            throw new StaleAccountError(
              `not saving ${file}: this run lost its lock on it (${compromised.message})`,
            );
          if ((await readFile(file, 'utf8')) !== loaded)
            throw new StaleAccountError(
              `not saving ${file}: it changed on disk since this run loaded it, and saving would undo that`,
            );
          // Unique per process so an interrupted save never leaves a half-written file under the real name.
          const temp = `${file}.${process.pid}.tmp`;
          await writeFile(temp, current, 'utf8');
          await rename(temp, file);
        } finally {
          await unlock().catch(() => undefined);
        }
      },
    };
  } catch (error) {
    await unlock().catch(() => undefined);
    throw error;
  }
}

async function acquire(
  file: string,
  lockOptions: LockOptions,
  options: AccountFileOptions,
): Promise<() => Promise<void>> {
  try {
    return await lock(file, lockOptions);
  } catch (error) {
    if (!isLocked(error)) throw error;
  }
  const waitMs = options.waitMs ?? 60_000;
  options.onWait?.(
    `another keywarden process is using ${file}; waiting up to ${Math.round(waitMs / 1000)} s`,
  );
  try {
    return await lock(file, {
      ...lockOptions,
      retries: {
        retries: Math.max(1, Math.ceil(waitMs / RETRY_MS)),
        factor: 1,
        minTimeout: RETRY_MS,
        maxTimeout: RETRY_MS,
      },
    });
  } catch (error) {
    if (!isLocked(error)) throw error;
    throw new AccountFileBusyError(
      `another keywarden process (a sweep, audit or serve on the embedded demo) has been using ${file} ` +
        `for over ${Math.round(waitMs / 1000)} s; run again when it has finished`,
      { cause: error },
    );
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ELOCKED';
}

function serialize(account: IamAccount): string {
  return `${JSON.stringify(account.toJSON(), null, 2)}\n`;
}
