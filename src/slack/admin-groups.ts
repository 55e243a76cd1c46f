import type { Button, KnownBlock } from '@slack/types';
import { toLedgerText } from '../domain/dates';
import { maskKeyId } from '../domain/iam';
import type {
  AdminGroup,
  CaseStore,
  GroupLine,
  LineNotice,
  MessageRef,
  NoticeCase,
  NoticeFields,
} from '../ports/cases';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText, mention } from '../text/mrkdwn';
import { ACTION, clip, context, MAX_BLOCKS, MAX_SECTION_TEXT, reactivateButton } from './blocks';
import type { MessageView } from './case-messages';

/**
 * Slack counts every text of a message's blocks together and refuses more than about 12,000
 * characters "with a buffer for block containers" (msg_blocks_too_long; slackapi/bolt-js#2509,
 * #2867 saw a refusal at 11,341): a grouped message keeps under this.
 */
export const MAX_BLOCKS_TEXT = 10_000;
/** Ledger words in a line are cut here, so that one long cell cannot crowd out the others. */
const MAX_VALUE = 200;
/** A line's state (a denial's note is a person's free text) is cut here. */
const MAX_STATE = 600;
/**
 * What a case's line may take when a click redraws it, so a message that fitted when posted
 * fits after every redraw: a section, the state's context and a button's actions block, and
 * the state's and button's text. A line for the admins alone never changes.
 */
const CASE_LINE_BLOCKS = 3;
const GROWTH_TEXT = MAX_STATE + 100;

interface LineView {
  readonly title: string;
  readonly fields: NoticeFields;
  readonly state: string | null;
  readonly buttons: readonly Button[];
}

function details(fields: NoticeFields, m: Messages): string {
  const value = (text: string) => clipEscaped(escapeText(text), MAX_VALUE) || '—';
  const account = fields.accountId ? ` (${escapeText(fields.accountId)})` : '';
  const period = `${fields.startDate ? toLedgerText(fields.startDate) : '—'} 〜 ${toLedgerText(fields.endDate)}`;
  return [
    `*${m.fields.iamUser}* ${value(fields.iamUser)}${account}`,
    `*${m.fields.accessKey}* \`${maskKeyId(fields.accessKeyId)}\``,
    `*${m.fields.purpose}* ${value(fields.purpose)}`,
    `*${m.fields.resource}* ${value(fields.resource)}`,
    `*${m.fields.period}* ${period}`,
    `*${m.fields.owner}* ${value(fields.name)}`,
  ].join('  ·  ');
}

function noticeTitle(notice: LineNotice, owner: string, m: Messages): string {
  switch (notice.kind) {
    case 'week-ahead':
      return m.adminCopyTitle(owner, notice.daysLeft);
    case 'final':
      return m.finalAdminCopyTitle(owner, toLedgerText(notice.deleteOn));
    case 'deactivated':
      return m.deactivatedLineTitle(owner);
  }
}

/**
 * Where the case stands, as every other message of the case says it (case-messages.ts). A
 * deactivation's own line carries the row's Reactivate (`reactivate`); the row's other lines
 * only say it is deactivated.
 */
function caseState(
  notice: NoticeCase,
  m: Messages,
  reactivate: boolean,
): { state: string | null; buttons: Button[] } {
  const by = mention(notice.decision?.by ?? notice.inFlight?.by ?? '');
  switch (notice.status) {
    case 'open':
      return {
        state: notice.decision?.outcome === 'denied' ? m.state.denied(by, notice.decision.note ?? '') : null,
        buttons: [],
      };
    case 'extension-requested':
      return {
        state: notice.request ? m.state.requested(toLedgerText(notice.request.newEndDate)) : null,
        buttons: [],
      };
    case 'deactivated': {
      const d = notice.deactivation;
      return {
        state: d ? m.state.deactivated(toLedgerText(d.on), toLedgerText(d.deleteOn), d.consoleRemoved) : null,
        buttons: reactivate ? [reactivateButton(notice, m)] : [],
      };
    }
    case 'extended': {
      const until = toLedgerText(notice.request?.newEndDate ?? notice.endDate);
      return {
        state:
          notice.decision?.outcome === 'reactivated'
            ? m.state.reactivated(until, by)
            : m.state.approved(until, by),
        buttons: [],
      };
    }
    case 'deleted-unrecorded':
      return {
        state: m.state.deletedUnrecorded(by),
        buttons: [
          {
            type: 'button',
            action_id: ACTION.delete,
            text: { type: 'plain_text', text: m.recordDeleted },
            value: notice.id,
          },
        ],
      };
    case 'deleted':
      return { state: m.state.deleted(by), buttons: [] };
    case 'in-flight':
      // Only a deletion is slow enough to show; the others look as they did until they commit.
      return notice.inFlight?.action === 'delete'
        ? { state: m.state.deleting(by), buttons: [] }
        : caseState({ ...notice, status: notice.inFlight?.from ?? 'open' }, m, reactivate);
  }
}

