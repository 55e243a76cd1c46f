import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { dateInZone, daysBetween, type LocalDate, toLedgerText } from '../domain/dates';
import { checkExtensionDate, suggestedExtension } from '../domain/extension';
import { parseLedger, rowOfKey } from '../domain/ledger';
import { ledgerWrites, type RowChange } from '../domain/report';
import type { Language } from '../domain/status';
import type { CaseStatus, CaseStore, NoticeCase } from '../ports/cases';
import type { AuditLog } from '../ports/state';
import type { Workbook } from '../ports/workbook';
import type { DeleteNowResult } from '../sweep/delete-now';
import { errorMessage } from '../util/errors';
import { approvalRequest, denyModal, extendModal, INPUT, mention, ownerNotice, settled } from './blocks';
import type { Messages } from './messages';

export interface WorkflowDeps {
  readonly web: WebClient;
  readonly cases: CaseStore;
  readonly workbook: Workbook;
  readonly audit: AuditLog;
  readonly admins: ReadonlySet<string>;
  readonly adminChannel: string;
  readonly messages: Messages;
  readonly language: Language;
  readonly timeZone: string;
  readonly maxExtensionDays: number;
  readonly now: () => Date;
  /** The sweep's guarded teardown of one ledger row. */
  readonly deleteRow: (accessKeyId: string, actor: string) => Promise<DeleteNowResult>;
}

export type Outcome =
  | { readonly kind: 'ok' }
  /** The clicker may not do this; nothing changed. */
  | { readonly kind: 'not-allowed' }
  /** Someone already acted on it (or it never existed); nothing changed. */
  | { readonly kind: 'settled' }
  | { readonly kind: 'invalid'; readonly errors: Readonly<Record<string, string>> }
  | { readonly kind: 'failed'; readonly detail: string };

const OK: Outcome = { kind: 'ok' };
const NOT_ALLOWED: Outcome = { kind: 'not-allowed' };
const SETTLED: Outcome = { kind: 'settled' };

/**
 * The approval workflow behind the buttons. Every state change is a conditional case
 * transition first, then the ledger, then the messages: a second click finds the case moved
 * and changes nothing.
 */
export class Workflow {
  constructor(private readonly deps: WorkflowDeps) {}

  private today(): LocalDate {
    return dateInZone(this.deps.now(), this.deps.timeZone);
  }

  private isAdmin(user: string): boolean {
    return this.deps.admins.has(user);
  }

  private mayAct(notice: NoticeCase, user: string): boolean {
    return notice.ownerSlackId === user || this.isAdmin(user);
  }

  async openExtend(id: string, user: string, triggerId: string): Promise<Outcome> {
    const notice = await this.deps.cases.get(id);
    if (notice?.status !== 'open') return SETTLED;
    if (!this.mayAct(notice, user)) return this.refuse(user, 'extend', id);
    const initial = suggestedExtension(notice.endDate, this.today(), this.deps.maxExtensionDays);
    await this.deps.web.views.open({
      trigger_id: triggerId,
      view: extendModal(notice, initial, this.deps.messages),
    });
    return OK;
  }

  /** Checks the modal's input; the caller acks with these errors so the modal stays open. */
  async validateExtension(id: string, requested: string | undefined): Promise<Outcome> {
    const notice = await this.deps.cases.get(id);
    if (!notice) return SETTLED;
    const m = this.deps.messages;
    const error = requested
      ? checkExtensionDate(requested as LocalDate, notice.endDate, this.today(), this.deps.maxExtensionDays)
      : ({ kind: 'in-past' } as const);
    if (!error) return OK;
    const text =
      error.kind === 'in-past'
        ? m.dateErrors.inPast
        : error.kind === 'not-after-end'
          ? m.dateErrors.notAfterEnd(toLedgerText(error.end))
          : m.dateErrors.tooFar(toLedgerText(error.max));
    return { kind: 'invalid', errors: { [INPUT.date.block]: text } };
  }

