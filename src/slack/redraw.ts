import type { WebClient } from '@slack/web-api';
import type { LocalDate } from '../domain/dates';
import type { CaseStore, MessageRef, NoticeCase } from '../ports/cases';
import type { Messages } from '../text/messages';
import { groupViews } from './admin-groups';
import { caseMessages, type MessageView } from './case-messages';

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

/**
 * Every message of a case: its own (the owner's DM, approval requests, deactivation notices)
 * and its line in the admins' grouped messages. Returns how many could not be updated; grouped
 * messages that could not be read count as one.
 */
export async function redrawCase(
  deps: { readonly web: WebClient; readonly cases: CaseStore; readonly messages: Messages },
  notice: NoticeCase,
  today: LocalDate,
  skip: MessageRef | null = null,
): Promise<number> {
  const groups = await groupViews(deps.cases, notice, deps.messages).then(
    (views) => ({ views, unread: 0 }),
    () => ({ views: [], unread: 1 }),
  );
  const views = [...caseMessages(notice, deps.messages, today), ...groups.views];
  return groups.unread + (await redrawMessages(deps.web, views, skip));
}
