import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamAccount } from '@keywarden/iam-simulator';
import { AccountFileBusyError, openAccountFile, StaleAccountError } from '../../src/embedded/account-file';

function accountFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keywarden-account-')), 'iam-account.json');
  const account = new IamAccount({ idSeed: 7 });
  account.createUser({ userName: 'ci-deploy' });
  account.createUser({ userName: 'yamada' });
  writeFileSync(file, `${JSON.stringify(account.toJSON(), null, 2)}\n`);
  return file;
}

const users = (file: string) =>
  IamAccount.fromJSON(JSON.parse(readFileSync(file, 'utf8')))
    .listUsers()
    .map((user) => user.userName);

describe('the embedded IAM account file', () => {
  it('lets a second run in only after the first saved, so it loads what the first deleted', async () => {
    const file = accountFile();
    const first = await openAccountFile(file);
    const waits: string[] = [];
    let secondOpened = false;
    const second = openAccountFile(file, {
      onWait: (message) => waits.push(message),
    }).then((opened) => {
      secondOpened = true;
      return opened;
    });
    // The second run has tried the lock and is waiting on it (not a timer: the callback said so).
    await waitFor(() => waits.length > 0);
    expect(secondOpened).toBe(false);
    expect(waits[0]).toMatch(/another keywarden process is using .*iam-account\.json; waiting/);

    first.account.deleteUser('ci-deploy');
    await first.close();
    const next = await second;
    expect(next.account.listUsers().map((user) => user.userName)).toEqual(['yamada']);
    await next.close();
    expect(users(file)).toEqual(['yamada']);
  });

  it('refuses clearly when the other run does not let go in time', async () => {
    const file = accountFile();
    const first = await openAccountFile(file);
    await expect(openAccountFile(file, { waitMs: 300 })).rejects.toThrow(AccountFileBusyError);
    await expect(openAccountFile(file, { waitMs: 300 })).rejects.toThrow(
      /another keywarden process .* has been using .*iam-account\.json/,
    );
    await first.close();
  });

  it('writes nothing when the run changed nothing', async () => {
    const file = accountFile();
    const opened = await openAccountFile(file);
    writeFileSync(file, `${readFileSync(file, 'utf8')} `);
    const before = readFileSync(file, 'utf8');
    await opened.close();
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('never writes a stale account over a file that changed since it was loaded', async () => {
    const file = accountFile();
    const opened = await openAccountFile(file);
    // As if another process ignored the lock and deleted a user meanwhile.
    const elsewhere = IamAccount.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
    elsewhere.deleteUser('ci-deploy');
    writeFileSync(file, `${JSON.stringify(elsewhere.toJSON(), null, 2)}\n`);

    opened.account.deleteUser('yamada');
    await expect(opened.close()).rejects.toThrow(StaleAccountError);
    expect(users(file)).toEqual(['yamada']);
    // The lock was let go all the same.
    const again = await openAccountFile(file, { waitMs: 300 });
    await again.close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
