import type { Button, KnownBlock, View } from '@slack/types';
import { type LocalDate, toLedgerText } from '../domain/dates';
import type { Finding } from '../domain/hygiene';
import { maskKeyId } from '../domain/iam';
import type { NoticeCase } from '../ports/cases';
import type { Messages } from '../text/messages';
import { escapeText, mention } from '../text/mrkdwn';

/** Action and view ids the listeners register; one place so blocks and listeners agree. */
export const ACTION = {
  extend: 'keywarden_extend',
  delete: 'keywarden_delete',
  approve: 'keywarden_approve',
  deny: 'keywarden_deny',
  reactivate: 'keywarden_reactivate',
} as const;

export const VIEW = {
  extend: 'keywarden_extend_submit',
  deny: 'keywarden_deny_submit',
  reactivate: 'keywarden_reactivate_submit',
} as const;

export const INPUT = {
  date: { block: 'new_end_date', action: 'date' },
  reason: { block: 'reason', action: 'text' },
} as const;

function fieldsOf(notice: NoticeCase, m: Messages): KnownBlock {
  const period = `${notice.startDate ? toLedgerText(notice.startDate) : '—'} 〜 ${toLedgerText(notice.endDate)}`;
  return {
    type: 'section',
    fields: [
      {
        type: 'mrkdwn',
        text: `*${m.fields.iamUser}*\n${escapeText(notice.iamUser)}${notice.accountId ? ` (${notice.accountId})` : ''}`,
      },
      { type: 'mrkdwn', text: `*${m.fields.accessKey}*\n\`${maskKeyId(notice.accessKeyId)}\`` },
      { type: 'mrkdwn', text: `*${m.fields.purpose}*\n${escapeText(notice.purpose) || '—'}` },
      { type: 'mrkdwn', text: `*${m.fields.resource}*\n${escapeText(notice.resource) || '—'}` },
      { type: 'mrkdwn', text: `*${m.fields.period}*\n${period}` },
      { type: 'mrkdwn', text: `*${m.fields.owner}*\n${escapeText(notice.name) || '—'}` },
    ],
  };
}

/** `text` is mrkdwn already: catalogue sentences with mentions or escaped data in them. */
function header(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** The owner's DM: details and the two buttons. */
export function ownerNotice(notice: NoticeCase, daysLeft: number, m: Messages): KnownBlock[] {
  return noticeWithButtons(m.weekAheadTitle(daysLeft), notice, m);
}

/** The owner's last word before removal: the deletion date, and the same two buttons. */
export function finalOwnerNotice(notice: NoticeCase, deleteOn: LocalDate, m: Messages): KnownBlock[] {
  return noticeWithButtons(m.finalNoticeTitle(toLedgerText(deleteOn)), notice, m);
}

function noticeWithButtons(title: string, notice: NoticeCase, m: Messages): KnownBlock[] {
  return [
    header(title),
    fieldsOf(notice, m),
    { type: 'actions', block_id: 'keywarden_actions', elements: noticeButtons(notice, m) },
  ];
}

/**
 * Extend and Delete (with its confirmation) for an open notice: the DM and the Home tab carry
 * the same action ids and values, so a click from either takes the one checked path.
 */
export function noticeButtons(notice: NoticeCase, m: Messages): Button[] {
  return [
    {
      type: 'button',
      action_id: ACTION.extend,
      style: 'primary',
      text: { type: 'plain_text', text: m.extend },
      value: notice.id,
    },
    {
      type: 'button',
      action_id: ACTION.delete,
      style: 'danger',
      text: { type: 'plain_text', text: m.delete },
      value: notice.id,
      confirm: {
        title: { type: 'plain_text', text: m.confirmDeleteTitle },
        // Slack refuses a confirmation text over 300 characters.
        text: { type: 'plain_text', text: m.confirmDeleteText(notice.iamUser).slice(0, 300) },
        confirm: { type: 'plain_text', text: m.confirmDeleteYes },
        deny: { type: 'plain_text', text: m.cancel },
        style: 'danger',
      },
    },
  ];
}

/** What the admins see for a notice; no buttons, the owner decides first. */
export function adminCopy(notice: NoticeCase, daysLeft: number, m: Messages): KnownBlock[] {
  const owner = notice.ownerSlackId ? mention(notice.ownerSlackId) : escapeText(notice.name);
  return [header(m.adminCopyTitle(owner, daysLeft)), fieldsOf(notice, m)];
}

/** Slack rejects a message of more than 50 blocks, or a section whose text is over 3000 characters. */
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Lines into as few groups as fit `max` characters each, joined by newlines; order kept. */
export function packLines(lines: readonly string[], max: number): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const line of lines) {
    const grown = current.length === 0 ? line.length : length + 1 + line.length;
    if (current.length > 0 && grown > max) {
      groups.push(current);
      current = [line];
      length = line.length;
    } else {
      current.push(line);
      length = grown;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * An owner's hygiene DM: a header, then one line per finding. Lines share sections so that
 * hundreds of findings still make a valid message; past 50 blocks the rest become "…and N more".
 */
export function ownerFindings(
  findings: readonly Finding[],
  m: Messages,
  /** Named under the header when the sweep covers several AWS accounts. */
  account?: string,
): KnownBlock[] {
  const lines = findings.map((finding) =>
    clip(m.findingLine(escapeText(finding.user), escapeText(m.findings.detail(finding))), MAX_SECTION_TEXT),
  );
  const sections = packLines(lines, MAX_SECTION_TEXT);
  // The header (and the account) take a block each; when lines are left over, their count takes another.
  const fixed = account === undefined ? 1 : 2;
  const shown = sections.length <= MAX_BLOCKS - fixed ? sections : sections.slice(0, MAX_BLOCKS - fixed - 1);
  const listed = shown.reduce((n, section) => n + section.length, 0);
  return [
    header(m.findingsTitle(findings.length)),
    ...(account === undefined ? [] : [context(m.findingsAccount(escapeText(account)))]),
    ...shown.map(
      (section): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: section.join('\n') } }),
    ),
    ...(listed < findings.length ? [context(m.moreFindings(findings.length - listed))] : []),
  ];
}

