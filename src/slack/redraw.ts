import type { WebClient } from '@slack/web-api';
import type { MessageRef } from '../ports/cases';
import type { MessageView } from './case-messages';

/**
 * Updates each message to its view, every update on its own: one deleted message or failed
 * call must not keep the others stale. Returns how many updates failed.
 */
export async function redrawMessages(
  web: WebClient,
  views: readonly MessageView[],
  skip: MessageRef | null = null,
): Promise<number> {
  let failed = 0;
  for (const view of views) {
    if (skip && view.ref.channel === skip.channel && view.ref.ts === skip.ts) continue;
    await web.chat
      .update({ channel: view.ref.channel, ts: view.ref.ts, text: view.text, blocks: view.blocks })
      .catch(() => {
        failed += 1;
      });
  }
  return failed;
}
