import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { NoticeMiss } from '../domain/action-detail';
import { toLedgerText } from '../domain/dates';
import { maskKeyId } from '../domain/iam';
import type { LedgerRow } from '../domain/ledger';
import type { SweepReport } from '../domain/report';
import {
  type AdminGroup,
  type CaseStore,
  caseId,
  type GroupLine,
  type MessageRef,
  type NoticeCase,
  type NoticeFields,
} from '../ports/cases';
import {
  type AdminCopiesPosted,
  type AdminCopy,
  type DeactivatedNotice,
  type DeactivationsAnnounced,
  type DeactivationsOptions,
  type FinalNotice,
  type FindingsDigest,
  type FindingsNotice,
  type NoticeKind,
  NoticeNotSent,
  type Notifier,
  type OwnerUnknownNotice,
  type PendingRequestsNotice,
  type UnsavedGroup,
  type WeekAheadNotice,
} from '../ports/notifier';
import type { SlackDirectory } from '../ports/slack-directory';
import { digestOptions, digestText } from '../text/findings';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText } from '../text/mrkdwn';
import { errorMessage } from '../util/errors';
import { groupMessage, splitLines } from './admin-groups';
import { finalOwnerNotice, ownerFindings, ownerNotice } from './blocks';
import type { Pacer } from './pacer';
import { redrawCase, settleGroup } from './redraw';
import { sweepSummary } from './summary';

export interface SlackNotifierDeps {
  readonly web: WebClient;
  readonly cases: CaseStore;
  readonly adminChannel: string;
  readonly messages: Messages;
  /** Spaces posts per channel within Slack's rate; absent, posts go out as fast as they come. */
  readonly pacer?: Pacer;
  /** The ledger's zone, in which the sweep summary shows IAM's timestamps. */
  readonly timeZone?: string;
}

/** Errors that mean "this person cannot get a DM", as opposed to Slack being unwell. */
const UNREACHABLE = new Set([
  'channel_not_found',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'not_in_channel',
]);

/** What a notice shows of its row: kept by its case, or by its line in a grouped message. */
function noticeFields(row: LedgerRow): NoticeFields {
  return {
    accessKeyId: row.accessKeyId,
    ...(row.accountId ? { accountId: row.accountId } : {}),
    iamUser: row.iamUser,
    name: row.name,
    purpose: row.purpose,
    resource: row.resource,
    startDate: row.startDate,
    endDate: row.endDate,
  };
}

export function caseFromRow(row: LedgerRow, ownerSlackId: string | null): Omit<NoticeCase, 'version'> {
  return {
    id: caseId(row.accessKeyId, row.endDate),
    ...noticeFields(row),
    ownerSlackId,
    status: 'open',
    adminMessages: [],
  };
}

/** A copy as its grouped message keeps it: a case the line follows, or the row's words for the admins alone. */
function groupLine(copy: AdminCopy): GroupLine {
  if (copy.kind === 'owner-told') return { kind: 'case', caseId: copy.caseId, notice: copy.notice };
  const { row } = copy;
  return {
    kind: 'admins-only',
    fields: noticeFields(row),
    rowNumber: row.rowNumber,
    reason: copy.reason,
    notice: copy.notice,
  };
}

/** A deactivation notice the admins have: the part it went out in, its case once moved, and what else it missed so far. */
interface Announced {
  readonly notice: DeactivatedNotice;
  readonly ref: MessageRef;
  readonly moved: NoticeCase | null;
  readonly missed: NoticeMiss[];
}

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

/** Runs the first step of a notice: if it throws, nothing reached anyone. */
async function first<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new NoticeNotSent(errorMessage(error), { cause: error });
  }
}

/** Posts notices and reports to Slack, and remembers every message so later clicks can edit it. */
export class SlackNotifier implements Notifier, SlackDirectory {
  constructor(private readonly deps: SlackNotifierDeps) {}

  async weekAhead({ row, slackId, daysLeft }: WeekAheadNotice): Promise<AdminCopy> {
    const { messages: m } = this.deps;
    return this.noticeOwner(row, slackId, { kind: 'week-ahead', daysLeft }, (notice) => [
      m.weekAheadTitle(daysLeft),
      ownerNotice(notice, daysLeft, m),
    ]);
  }