  async requestExtension(id: string, user: string, newEndDate: LocalDate, reason: string): Promise<Outcome> {
    const before = await this.deps.cases.get(id);
    if (!before) return SETTLED;
    if (!this.mayAct(before, user)) return this.refuse(user, 'extend', id);
    const notice = await this.move(
      id,
      ['open'],
      (c) => ({
        ...c,
        request: { newEndDate, reason, requestedBy: user, requestedAt: this.deps.now().toISOString() },
      }),
      'extension-requested',
    );
    if (!notice) return SETTLED;

    await this.writeLedger(notice, { status: 'extension-requested' });
    const m = this.deps.messages;
    const posted = await this.deps.web.chat.postMessage({
      channel: this.deps.adminChannel,
      text: m.approvalRequestTitle(mention(user)),
      blocks: approvalRequest(notice, m),
    });
    const withApproval =
      posted.channel && posted.ts
        ? await this.deps.cases.transition(id, ['extension-requested'], (c) => ({
            ...c,
            adminMessages: [
              ...c.adminMessages,
              { channel: posted.channel as string, ts: posted.ts as string },
            ],
          }))
        : null;
    // The approval request just posted keeps its buttons; every older message is settled.
    await this.showState(withApproval ?? notice, m.state.requested(toLedgerText(newEndDate)), {
      skipLatestAdmin: withApproval !== null,
    });
    await this.audit(user, 'extension-requested', notice, `until ${newEndDate}: ${reason}`);
    return OK;
  }

