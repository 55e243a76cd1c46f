import type { KeyHolder } from '../domain/key-holders';
import type { IamGateway } from '../ports/iam';
import { errorMessage } from '../util/errors';

/**
 * Lists the keys of each user that contested rows name, once per user: a handful of calls,
 * since only typos and copy-paste make such rows. A failed list leaves the key's holder
 * unknown, and then no row of it acts.
 */
export async function findKeyHolders(
  iam: IamGateway,
  contested: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, KeyHolder>> {
  const held = new Map<string, ReadonlySet<string> | { readonly failed: string }>();
  for (const userName of new Set([...contested.values()].flat())) {
    try {
      const keys = await iam.listAccessKeys(userName);
      held.set(userName, new Set((keys ?? []).map((key) => key.accessKeyId)));
    } catch (error) {
      held.set(userName, { failed: errorMessage(error) });
    }
  }
  return new Map(
    [...contested].map(([key, users]): [string, KeyHolder] => {
      for (const userName of users) {
        const entry = held.get(userName);
        if (entry && 'failed' in entry) return [key, { kind: 'unknown', userName, error: entry.failed }];
      }
      const holder = users.find((user) => {
        const keys = held.get(user);
        return keys instanceof Set && keys.has(key);
      });
      return [key, { kind: 'found', userName: holder ?? null }];
    }),
  );
}