  async finalNotice({ row, deleteOn, to }: FinalNotice): Promise<AdminCopy> {
    const { messages: m } = this.deps;
    const notice = { kind: 'final', deleteOn } as const;
    if (to.kind === 'admins')
      return { kind: 'admins-only', row, reason: m.reasons.ownerUnknown(to.reason), notice };
    return this.noticeOwner(row, to.slackId, notice, (draft) => [
      m.finalNoticeTitle(toLedgerText(deleteOn)),
      finalOwnerNotice(draft, deleteOn, m),
    ]);
  }

  /**
   * DM with Extend/Delete, remembered on the row's case so a click can settle it; the admins'
   * copy goes out later with the account's others (`adminCopies`). A final notice after a
   * week-ahead one reuses the case; the earlier DM is kept among the case's messages so it
   * loses its buttons too. An owner Slack cannot DM makes the copy the admins' alone.
   */
  private async noticeOwner(
    row: LedgerRow,
    slackId: string,
    kind: NoticeKind,
    owner: (notice: NoticeCase) => [string, KnownBlock[]],
  ): Promise<AdminCopy> {
    const { cases, messages: m } = this.deps;
    const draft = caseFromRow(row, slackId);
    await first(() => cases.create(draft));
    const notice = { ...draft, version: 0 };
    let ownerMessage: MessageRef;
    try {
      ownerMessage = await this.post(slackId, ...owner(notice));
    } catch (error) {
      const code = slackError(error);
      if (!code || !UNREACHABLE.has(code)) throw new NoticeNotSent(errorMessage(error), { cause: error });
      return { kind: 'admins-only', row, reason: m.couldNotDm(slackId, code), notice: kind };
    }
    await cases.transition(notice.id, ['open'], (current) => ({
      ...current,
      ownerMessage,
      adminMessages: [...current.adminMessages, ...(current.ownerMessage ? [current.ownerMessage] : [])],
    }));
    return { kind: 'owner-told', row, slackId, caseId: notice.id, notice: kind };
  }

  /**
   * One message per account (more when Slack's block limits split it) instead of one per
   * notice: Slack takes about one post a second per channel. Each part is stored with the cases
   * its lines show, so a click on any of them redraws the part with that line's new state.
   */
  async adminCopies(copies: readonly AdminCopy[], account: string | null): Promise<AdminCopiesPosted> {
    const { cases } = this.deps;
    const lines = copies.map(groupLine);
    const ids = lines.flatMap((line) => (line.kind === 'case' ? [line.caseId] : []));
    const current = ids.length > 0 ? await cases.getMany(ids) : new Map<string, NoticeCase>();
    let posted = 0;
    const unsaved: UnsavedGroup[] = [];
    const error = await this.postParts(lines, current, account, async (group, first) => {
      try {
        await cases.saveGroup(group);
      } catch (failure) {
        // Slack has the part, so its copies count as posted; only later clicks cannot redraw it.
        unsaved.push({ first, count: group.lines.length, error: errorMessage(failure) });
      }
      posted = first + group.lines.length;
      // A click that committed after the group was drawn and before it was saved could not find
      // the group: drawn again if any of its cases moved. Only news: a failure leaves the line
      // for the next click to redraw.
      await settleGroup(this.deps, group, current);
    });
    return { posted, ...(error === undefined ? {} : { error }), ...(unsaved.length > 0 ? { unsaved } : {}) };
  }

  /**
   * Posts `lines` to the admins as one grouped message per part Slack's limits allow, each drawn
   * from `cases`, and hands each part to `posted` once Slack has it (`first`: the index of its
   * first line among `lines`). Stops at the first part Slack refuses, with its error.
   */
  private async postParts(
    lines: readonly GroupLine[],
    cases: ReadonlyMap<string, NoticeCase>,
    account: string | null,
    posted: (group: AdminGroup, first: number) => Promise<void>,
  ): Promise<string | undefined> {
    const { messages: m, adminChannel } = this.deps;
    const parts = splitLines(lines, cases, m);
    let first = 0;
    for (const [index, part] of parts.entries()) {
      const group = { account, part: index + 1, parts: parts.length, lines: part };
      const { text, blocks } = groupMessage(group, cases, m);
      let ref: MessageRef;
      try {
        ref = await this.post(adminChannel, text, blocks);
      } catch (error) {
        return errorMessage(error);
      }
      await posted({ ref, ...group }, first);
      first += part.length;
    }
    return undefined;
  }

