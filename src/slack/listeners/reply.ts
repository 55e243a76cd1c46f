import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Messages } from '../../text/messages';
import type { Outcome } from '../workflow';

/** What the person who clicked needs to know beyond the updated messages; null when nothing. */
export function outcomeText(outcome: Outcome, m: Messages): string | null {
  switch (outcome.kind) {
    case 'not-allowed':
      return m.notAllowed;
    case 'settled':
      return m.alreadySettled;
    case 'busy':
      return m.busy;
    case 'undone':
      return [
        outcome.action === 'delete'
          ? m.state.deleteFailed(outcome.detail)
          : m.undone(outcome.action, outcome.detail),
        ...outcome.undoFailures.map(m.undoFailed),
      ].join('\n');
    case 'unrecorded':
      return m.unrecorded(outcome.detail);
    case 'messages-stale':
      return m.messagesStale(outcome.count);
    case 'console-not-restored':
      return m.consoleNotRestored(outcome.iamUser);
    default:
      return null;
  }
}

/** A reply only its addressee sees, leaving the message it answers as it is. */
export interface PrivateReply {
  readonly response_type: 'ephemeral';
  readonly replace_original: false;
  readonly text: string;
}

/**
 * Tells the clicker, and only the clicker: `send` is Bolt's `respond` in a listener, and the
 * job's answer (response_url, else a DM) in a worker.
 */
export async function explain(
  outcome: Outcome,
  send: (reply: PrivateReply) => Promise<unknown>,
  m: Messages,
): Promise<void> {
  const text = outcomeText(outcome, m);
  if (text) await send({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * Where a click's private answer goes: Bolt's `respond` when the click came with a
 * response_url (a message's buttons), else a DM, as for the Home tab's buttons, which Slack
 * sends without one.
 */
export function privateReplyTo(
  click: { readonly user: { readonly id: string }; readonly response_url?: string | undefined },
  args: { readonly respond: RespondFn; readonly client: WebClient },
): (reply: PrivateReply) => Promise<unknown> {
  return click.response_url
    ? args.respond
    : (reply) => args.client.chat.postMessage({ channel: click.user.id, text: reply.text });
}
