import type { RespondFn } from '@slack/bolt';
import type { Messages } from '../messages';
import type { Outcome } from '../workflow';

/** Tells the clicker, and only the clicker, why nothing happened. */
export async function explain(outcome: Outcome, respond: RespondFn, m: Messages): Promise<void> {
  const text =
    outcome.kind === 'not-allowed'
      ? m.notAllowed
      : outcome.kind === 'settled'
        ? m.alreadySettled
        : outcome.kind === 'failed'
          ? m.state.deleteFailed(outcome.detail)
          : null;
  if (text) await respond({ response_type: 'ephemeral', replace_original: false, text });
}