  /**
   * One message per account (more when Slack's limits split it) instead of one per row, each
   * row's line with its own Reactivate. Each part is drawn as its rows will be once deactivated,
   * then each row's case moves to `deactivated`, so every message of the row is redrawn as such
   * from then on (the owner's buttons go) and a click on any of them redraws the line. Only the
   * parts must go out: storing them, the redraws and the owners' DMs are news, and an owner who
   * has left (the usual case by now) or a deleted message must not fail a deactivation IAM
   * already made. The caller hears of each part as it goes out (`posted`), before its cases
   * move and so before its Reactivate can act. Once `stop` fired, the owners not yet reached
   * are skipped: a stopping run has seconds left (`deactivationNews`).
   */
  async deactivations(
    notices: readonly DeactivatedNotice[],
    account: string | null,
    { stop, posted: recordPosted }: DeactivationsOptions = {},
  ): Promise<DeactivationsAnnounced> {
    const { cases } = this.deps;
    const rows = notices.map((notice) => ({ notice, draft: caseFromRow(notice.row, null) }));
    for (const { draft } of rows) await cases.create(draft);
    const stored = await cases.getMany(rows.map(({ draft }) => draft.id));
    // Each line is drawn as its case will be once deactivated; the case moves once the admins have it.
    const drawn = new Map<string, NoticeCase>(
      rows.map(({ notice: { on, deleteOn, consoleRemoved }, draft }) => [
        draft.id,
        {
          ...(stored.get(draft.id) ?? { ...draft, version: 0 }),
          status: 'deactivated',
          deactivation: { on, deleteOn, consoleRemoved },
        },
      ]),
    );
    const lines = rows.map(
      ({ draft }): GroupLine => ({ kind: 'case', caseId: draft.id, notice: { kind: 'deactivated' } }),
    );
    const posted: Announced[] = [];
    const error = await this.postParts(lines, drawn, account, async (group, first) => {
      const count = group.lines.length;
      await recordPosted?.(first, count);
      const announced = await Promise.all(
        notices.slice(first, first + count).map((notice) => this.markDeactivated(notice, group.ref)),
      );
      posted.push(...announced);
      await cases.saveGroup(group).catch((failure: unknown) => {
        for (const { missed } of announced)
          missed.push({ kind: 'notice-unsaved', error: errorMessage(failure) });
      });
      // A click that committed after the part was drawn and before it was saved could not find
      // it: drawn again if any of its cases moved since (their own move aside). Only news.
      const seen = new Map(drawn);
      for (const { moved } of announced) if (moved) seen.set(moved.id, moved);
      await settleGroup(this.deps, group, seen);
    });
    await this.deactivationNews(posted, stop);
    return { announced: posted.map(({ missed }) => missed), ...(error === undefined ? {} : { error }) };
  }

  /** The admins have the row's line: its case says so from now on, unless a click moved it first. */
  private async markDeactivated(notice: DeactivatedNotice, ref: MessageRef): Promise<Announced> {
    const { on, deleteOn, consoleRemoved, row } = notice;
    const deactivation = { on, deleteOn, consoleRemoved };
    try {
      const moved = await this.deps.cases.transition(
        caseId(row.accessKeyId, row.endDate),
        ['open', 'deactivated'],
        (c) => ({ ...c, status: 'deactivated', deactivation }),
      );
      return { notice, ref, moved, missed: [] };
    } catch (error) {
      return { notice, ref, moved: null, missed: [{ kind: 'notice-unsaved', error: errorMessage(error) }] };
    }
  }

  /**
   * Each owner's rows: their earlier messages redrawn as deactivated, then one DM listing them
   * (DMs are paced, one a second per channel: one per owner, not per row); what failed is only
   * noted on the rows. Owner by owner until `stop` fires; the rest is skipped (`news-skipped`).
   */
  private async deactivationNews(posted: readonly Announced[], stop: AbortSignal | undefined): Promise<void> {
    const byOwner = new Map<string | null, { readonly row: Announced; readonly moved: NoticeCase }[]>();
    for (const row of posted)
      if (row.moved)
        byOwner.set(row.moved.ownerSlackId, [
          ...(byOwner.get(row.moved.ownerSlackId) ?? []),
          { row, moved: row.moved },
        ]);
    for (const [owner, rows] of byOwner) {
      if (stop?.aborted) {
        for (const { row } of rows) row.missed.push({ kind: 'news-skipped' });
        continue;
      }
      for (const { row, moved } of rows) {
        const stale = await redrawCase(this.deps, moved, row.notice.on, row.ref);
        if (stale > 0) row.missed.push({ kind: 'messages-not-updated', count: stale });
      }
      const missed = owner
        ? await this.tellOwner(
            owner,
            rows.map(({ row }) => row.notice),
          )
        : null;
      if (missed) for (const { row } of rows) row.missed.push(missed);
    }
  }

