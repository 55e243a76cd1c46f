import type { SlackDirectory } from '../ports/slack-directory';
import { mapWithConcurrency } from '../util/concurrency';

/** users.lookupByEmail is Slack tier 3 (about 50 a minute): keep it gentle. */
const EMAIL_LOOKUP_CONCURRENCY = 2;

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
