import type { Button, KnownBlock, View } from '@slack/types';
import { daysBetween, type LocalDate, toLedgerText } from '../domain/dates';
import type { HomeRow, HomeSummary } from '../domain/home';
import { maskKeyId } from '../domain/iam';
import { type Language, statusLabel } from '../domain/status';
import { caseId, type NoticeCase } from '../ports/cases';
import type { HomeText } from '../text/home';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText, mention } from '../text/mrkdwn';
import { ACTION, approvalButtons, MAX_SECTION_TEXT, noticeButtons, packLines } from './blocks';

/** Slack refuses a Home tab view of more than 100 blocks. */
export const MAX_HOME_BLOCKS = 100;
/** Slack cuts a header's plain text at 150 characters. */
const MAX_HEADER_TEXT = 150;
/** Admins see the rows ending within this many days, and overdue ones. */
export const UPCOMING_DAYS = 30;
/** Each pending request takes two blocks; the rest are in the admin channel. */
const MAX_PENDING = 10;
/** The upcoming list is packed into at most this many sections. */
const MAX_UPCOMING_SECTIONS = 8;

export interface HomeViewInput {
  readonly viewer: string;
  readonly today: LocalDate;
  /** The last sweep's summary and when it ended, in the configured time zone; null before the first. */
  readonly summary: { readonly summary: HomeSummary; readonly when: string } | null;
  /** The viewer's rows of the snapshot. */
  readonly own: readonly HomeRow[];
  /** Cases by id, for the viewer's rows and (admins) the rows that may have one. */
  readonly cases: ReadonlyMap<string, NoticeCase>;
  /** Present for admins. */
  readonly admin?: { readonly upcoming: readonly HomeRow[]; readonly pending: readonly NoticeCase[] };
}

export interface HomeViewText {
  readonly home: HomeText;
  readonly messages: Messages;
  readonly language: Language;
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clipEscaped(text, MAX_SECTION_TEXT) },
});
const note = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clipEscaped(text, MAX_SECTION_TEXT) }],
});
const heading = (text: string): KnownBlock => section(`*${text}*`);

/** Live rows first, soonest end date first: what needs doing comes before history. */
function byUrgency(a: HomeRow, b: HomeRow): number {
  const done = (row: HomeRow) => (row.status === 'deleted' ? 1 : 0);
  return done(a) - done(b) || a.endDate.localeCompare(b.endDate) || a.rowNumber - b.rowNumber;
}

/** What the case says beyond the ledger's status, as the notice's messages say it. */
function caseState(notice: NoticeCase, m: Messages): string | null {
  const by = mention(notice.decision?.by ?? notice.inFlight?.by ?? '');
  switch (notice.status) {
    case 'open':
      return notice.decision?.outcome === 'denied' ? m.state.denied(by, notice.decision.note ?? '') : null;
    case 'extension-requested':
      return notice.request ? m.state.requested(toLedgerText(notice.request.newEndDate)) : null;
    case 'extended': {
      const until = toLedgerText(notice.request?.newEndDate ?? notice.endDate);
      return notice.decision?.outcome === 'reactivated'
        ? m.state.reactivated(until, by)
        : m.state.approved(until, by);
    }
    case 'deactivated':
      return notice.deactivation
        ? m.state.deactivated(
            toLedgerText(notice.deactivation.on),
            toLedgerText(notice.deactivation.deleteOn),
            notice.deactivation.consoleRemoved,
          )
        : null;
    case 'deleted-unrecorded':
      return m.state.deletedUnrecorded(by);
    case 'deleted':
      return m.state.deleted(by);
    case 'in-flight':
      return notice.inFlight?.action === 'delete' ? m.state.deleting(by) : null;
  }
}

/** The same buttons, action ids and values as the notice's DM: one checked path for both. */
function caseButtons(notice: NoticeCase, m: Messages): Button[] {
  if (notice.status === 'deleted-unrecorded')
    return [
      {
        type: 'button',
        action_id: ACTION.delete,
        text: { type: 'plain_text', text: m.recordDeleted },
        value: notice.id,
      },
    ];
  return notice.status === 'open' ? noticeButtons(notice, m) : [];
}

/** One row: a section, and its buttons when its case takes a click from this viewer. */
function rowBlocks(row: HomeRow, input: HomeViewInput, t: HomeViewText, isAdmin: boolean): KnownBlock[] {
  const notice = input.cases.get(caseId(row.accessKeyId, row.endDate));
  const daysLeft = daysBetween(input.today, row.endDate);
  const lines = [
    `*${escapeText(row.iamUser)}*${row.accountId ? ` (${row.accountId})` : ''}  \`${maskKeyId(row.accessKeyId)}\``,
    t.home.rowLine(toLedgerText(row.endDate), t.home.endsIn(daysLeft), statusLabel(row.status, t.language)),
  ];
  const state = notice ? caseState(notice, t.messages) : null;
  if (state) lines.push(state);
  const mayClick = notice && (notice.ownerSlackId === input.viewer || isAdmin);
  const buttons = notice && mayClick ? caseButtons(notice, t.messages) : [];
  return [
    section(lines.join('\n')),
    ...(buttons.length > 0 ? [{ type: 'actions', elements: buttons } as KnownBlock] : []),
  ];
}