  /** The owner's DM of their deactivated rows; what went wrong, if anything. */
  private async tellOwner(owner: string, notices: readonly DeactivatedNotice[]): Promise<NoticeMiss | null> {
    const m = this.deps.messages;
    const [only] = notices;
    const text =
      notices.length === 1 && only
        ? m.ownerDeactivated(toLedgerText(only.deleteOn))
        : m.ownerDeactivatedKeys(
            notices.map(({ row, deleteOn }) => ({
              iamUser: row.iamUser,
              key: maskKeyId(row.accessKeyId),
              deleteOn: toLedgerText(deleteOn),
            })),
          );
    try {
      await this.paced(owner, () => this.deps.web.chat.postMessage({ channel: owner, text }));
      return null;
    } catch (error) {
      const code = slackError(error);
      return code && UNREACHABLE.has(code)
        ? { kind: 'owner-unreachable', owner, code }
        : { kind: 'owner-dm-failed', error: code ?? errorMessage(error) };
    }
  }

  async ownerUnknown({ row, reason, daysLeft }: OwnerUnknownNotice): Promise<AdminCopy> {
    const { messages: m } = this.deps;
    return {
      kind: 'admins-only',
      row,
      reason: m.reasons.ownerUnknown(reason),
      notice: { kind: 'week-ahead', daysLeft },
    };
  }

  async pendingRequests({ rows, reportDays }: PendingRequestsNotice): Promise<void> {
    const t = this.deps.messages.pendingRequests;
    const title = escapeText(t.title(rows.length, reportDays));
    const lines = rows.map((pending) => `• ${escapeText(t.line(pending))}`).join('\n');
    await first(() =>
      this.post(this.deps.adminChannel, title, [
        { type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } },
        { type: 'section', text: { type: 'mrkdwn', text: clipEscaped(lines, 2900) } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: escapeText(t.hint) }] },
      ]),
    );
  }

  async findings({ slackId, findings, account }: FindingsNotice): Promise<void> {
    const { messages: m } = this.deps;
    try {
      await this.paced(slackId, () =>
        this.deps.web.chat.postMessage({
          channel: slackId,
          text: m.findingsTitle(findings.length),
          blocks: ownerFindings(findings, m, account),
        }),
      );
    } catch (error) {
      const code = slackError(error);
      // The admin digest lists every new finding, so an owner we cannot DM loses nothing.
      if (!code || !UNREACHABLE.has(code)) throw error;
    }
  }

  async findingsDigest(digest: FindingsDigest): Promise<void> {
    const text = digestText(
      digest.fresh,
      digest.counts,
      this.deps.messages,
      digestOptions(digest, this.deps.messages),
    );
    const { web, adminChannel } = this.deps;
    // The upload shares a message into the channel too, so the next post waits for it as well.
    await this.paced(adminChannel, async () => {
      await web.chat.postMessage({ channel: adminChannel, text });
      if (digest.attachment)
        await web.files.uploadV2({
          channel_id: adminChannel,
          file: Buffer.from(digest.attachment.csv, 'utf8'),
          filename: digest.attachment.filename,
          title: digest.attachment.filename,
        });
    });
  }

  async sweepReport(report: SweepReport): Promise<void> {
    const { text, blocks } = sweepSummary(report, this.deps.messages, this.deps.timeZone);
    const { web, adminChannel } = this.deps;
    await this.paced(adminChannel, () => web.chat.postMessage({ channel: adminChannel, text, blocks }));
  }

  async lookupByEmail(email: string): Promise<string | null> {
    try {
      const found = await this.deps.web.users.lookupByEmail({ email });
      return found.user?.id ?? null;
    } catch (error) {
      if (slackError(error) === 'users_not_found') return null;
      throw error;
    }
  }

  /** Through the channel's pacer when there is one, so posts to one channel go one after another. */
  private paced<T>(channel: string, post: () => Promise<T>): Promise<T> {
    return this.deps.pacer ? this.deps.pacer.run(channel, post) : post();
  }

  private async post(channel: string, text: string, blocks: KnownBlock[]): Promise<MessageRef> {
    const posted = await this.paced(channel, () => this.deps.web.chat.postMessage({ channel, text, blocks }));
    if (!posted.channel || !posted.ts)
      throw new Error(`Slack chat.postMessage to ${channel} returned no channel/ts`);
    return { channel: posted.channel, ts: posted.ts };
  }
}
