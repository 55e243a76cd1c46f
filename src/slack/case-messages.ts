import type { KnownBlock } from '@slack/types';
import { daysBetween, type LocalDate, toLedgerText } from '../domain/dates';
import type { MessageRef, NoticeCase } from '../ports/cases';
import type { Messages } from '../text/messages';
import { escapeText, mention } from '../text/mrkdwn';
import { ACTION, adminCopy, approvalRequest, context, ownerNotice, settled } from './blocks';

export interface MessageView {
  readonly ref: MessageRef;
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/**
 * What every message of a case shows, derived from the case alone. Drawing from state (not
 * from the step that just ran) is what lets a rollback restore the buttons and lets a later
 * click redraw a message whose `chat.update` failed.
 */
export function caseMessages(notice: NoticeCase, m: Messages, today: LocalDate): MessageView[] {
  const owner = notice.ownerMessage ? [notice.ownerMessage] : [];
  const admins = notice.adminMessages;
  const by = mention(notice.decision?.by ?? notice.inFlight?.by ?? '');
  const each = (refs: readonly MessageRef[], state: string, blocks = settled(notice, state, m)) =>
    refs.map((ref): MessageView => ({ ref, text: state, blocks }));
  const all = (state: string, blocks?: KnownBlock[]) => each([...owner, ...admins], state, blocks);

  switch (notice.status) {
    case 'open': {
      const daysLeft = Math.max(0, daysBetween(today, notice.endDate));
      const denial =
        notice.decision?.outcome === 'denied' ? m.state.denied(by, notice.decision.note ?? '') : null;
      const ownerView = (ref: MessageRef): MessageView => ({
        ref,
        text: denial ?? m.weekAheadTitle(daysLeft),
        blocks: [...ownerNotice(notice, daysLeft, m), ...(denial ? [context(denial)] : [])],
      });
      const ownerName = notice.ownerSlackId ? mention(notice.ownerSlackId) : escapeText(notice.name);
      const adminView = (ref: MessageRef): MessageView =>
        denial
          ? { ref, text: denial, blocks: settled(notice, denial, m) }
          : { ref, text: m.adminCopyTitle(ownerName, daysLeft), blocks: adminCopy(notice, daysLeft, m) };
      return [...owner.map(ownerView), ...admins.map(adminView)];
    }
    case 'extension-requested': {
      const request = notice.request;
      if (!request) return [];
      const state = m.state.requested(toLedgerText(request.newEndDate));
      // The latest admin message is the approval request: it keeps its buttons.
      const latest = admins.at(-1);
      return [
        ...each([...owner, ...admins.slice(0, -1)], state),
        ...(latest
          ? [
              {
                ref: latest,
                text: m.approvalRequestTitle(mention(request.requestedBy)),
                blocks: approvalRequest(notice, m),
              },
            ]
          : []),
      ];
    }
    case 'deactivated': {
      const deactivation = notice.deactivation;
      if (!deactivation) return [];
      // Reactivate is on the row's line in the admins' grouped message of the deactivations.
      return all(
        m.state.deactivated(
          toLedgerText(deactivation.on),
          toLedgerText(deactivation.deleteOn),
          deactivation.consoleRemoved,
        ),
      );
    }
    case 'extended': {
      const until = toLedgerText(notice.request?.newEndDate ?? notice.endDate);
      return all(
        notice.decision?.outcome === 'reactivated'
          ? m.state.reactivated(until, by)
          : m.state.approved(until, by),
      );
    }
    case 'deleted-unrecorded': {
      const state = m.state.deletedUnrecorded(by);
      return all(state, [
        ...settled(notice, state, m),
        {
          type: 'actions',
          block_id: 'keywarden_actions',
          elements: [
            {
              type: 'button',
              action_id: ACTION.delete,
              text: { type: 'plain_text', text: m.recordDeleted },
              value: notice.id,
            },
          ],
        },
      ]);
    }
    case 'deleted':
      return all(m.state.deleted(by));
    case 'in-flight':
      // Only a deletion is slow enough to show; the others finish before anyone looks.
      return notice.inFlight?.action === 'delete' ? all(m.state.deleting(by)) : [];
  }
}
