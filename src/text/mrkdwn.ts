import { SLACK_USER_ID } from '../domain/people';

/**
 * The one place text from the ledger, IAM, Slack users or settings is made safe for Slack.
 * Slack reads `<…>` as mentions, channel pings and links and `&` as the start of an entity,
 * so its formatting guide asks apps to replace exactly these three characters; everything
 * else shows as typed. Mentions and links the code builds itself come from the functions
 * below, never from data.
 */
export function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Escaped text cut to `max` characters without leaving half an entity (`&am`) at the end. */
export function clipEscaped(escaped: string, max: number): string {
  return escaped.length <= max ? escaped : escaped.slice(0, max).replace(/&[a-z]{0,3}$/, '');
}

/** Slack renders this as the user's name; an id that is not one shows as plain text instead. */
export function mention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : escapeText(userId);
}