function pendingBlocks(notice: NoticeCase, t: HomeViewText): KnownBlock[] {
  const request = notice.request;
  if (!request) return [];
  const m = t.messages;
  return [
    section(
      t.home.pendingLine(
        escapeText(notice.iamUser),
        maskKeyId(notice.accessKeyId),
        mention(request.requestedBy),
        toLedgerText(request.newEndDate),
        escapeText(request.reason) || '—',
      ),
    ),
    { type: 'actions', elements: approvalButtons(notice, m) },
  ];
}

function upcomingLine(row: HomeRow, today: LocalDate, t: HomeViewText): string {
  const who = escapeText(row.name) || t.home.ownerUnknown;
  const when = t.home.upcomingWhen(toLedgerText(row.endDate), t.home.endsIn(daysBetween(today, row.endDate)));
  return `• ${when}  *${escapeText(row.iamUser)}*  \`${maskKeyId(row.accessKeyId)}\`  ${who}  ${statusLabel(row.status, t.language)}`;
}

const isKeyOf = <K extends string>(record: Readonly<Record<K, string>>, key: string): key is K =>
  Object.hasOwn(record, key);

/**
 * One `<action kind>:<outcome>` count of the stored summary, in the reader's words. A snapshot
 * written by another version may hold a kind this one does not know: shown as stored.
 */
function actionCount(key: string, count: number, m: Messages): string {
  const colon = key.lastIndexOf(':');
  const kind = key.slice(0, colon);
  const outcome = key.slice(colon + 1);
  return colon > 0 && isKeyOf(m.sweep.actionKind, kind) && isKeyOf(m.sweep.outcome, outcome)
    ? m.sweep.headlineCount(kind, outcome, count)
    : `${escapeText(key)}: ${count}`;
}

function adminBlocks(input: HomeViewInput, t: HomeViewText): KnownBlock[] {
  const admin = input.admin;
  if (!admin) return [];
  const blocks: KnownBlock[] = [{ type: 'divider' }, heading(t.home.pendingTitle)];
  const pending = admin.pending.slice(0, MAX_PENDING);
  blocks.push(...pending.flatMap((notice) => pendingBlocks(notice, t)));
  if (admin.pending.length === 0) blocks.push(note(t.home.noPending));
  if (admin.pending.length > pending.length)
    blocks.push(note(t.home.morePending(admin.pending.length - pending.length)));

  blocks.push({ type: 'divider' }, heading(t.home.upcomingTitle(UPCOMING_DAYS)));
  const lines = [...admin.upcoming].sort(byUrgency).map((row) => upcomingLine(row, input.today, t));
  const sections = packLines(
    lines.map((line) => clipEscaped(line, MAX_SECTION_TEXT)),
    MAX_SECTION_TEXT,
  );
  const shown = sections.slice(0, MAX_UPCOMING_SECTIONS);
  blocks.push(...shown.map((group) => section(group.join('\n'))));
  const listed = shown.reduce((n, group) => n + group.length, 0);
  if (lines.length === 0) blocks.push(note(t.home.noUpcoming));
  if (listed < lines.length) blocks.push(note(t.home.moreRows(lines.length - listed)));

  if (input.summary) {
    const { summary } = input.summary;
    const actions = Object.entries(summary.actions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `• ${actionCount(key, count, t.messages)}`);
    blocks.push(
      { type: 'divider' },
      heading(`${t.home.lastSweepTitle}: ${t.home.verdict(summary.verdict)}`),
      section(
        [
          `${toLedgerText(summary.today)} · ${t.home.sweepCounts(summary.failed, summary.attention, summary.malformed)}`,
          ...(actions.length > 0 ? actions : [t.home.noActions]),
        ].join('\n'),
      ),
    );
  }
  return blocks;
}

/**
 * The Home tab: the viewer's ledger rows with the buttons their notices carry, and for admins
 * the pending requests, the upcoming expiries and the last sweep. Everything from data is
 * escaped; past 100 blocks the viewer's rows are cut, with a note saying how many.
 */
export function homeView(input: HomeViewInput, t: HomeViewText): View {
  const top: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: t.home.title.slice(0, MAX_HEADER_TEXT) } },
    note(
      input.summary
        ? [
            t.home.asOf(input.summary.when),
            ...(daysBetween(input.summary.summary.today, input.today) > 1
              ? [t.home.stale(daysBetween(input.summary.summary.today, input.today))]
              : []),
          ].join(' ')
        : t.home.noSweepYet,
    ),
    heading(t.home.yourKeys),
  ];
  const isAdmin = input.admin !== undefined;
  const tail = adminBlocks(input, t);
  const own = [...input.own].sort(byUrgency).map((row) => rowBlocks(row, input, t, isAdmin));
  const noticeDays = input.summary?.summary.noticeDays;
  const hint =
    noticeDays !== undefined &&
    own.length > 0 &&
    input.own.some((row) => !input.cases.has(caseId(row.accessKeyId, row.endDate)))
      ? [note(t.home.buttonsWithNotice(noticeDays))]
      : [];
  // Room for the rows once the rest is placed, keeping one block for "…and N more".
  const room = MAX_HOME_BLOCKS - top.length - tail.length - hint.length;
  const rows: KnownBlock[] = [];
  let shown = 0;
  for (const blocks of own) {
    const last = shown === own.length - 1;
    if (rows.length + blocks.length > room - (last ? 0 : 1)) break;
    rows.push(...blocks);
    shown += 1;
  }
  return {
    type: 'home',
    blocks: [
      ...top,
      ...(own.length === 0 ? [note(t.home.noKeys)] : rows),
      ...(shown < own.length ? [note(t.home.moreRows(own.length - shown))] : []),
      ...hint,
      ...tail,
    ],
  };
}
