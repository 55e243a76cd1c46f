import type { RespondFn } from '@slack/bolt';
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

/** Tells the clicker, and only the clicker. */
export async function explain(outcome: Outcome, respond: RespondFn, m: Messages): Promise<void> {
  const text = outcomeText(outcome, m);
  if (text) await respond({ response_type: 'ephemeral', replace_original: false, text });
}