  async approve(id: string, user: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'approve', id);
    const notice = await this.move(
      id,
      ['extension-requested'],
      (c) => ({
        ...c,
        decision: { by: user, at: this.deps.now().toISOString(), outcome: 'approved' },
      }),
      'extended',
    );
    if (!notice?.request) return SETTLED;
    const until = notice.request.newEndDate;
    await this.writeLedger(notice, { status: 'extended', endDate: until });
    const m = this.deps.messages;
    await this.showState(notice, m.state.approved(toLedgerText(until), mention(user)));
    await this.tellOwner(notice, m.ownerApproved(toLedgerText(until)));
    await this.audit(user, 'extension-approved', notice, `until ${until}`);
    return OK;
  }

  async openDeny(id: string, user: string, triggerId: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'deny', id);
    const notice = await this.deps.cases.get(id);
    if (notice?.status !== 'extension-requested') return SETTLED;
    await this.deps.web.views.open({ trigger_id: triggerId, view: denyModal(notice, this.deps.messages) });
    return OK;
  }

  /** The request is refused and the notice is live again: the owner may still extend or delete. */
  async deny(id: string, user: string, note: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'deny', id);
    const notice = await this.move(
      id,
      ['extension-requested'],
      (c) => {
        const { request: _dropped, ...rest } = c;
        return {
          ...rest,
          decision: { by: user, at: this.deps.now().toISOString(), outcome: 'denied', note },
        };
      },
      'open',
    );
    if (!notice) return SETTLED;
    await this.writeLedger(notice, { status: 'active' });
    const m = this.deps.messages;
    const state = m.state.denied(mention(user), note);
    for (const message of notice.adminMessages)
      await this.update(message.channel, message.ts, state, settled(notice, state, m));
    if (notice.ownerMessage) {
      const daysLeft = Math.max(0, daysBetween(this.today(), notice.endDate));
      const blocks: KnownBlock[] = [
        ...ownerNotice(notice, daysLeft, m),
        { type: 'context', elements: [{ type: 'mrkdwn', text: state }] },
      ];
      await this.update(notice.ownerMessage.channel, notice.ownerMessage.ts, state, blocks);
    }
    await this.tellOwner(notice, m.ownerDenied(note));
    await this.audit(user, 'extension-denied', notice, note);
    return OK;
  }

  async deleteNow(id: string, user: string): Promise<Outcome> {
    const before = await this.deps.cases.get(id);
    if (!before) return SETTLED;
    if (!this.mayAct(before, user)) return this.refuse(user, 'delete', id);
    const notice = await this.move(id, ['open', 'extension-requested'], (c) => c, 'deleting');
    if (!notice) return SETTLED;
    const m = this.deps.messages;
    await this.showState(notice, m.state.deleting(mention(user)));

    const result = await this.deps.deleteRow(notice.accessKeyId, `slack:${user}`).catch(
      (error: unknown): DeleteNowResult => ({
        kind: 'failed',
        detail: errorMessage(error),
      }),
    );
    if (result.kind === 'done') {
      const done = await this.move(
        id,
        ['deleting'],
        (c) => ({
          ...c,
          decision: { by: user, at: this.deps.now().toISOString(), outcome: 'deleted' },
        }),
        'deleted',
      );
      await this.showState(done ?? notice, m.state.deleted(mention(user)));
      return OK;
    }
    // Nothing was deleted (or not all of it): reopen, so the owner or the next sweep can act.
    const detail = result.kind === 'refused' ? result.reason : result.detail;
    const reopened = await this.move(id, ['deleting'], (c) => c, 'open');
    const state = m.state.deleteFailed(detail);
    await this.showState(reopened ?? notice, state);
    return { kind: 'failed', detail };
  }

  private async move(
    id: string,
    from: readonly CaseStatus[],
    change: (current: NoticeCase) => Omit<NoticeCase, 'version'>,
    to: CaseStatus,
  ): Promise<NoticeCase | null> {
    return this.deps.cases.transition(id, from, (current) => ({ ...change(current), status: to }));
  }

  /** Finds the row by its key id (rows may have moved since the notice) and writes in one request. */
  private async writeLedger(
    notice: Pick<NoticeCase, 'accessKeyId' | 'iamUser'>,
    change: Omit<RowChange, 'rowNumber'>,
  ): Promise<void> {
    const ledger = parseLedger((await this.deps.workbook.read()).ledger);
    // The key's row for this user: another row may name the same key for someone else.
    const row = rowOfKey(ledger, notice.accessKeyId, notice.iamUser);
    if (!row) throw new Error(`the ledger has no valid row for ${notice.accessKeyId}; update it by hand`);
    await this.deps.workbook.write(
      ledgerWrites([{ rowNumber: row.rowNumber, ...change }], ledger.columns, this.deps.language),
    );
  }

  /** Every message of the case shows the new state and loses its buttons. */
  private async showState(notice: NoticeCase, state: string, options: { skipLatestAdmin?: boolean } = {}) {
    const blocks = settled(notice, state, this.deps.messages);
    const admins = options.skipLatestAdmin ? notice.adminMessages.slice(0, -1) : notice.adminMessages;
    for (const message of [...(notice.ownerMessage ? [notice.ownerMessage] : []), ...admins])
      await this.update(message.channel, message.ts, state, blocks);
  }

  private async update(channel: string, ts: string, text: string, blocks: KnownBlock[]): Promise<void> {
    await this.deps.web.chat.update({ channel, ts, text, blocks });
  }

  private async tellOwner(notice: NoticeCase, text: string): Promise<void> {
    if (notice.ownerSlackId) await this.deps.web.chat.postMessage({ channel: notice.ownerSlackId, text });
  }

  private async refuse(user: string, what: string, id: string): Promise<Outcome> {
    await this.deps.audit.record({
      at: this.deps.now().toISOString(),
      actor: `slack:${user}`,
      action: what,
      target: id,
      outcome: 'skipped',
      detail: 'refused: not the owner or an admin',
    });
    return NOT_ALLOWED;
  }

  private async audit(user: string, action: string, notice: NoticeCase, detail: string): Promise<void> {
    await this.deps.audit.record({
      at: this.deps.now().toISOString(),
      actor: `slack:${user}`,
      action,
      target: `${notice.iamUser} ${notice.id}`,
      outcome: 'done',
      detail,
    });
  }
}
