import type { Finding } from './hygiene';
import { type IamInventory, isProtected } from './iam';
import type { Ledger } from './ledger';
import { EMAIL_TAG, type Owner, type PeopleDirectory, resolveOwner } from './people';

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
  const names = new Map(scope.ledger.rows.map((row) => [row.iamUser, row.name]));
  return (userName) =>
    resolveOwner(names.get(userName) ?? '', scope.directory, {
      tags: scope.iam.users.get(userName)?.tags ?? {},
      emailToSlackId: scope.emailToSlackId,
    });
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
  const ownerOf = ownersOf({ ...scope, emailToSlackId: new Map() });
  const emails = new Set<string>();
  for (const finding of scope.findings) {
    if (scope.reported.has(finding.key)) continue;
    const email = scope.iam.users.get(finding.user)?.tags[EMAIL_TAG]?.trim().toLowerCase();
    if (!email) continue;
    if (ownerOf(finding.user).kind === 'unknown') emails.add(email);
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