function lineView(line: GroupLine, cases: ReadonlyMap<string, NoticeCase>, m: Messages): LineView | null {
  if (line.kind === 'admins-only') {
    const title =
      line.notice.kind === 'final'
        ? m.finalOwnerUnknownTitle(toLedgerText(line.notice.deleteOn))
        : m.ownerUnknownTitle;
    return { title, fields: line.fields, state: m.ownerUnknownRow(line.rowNumber, line.reason), buttons: [] };
  }
  const notice = cases.get(line.caseId);
  if (!notice) return null;
  const owner = notice.ownerSlackId ? mention(notice.ownerSlackId) : escapeText(notice.name);
  return {
    title: noticeTitle(line.notice, owner, m),
    fields: notice,
    ...caseState(notice, m, line.notice.kind === 'deactivated'),
  };
}

function lineBlocks(view: LineView, m: Messages): KnownBlock[] {
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*${view.title}*\n${details(view.fields, m)}`, MAX_SECTION_TEXT) },
    },
    ...(view.state ? [context(clipEscaped(view.state, MAX_STATE))] : []),
    ...(view.buttons.length > 0 ? [{ type: 'actions', elements: [...view.buttons] } as KnownBlock] : []),
  ];
}

/** Every text Slack counts towards a message's total: section, field, context and button texts. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + blocksTextLength(item), 0);
  if (typeof value !== 'object' || value === null) return 0;
  return Object.entries(value).reduce(
    (n, [key, item]) =>
      n + (key === 'text' && typeof item === 'string' ? item.length : blocksTextLength(item)),
    0,
  );
}

/**
 * A group is about an account's notices or about its deactivations, never both (each goes out
 * on its own): the title says which.
 */
function groupTitle(
  lines: readonly GroupLine[],
  account: string | null,
  part: number,
  parts: number,
  m: Messages,
): string {
  const deactivations = lines.some((line) => line.kind === 'case' && line.notice.kind === 'deactivated');
  return (deactivations ? m.deactivatedGroupTitle : m.adminGroupTitle)(account, lines.length, part, parts);
}

function heading(title: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } };
}

/**
 * The lines of one account's notices, split into messages within Slack's limits (50 blocks,
 * the total text), each line counted with room to grow when a click adds its state and button.
 */
export function splitLines(
  lines: readonly GroupLine[],
  cases: ReadonlyMap<string, NoticeCase>,
  m: Messages,
): GroupLine[][] {
  // The heading's block and text, with the widest part numbers.
  const headingText = blocksTextLength([
    heading(groupTitle(lines, '0'.repeat(12), lines.length, lines.length, m)),
  ]);
  const parts: GroupLine[][] = [];
  let current: GroupLine[] = [];
  let blocks = 1;
  let text = headingText;
  for (const line of lines) {
    const view = lineView(line, cases, m);
    const drawn = view ? lineBlocks(view, m) : [];
    const grows = line.kind === 'case';
    const lineBlockCount = grows ? CASE_LINE_BLOCKS : drawn.length;
    const lineText = blocksTextLength(drawn) + (grows ? GROWTH_TEXT : 0);
    if (current.length > 0 && (blocks + lineBlockCount > MAX_BLOCKS || text + lineText > MAX_BLOCKS_TEXT)) {
      parts.push(current);
      current = [];
      blocks = 1;
      text = headingText;
    }
    current.push(line);
    blocks += lineBlockCount;
    text += lineText;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** A grouped message drawn from its cases' state now: the same words and buttons each case's own messages show. */
export function groupMessage(
  group: Omit<AdminGroup, 'ref'>,
  cases: ReadonlyMap<string, NoticeCase>,
  m: Messages,
): { text: string; blocks: KnownBlock[] } {
  const views = group.lines.flatMap((line) => {
    const view = lineView(line, cases, m);
    return view ? [view] : [];
  });
  const title = groupTitle(group.lines, group.account, group.part, group.parts, m);
  return {
    // The fallback Slack shows in notifications: the heading and each notice's title.
    text: clip([title, ...views.map((view) => `• ${view.title}`)].join('\n'), MAX_SECTION_TEXT),
    blocks: [heading(title), ...views.flatMap((view) => lineBlocks(view, m))],
  };
}

/** A grouped message as drawn, with the cases it was drawn from, to tell later whether any moved. */
export interface DrawnGroup {
  readonly group: AdminGroup;
  readonly view: MessageView;
  readonly drawn: ReadonlyMap<string, NoticeCase>;
}

/**
 * The grouped messages with a line for `notice`, drawn with `notice` as it is now and the other
 * lines from their cases' state: only this notice's line differs from what Slack shows.
 */
export async function groupViews(cases: CaseStore, notice: NoticeCase, m: Messages): Promise<DrawnGroup[]> {
  const refs: readonly MessageRef[] = await cases.groupsOf(notice.id);
  const views: DrawnGroup[] = [];
  for (const ref of refs) {
    const group = await cases.getGroup(ref);
    if (!group) continue;
    const others = groupCaseIds(group).filter((id) => id !== notice.id);
    const members = new Map(others.length > 0 ? await cases.getMany(others) : []);
    members.set(notice.id, notice);
    views.push({ group, view: { ref, ...groupMessage(group, members, m) }, drawn: members });
  }
  return views;
}

/** The cases a grouped message has lines for. */
export function groupCaseIds(group: Pick<AdminGroup, 'lines'>): string[] {
  return group.lines.flatMap((line) => (line.kind === 'case' ? [line.caseId] : []));
}
