import type { WebClient } from '@slack/web-api';
import type { LocalDate } from '../domain/dates';
import type { AdminGroup, CaseStore, MessageRef, NoticeCase } from '../ports/cases';
import type { Messages } from '../text/messages';
import { type DrawnGroup, groupCaseIds, groupMessage, groupViews } from './admin-groups';
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

/** How many times a grouped message is drawn again when its cases keep moving while it is drawn. */
const GROUP_REDRAWS = 3;

type RedrawDeps = { readonly web: WebClient; readonly cases: CaseStore; readonly messages: Messages };

/**
 * Every message of a case: its own (the owner's DMs, approval requests)
 * and its line in the admins' grouped messages. Returns how many could not be updated; grouped
 * messages that could not be read count as one.
 */
export async function redrawCase(
  deps: RedrawDeps,
  notice: NoticeCase,
  today: LocalDate,
  skip: MessageRef | null = null,
): Promise<number> {
  const groups = await groupViews(deps.cases, notice, deps.messages).then(
    (drawn) => ({ drawn, unread: 0 }),
    () => ({ drawn: [] as DrawnGroup[], unread: 1 }),
  );
  let failed =
    groups.unread + (await redrawMessages(deps.web, caseMessages(notice, deps.messages, today), skip));
  for (const { group, view, drawn } of groups.drawn) {
    if (skip && view.ref.channel === skip.channel && view.ref.ts === skip.ts) continue;
    if ((await redrawMessages(deps.web, [view])) > 0) failed += 1;
    else failed += await settleGroup(deps, { ...group, ref: view.ref }, drawn);
  }
  return failed;
}

/**
 * Draws a grouped message again, after its update landed, while any of its cases moved since
 * it was drawn (at most GROUP_REDRAWS times). Two clicks on one group each draw the other's line
 * as they read it, and Slack may apply the older drawing last; the click whose update lands last
 * then reads the newer state here and draws it. Returns 1 when a re-read or update failed.
 */
export async function settleGroup(
  deps: RedrawDeps,
  group: AdminGroup,
  drawn: ReadonlyMap<string, NoticeCase>,
): Promise<number> {
  const ids = groupCaseIds(group);
  if (ids.length === 0) return 0;
  let seen = drawn;
  try {
    for (let round = 0; round < GROUP_REDRAWS; round++) {
      const now = await deps.cases.getMany(ids);
      if (ids.every((id) => now.get(id)?.version === seen.get(id)?.version)) return 0;
      const view = { ref: group.ref, ...groupMessage(group, now, deps.messages) };
      if ((await redrawMessages(deps.web, [view])) > 0) return 1;
      seen = now;
    }
  } catch {
    return 1;
  }
  return 0;
}
