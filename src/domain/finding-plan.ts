import type { Finding } from './hygiene';
import { type IamInventory, isProtected } from './iam';
import type { Ledger } from './ledger';
import { type Owner, ownerEmails, type PeopleDirectory, resolveOwner } from './people';

export interface FindingScope {
  readonly findings: readonly Finding[];
  readonly ledger: Ledger;
  readonly directory: PeopleDirectory;
  readonly iam: IamInventory;
  readonly emailToSlackId: ReadonlyMap<string, string | null>;
  /** Finding keys already reported in this window (journal). */
  readonly reported: ReadonlySet<string>;
}

/** One owner's new findings: they get one DM per sweep, however many findings they have. */
export interface OwnerFindings {
  /** `null` when the owner is unknown (and for root): the admin digest covers those, no DM. */
  readonly slackId: string | null;
  /** In report order. */
  readonly findings: readonly Finding[];
}

/** Whose finding is it: the ledger's name for the user first, then the user's own tags. */
function ownersOf(
  scope: Pick<FindingScope, 'ledger' | 'directory' | 'iam' | 'emailToSlackId'>,
): (userName: string) => Owner {
  // The user's last ledger row names the owner; indexed once rather than searched per finding.
  const rows = new Map(scope.ledger.rows.map((row) => [row.iamUser, row]));
  return (userName) => {
    const row = rows.get(userName);
    return resolveOwner(row?.name ?? '', scope.directory, {
      tags: scope.iam.users.get(userName)?.tags ?? {},
      emailToSlackId: scope.emailToSlackId,
      ...(row?.email ? { ledgerEmail: row.email } : {}),
    });
  };
}

/**
 * Findings not yet reported in their window, grouped by owner: at most one DM per finding per
 * window, and one DM per owner. Owners come in the order of their first finding.
 */
export function planFindingNotices(scope: FindingScope): OwnerFindings[] {
  const ownerOf = ownersOf(scope);
  const byOwner = new Map<string | null, Finding[]>();
  for (const finding of scope.findings) {
    if (scope.reported.has(finding.key)) continue;
    const owner = ownerOf(finding.user);
    const slackId = owner.kind === 'slack' ? owner.slackId : null;
    const group = byOwner.get(slackId);
    if (group) group.push(finding);
    else byOwner.set(slackId, [finding]);
  }
  return [...byOwner].map(([slackId, findings]) => ({ slackId, findings }));
}

/** Emails worth looking up for owners of new findings that neither the ledger nor a SlackId tag name. */
export function findingEmailLookups(scope: Omit<FindingScope, 'emailToSlackId'>): string[] {
  const rows = new Map(scope.ledger.rows.map((row) => [row.iamUser, row]));
  const emails = new Set<string>();
  for (const finding of scope.findings) {
    if (scope.reported.has(finding.key)) continue;
    const row = rows.get(finding.user);
    const tags = scope.iam.users.get(finding.user)?.tags ?? {};
    const hints = { tags, ...(row?.email ? { ledgerEmail: row.email } : {}) };
    for (const email of ownerEmails(row?.name ?? '', scope.directory, hints)) emails.add(email);
  }
  return [...emails].sort();
}

export interface StaleKey {
  readonly userName: string;
  readonly slot: 1 | 2;
  /** The key's creation time from the report (`last_rotated`): how the live key is recognised. */
  readonly createdAt: Date;
  readonly finding: Finding;
}

/**
 * Keys the policy may deactivate: active keys unused past the threshold, never root's and
 * never a protected user's. The live key is matched by creation time before acting.
 */
export function staleKeys(
  findings: readonly Finding[],
  iam: IamInventory,
  protectedUsers: ReadonlySet<string>,
  createdAtOf: (finding: Finding) => Date | null,
): StaleKey[] {
  return findings.flatMap((finding) => {
    if (finding.kind !== 'unused-credentials' || finding.credential.type !== 'access-key') return [];
    const user = iam.users.get(finding.user);
    const createdAt = createdAtOf(finding);
    if (!user || isProtected(user, protectedUsers) || !createdAt) return [];
    return [{ userName: finding.user, slot: finding.credential.slot, createdAt, finding }];
  });
}
