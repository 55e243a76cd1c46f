import type { LiveAccessKey } from '../domain/iam';
import type { IamGateway } from '../ports/iam';
import type { SlackDirectory } from '../ports/slack-directory';
import { mapWithConcurrency } from '../util/concurrency';

/** Parallel `ListAccessKeys` calls: fast, yet far below IAM's per-account request rate. */
const KEY_LIST_CONCURRENCY = 4;
/** users.lookupByEmail is Slack tier 3 (about 50 a minute): keep it gentle. */
const EMAIL_LOOKUP_CONCURRENCY = 2;

export async function loadKeys(
  iam: IamGateway,
  users: readonly string[],
): Promise<Map<string, LiveAccessKey[]>> {
  const lists = await mapWithConcurrency(users, KEY_LIST_CONCURRENCY, (user) => iam.listAccessKeys(user));
  return new Map(users.map((user, index) => [user, lists[index] ?? []]));
}

export async function lookUpEmails(
  directory: SlackDirectory | undefined,
  emails: readonly string[],
): Promise<Map<string, string | null>> {
  if (!directory) return new Map();
  const ids = await mapWithConcurrency(emails, EMAIL_LOOKUP_CONCURRENCY, (email) =>
    directory.lookupByEmail(email),
  );
  return new Map(emails.map((email, index) => [email, ids[index] ?? null]));
}
