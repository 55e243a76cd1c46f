import type { RespondFn } from '@slack/bolt';
import type { Messages } from '../messages';
import type { Outcome } from '../workflow';

/** Why nothing happened, in words for the person who clicked; null when something did. */
export function outcomeText(outcome: Outcome, m: Messages): string | null {
  switch (outcome.kind) {
    case 'not-allowed':
      return m.notAllowed;
    case 'settled':
      return m.alreadySettled;
    case 'failed':
      return m.state.deleteFailed(outcome.detail);
    default:
      return null;
  }
}

/** Tells the clicker, and only the clicker, why nothing happened. */
export async function explain(outcome: Outcome, respond: RespondFn, m: Messages): Promise<void> {
  const text = outcomeText(outcome, m);
  if (text) await respond({ response_type: 'ephemeral', replace_original: false, text });
}
