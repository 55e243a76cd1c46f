import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDemo } from '../demo/seed';
import type { LocalDate } from '../domain/dates';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * `keywarden demo-reset`: seeds a fresh demo beside the old one, then swaps it in, so a seed
 * that fails (examples missing, disk full) leaves the old demo as it was instead of none at all.
 * The demo's state (the embedded DynamoDB) goes only once the new demo is in place. Returns
 * the demo's directory.
 */
export async function resetDemo(
  home: string,
  today: LocalDate,
  seed: (home: string, today: LocalDate) => Promise<unknown> = ensureDemo,
): Promise<string> {
  const demo = join(home, 'demo');
  await mkdir(home, { recursive: true });
  // In the same directory as the demo, so that the swap is a rename and not a copy.
  const staging = await mkdtemp(join(home, '.demo-reset-'));
  try {
    await seed(staging, today);
    const old = join(staging, 'old');
    const hadDemo = await exists(demo);
    if (hadDemo) await rename(demo, old);
    try {
      await rename(join(staging, 'demo'), demo);
    } catch (error) {
      if (hadDemo) await rename(old, demo);
      throw error;
    }
    await rm(join(home, 'dynamodb'), { recursive: true, force: true });
    return demo;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