/** Any message of a case once someone has acted: the details and the state, never live buttons. */
export function settled(notice: NoticeCase, state: string, m: Messages): KnownBlock[] {
  return [fieldsOf(notice, m), context(state)];
}

/**
 * Undoes a staged removal's first stage; on the row's line in the admins' grouped message, one
 * per line: its value names the case, so each line's button acts on its own row.
 */
export function reactivateButton(notice: NoticeCase, m: Messages): Button {
  return {
    type: 'button',
    action_id: ACTION.reactivate,
    style: 'primary',
    text: { type: 'plain_text', text: m.reactivate },
    value: notice.id,
  };
}

export function approvalRequest(notice: NoticeCase, m: Messages): KnownBlock[] {
  const request = notice.request;
  if (!request) throw new Error(`case ${notice.id} has no extension request`);
  return [
    header(m.approvalRequestTitle(mention(request.requestedBy))),
    fieldsOf(notice, m),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*${m.fields.newEndDate}*\n${toLedgerText(request.newEndDate)}` },
        { type: 'mrkdwn', text: `*${m.fields.reason}*\n${escapeText(request.reason)}` },
      ],
    },
    { type: 'actions', block_id: 'keywarden_approval', elements: approvalButtons(notice, m) },
  ];
}

/**
 * Approve and Deny for a pending extension: the admins' request and the Home tab carry the same
 * action ids and values, so a click from either takes the one checked path.
 */
export function approvalButtons(notice: NoticeCase, m: Messages): Button[] {
  return [
    {
      type: 'button',
      action_id: ACTION.approve,
      style: 'primary',
      text: { type: 'plain_text', text: m.approve },
      value: notice.id,
    },
    {
      type: 'button',
      action_id: ACTION.deny,
      style: 'danger',
      text: { type: 'plain_text', text: m.deny },
      value: notice.id,
    },
  ];
}

/** Also Reactivate's modal (another callback id): turning keys back on needs a new end date. */
export function extendModal(
  notice: NoticeCase,
  initial: LocalDate,
  m: Messages,
  callbackId: string = VIEW.extend,
): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: notice.id,
    title: { type: 'plain_text', text: m.extendModalTitle },
    submit: { type: 'plain_text', text: m.submit },
    close: { type: 'plain_text', text: m.cancel },
    blocks: [
      fieldsOf(notice, m),
      {
        type: 'input',
        block_id: INPUT.date.block,
        label: { type: 'plain_text', text: m.fields.newEndDate },
        element: { type: 'datepicker', action_id: INPUT.date.action, initial_date: initial },
      },
      {
        type: 'input',
        block_id: INPUT.reason.block,
        label: { type: 'plain_text', text: m.fields.reason },
        element: {
          type: 'plain_text_input',
          action_id: INPUT.reason.action,
          multiline: true,
          max_length: 500,
          placeholder: { type: 'plain_text', text: m.reasonPlaceholder },
        },
      },
    ],
  };
}

export function denyModal(notice: NoticeCase, m: Messages): View {
  return {
    type: 'modal',
    callback_id: VIEW.deny,
    private_metadata: notice.id,
    title: { type: 'plain_text', text: m.denyModalTitle },
    submit: { type: 'plain_text', text: m.deny },
    close: { type: 'plain_text', text: m.cancel },
    blocks: [
      fieldsOf(notice, m),
      {
        type: 'input',
        block_id: INPUT.reason.block,
        label: { type: 'plain_text', text: m.fields.reason },
        element: { type: 'plain_text_input', action_id: INPUT.reason.action, max_length: 500 },
      },
    ],
  };
}
