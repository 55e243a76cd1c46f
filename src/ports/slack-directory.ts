/** Slack's user directory, for owners known only by the `Email` tag of their IAM user. */
export interface SlackDirectory {
  /** The Slack user id, or `null` when no user has that email. */
  lookupByEmail(email: string): Promise<string | null>;
}
