import type { AccountTarget, AccountTargets } from '../../src/ports/accounts';

/** Accounts a test made by hand, as the sweep finds them: listed, or reached by id. */
export function listedAccounts(targets: readonly AccountTarget[]): AccountTargets {
  return {
    list: async () => targets,
    reach: (id) => {
      const target = targets.find((t) => t.id === id);
      if (!target) throw new Error(`no account ${id} in this test`);
      return target;
    },
  };
}
