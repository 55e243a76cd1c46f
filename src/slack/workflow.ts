import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { dateInZone, type LocalDate, toLedgerText } from '../domain/dates';
import { checkExtensionDate, suggestedExtension } from '../domain/extension';
import { type ColumnSettings, parseLedger, rowOfKey } from '../domain/ledger';
import { ledgerWrites, type RowChange } from '../domain/report';
import type { Language } from '../domain/status';
import type { CaseAction, CaseStore, InFlight, MessageRef, NoticeCase, RestingStatus } from '../ports/cases';
import type { AuditLog } from '../ports/state';
import type { Workbook } from '../ports/workbook';
import type { DeleteNowResult } from '../sweep/delete-now';
import { describeError } from '../text/describe-error';
import type { Messages } from '../text/messages';
import { mention } from '../text/mrkdwn';
import { errorMessage } from '../util/errors';
import { approvalRequest, denyModal, extendModal, INPUT, VIEW } from './blocks';
import { redrawCase } from './redraw';

export interface WorkflowDeps {
  readonly web: WebClient;
  readonly cases: CaseStore;
  readonly workbook: Workbook;
  /** `LEDGER_COLUMNS`, as the sweep reads the ledger. */
  readonly ledgerColumns?: ColumnSettings;
  readonly audit: AuditLog;
  readonly admins: ReadonlySet<string>;
  readonly adminChannel: string;
  readonly messages: Messages;
  readonly language: Language;
  readonly timeZone: string;
  readonly maxExtensionDays: number;
  readonly now: () => Date;
  /** The sweep's guarded teardown of one ledger row. */
  readonly deleteRow: (notice: NoticeCase, actor: string) => Promise<DeleteNowResult>;
  /** Undoes a staged removal's deactivation of the case's row; says whether the console password is gone. */
  readonly reactivateRow: (
    notice: NoticeCase,
    actor: string,
  ) => Promise<{ readonly consoleRemoved: boolean }>;
  /** The same where a deactivation is in force; null where there is none (an approved extension). */
  readonly restoreRow: (
    notice: NoticeCase,
    actor: string,
  ) => Promise<{ readonly consoleRemoved: boolean } | null>;
}

export type Outcome =
  | { readonly kind: 'ok' }
  /** The clicker may not do this; nothing changed. */
  | { readonly kind: 'not-allowed' }
  /** Someone already acted on it (or it never existed); nothing changed. */
  | { readonly kind: 'settled' }
  /** Another click is being carried out right now; nothing changed. */
  | { readonly kind: 'busy' }
  | { readonly kind: 'invalid'; readonly errors: Readonly<Record<string, string>> }
  /** A step failed and every step before it was undone: the case, the ledger and the messages are as before. */
  | {
      readonly kind: 'undone';
      readonly action: CaseAction;
      readonly detail: string;
      /** Undo steps that failed too (the ledger may need a look). */
      readonly undoFailures: readonly string[];
    }
  /** IAM is done, the ledger write is owed: a retry click or the next sweep records it. */
  | { readonly kind: 'unrecorded'; readonly detail: string }
  /** Done, but these messages still show the old state; a click on one redraws them. */
  | { readonly kind: 'messages-stale'; readonly count: number }
  /** Reactivated; the console password a deactivation deleted has to be set anew. */
  | { readonly kind: 'console-not-restored'; readonly iamUser: string };

const OK: Outcome = { kind: 'ok' };
const NOT_ALLOWED: Outcome = { kind: 'not-allowed' };
const SETTLED: Outcome = { kind: 'settled' };
const BUSY: Outcome = { kind: 'busy' };

/**
 * A claim older than this belongs to a worker that died mid-decision: the next click rolls it
 * back and proceeds. Longer than any decision takes (a teardown with retries, Sheets backoff).
 */
const CLAIM_TTL_MS = 15 * 60_000;

interface Step {
  readonly run: () => Promise<void>;
  /** Puts back what `run` changed, for when a later step fails. */
  readonly undo?: () => Promise<void>;
}

class StepFailed extends Error {
  constructor(
    readonly detail: string,
    readonly undoFailures: readonly string[],
    /** What the step threw, for the clicker to read in their language; absent when `detail` is already worded. */
    readonly thrown?: unknown,
  ) {
    super(detail);
  }
}

/** Runs the steps in order; when one fails, undoes the ones that ran, newest first. */
async function allOrNothing(steps: readonly Step[]): Promise<void> {
  const done: Step[] = [];
  for (const step of steps) {
    try {
      await step.run();
      done.push(step);
    } catch (error) {
      const undoFailures: string[] = [];
      for (const ran of done.reverse())
        await ran.undo?.().catch((undoError: unknown) => undoFailures.push(errorMessage(undoError)));
      throw new StepFailed(errorMessage(error), undoFailures, error);
    }
  }
}

/** A case this worker holds: `in-flight`, with the claim that says what for. */
type Claimed = NoticeCase & { readonly inFlight: InFlight };

type Claim = { readonly claimed: Claimed } | { readonly refused: Outcome };

/**
 * The approval workflow behind the buttons. A decision claims the case with a conditional
 * transition to `in-flight` (a second click is told it is settled or busy), then runs the steps
 * that must all happen (the ledger write, the approval request) and commits the new state in
 * one versioned transition; if a step fails, the steps are undone and a transition with the
 * same version check puts the case back where it was. The messages are drawn from the
 * committed state afterwards, so a failed `chat.update` is redrawn by the next click.
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
    if (notice?.status !== 'open') return this.alreadyMoved(notice);
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
    const claim = await this.claim(id, ['open'], 'request-extension', user);
    if ('refused' in claim) return claim.refused;
    const { claimed } = claim;
    const request = { newEndDate, reason, requestedBy: user, requestedAt: this.deps.now().toISOString() };
    const m = this.deps.messages;
    const sent: MessageRef[] = [];
    try {
      await allOrNothing([
        {
          run: () => this.writeLedger(claimed, { status: 'extension-requested' }),
          undo: () => this.writeLedger(claimed, { status: 'active' }),
        },
        {
          // Without the approval request nobody can approve: it is part of the decision.
          run: async () => {
            const posted = await this.post(
              this.deps.adminChannel,
              m.approvalRequestTitle(mention(user)),
              approvalRequest({ ...claimed, request }, m),
            );
            sent.push(posted);
          },
        },
      ]);
    } catch (error) {
      return this.rollBack(claimed, error);
    }
    const committed = await this.commit(claimed, (c) => ({
      ...c,
      status: 'extension-requested',
      request,
      adminMessages: [...c.adminMessages, ...sent],
    }));
    // The approval request was just posted with its buttons; only the older messages change.
    const stale = await this.redraw(committed, sent[0] ?? null);
    await this.audit(user, 'extension-requested', committed, `until ${newEndDate}: ${reason}`);
    return stale;
  }

  async approve(id: string, user: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'approve', id);
    const claim = await this.claim(id, ['extension-requested'], 'approve', user);
    if ('refused' in claim) return claim.refused;
    const { claimed } = claim;
    const until = claimed.request?.newEndDate;
    if (!until) return this.rollBack(claimed, new Error(`case ${id} has no extension request`));
    let consoleRemoved = false;
    try {
      await allOrNothing([
        {
          run: () => this.writeLedger(claimed, { status: 'extended', endDate: until }),
          undo: () => this.writeLedger(claimed, { status: 'extension-requested', endDate: claimed.endDate }),
        },
        // The sweep may have turned the key off before the case showed it (its admins' post
        // refused, or not made yet): an approved extension leaves the key working.
        {
          run: async () => {
            consoleRemoved = (await this.deps.restoreRow(claimed, `slack:${user}`))?.consoleRemoved ?? false;
          },
        },
      ]);
    } catch (error) {
      return this.rollBack(claimed, error);
    }
    const committed = await this.commit(claimed, (c) => ({
      ...c,
      status: 'extended',
      decision: { by: user, at: this.deps.now().toISOString(), outcome: 'approved' },
    }));
    const stale = await this.redraw(committed);
    const told = await this.tellOwner(committed, this.deps.messages.ownerApproved(toLedgerText(until)));
    await this.audit(user, 'extension-approved', committed, `until ${until}`);
    const outcome = worse(stale, told);
    return consoleRemoved && outcome.kind === 'ok'
      ? { kind: 'console-not-restored', iamUser: committed.iamUser }
      : outcome;
  }

  async openDeny(id: string, user: string, triggerId: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'deny', id);
    const notice = await this.deps.cases.get(id);
    if (notice?.status !== 'extension-requested') return this.alreadyMoved(notice);
    await this.deps.web.views.open({ trigger_id: triggerId, view: denyModal(notice, this.deps.messages) });
    return OK;
  }

  /** The request is refused and the notice is live again: the owner may still extend or delete. */
  async deny(id: string, user: string, note: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'deny', id);
    const claim = await this.claim(id, ['extension-requested'], 'deny', user);
    if ('refused' in claim) return claim.refused;
    const { claimed } = claim;
    try {
      await allOrNothing([{ run: () => this.writeLedger(claimed, { status: 'active' }) }]);
    } catch (error) {
      return this.rollBack(claimed, error);
    }
    const committed = await this.commit(claimed, (c) => {
      const { request: _dropped, ...rest } = c;
      return {
        ...rest,
        status: 'open',
        decision: { by: user, at: this.deps.now().toISOString(), outcome: 'denied', note },
      };
    });
    const stale = await this.redraw(committed);
    const told = await this.tellOwner(committed, this.deps.messages.ownerDenied(note));
    await this.audit(user, 'extension-denied', committed, note);
    return worse(stale, told);
  }

  /** Admins only: Reactivate asks for the new end date first, in the extension modal. */
  async openReactivate(id: string, user: string, triggerId: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'reactivate', id);
    const notice = await this.deps.cases.get(id);
    if (notice?.status !== 'deactivated') return this.alreadyMoved(notice);
    const initial = suggestedExtension(notice.endDate, this.today(), this.deps.maxExtensionDays);
    await this.deps.web.views.open({
      trigger_id: triggerId,
      view: extendModal(notice, initial, this.deps.messages, VIEW.reactivate),
    });
    return OK;
  }

  /**
   * Undoes a staged removal's first stage: the ledger says 延長済み with the new end date (an
   * admin's reactivation is its own approval), then the key goes back on. A failed IAM call
   * writes the ledger back and leaves the row deactivated.
   */
  async reactivate(id: string, user: string, newEndDate: LocalDate, reason: string): Promise<Outcome> {
    if (!this.isAdmin(user)) return this.refuse(user, 'reactivate', id);
    const claim = await this.claim(id, ['deactivated'], 'reactivate', user);
    if ('refused' in claim) return claim.refused;
    const { claimed } = claim;
    const restored: boolean[] = [];
    try {
      await allOrNothing([
        {
          run: () => this.writeLedger(claimed, { status: 'extended', endDate: newEndDate }),
          undo: () => this.writeLedger(claimed, { status: 'active', endDate: claimed.endDate }),
        },
        {
          run: async () => {
            const { consoleRemoved } = await this.deps.reactivateRow(claimed, `slack:${user}`);
            restored.push(!consoleRemoved);
          },
        },
      ]);
    } catch (error) {
      return this.rollBack(claimed, error);
    }
    const at = this.deps.now().toISOString();
    const committed = await this.commit(claimed, (c) => ({
      ...c,
      status: 'extended',
      request: { newEndDate, reason, requestedBy: user, requestedAt: at },
      decision: { by: user, at, outcome: 'reactivated' },
    }));
    const stale = await this.redraw(committed);
    const told = await this.tellOwner(
      committed,
      this.deps.messages.ownerReactivated(toLedgerText(newEndDate)),
    );
    await this.audit(user, 'reactivated', committed, `until ${newEndDate}: ${reason}`);
    const outcome = worse(stale, told);
    return restored.includes(false) && outcome.kind === 'ok'
      ? { kind: 'console-not-restored', iamUser: committed.iamUser }
      : outcome;
  }

  /**
   * The teardown is journaled by the executor, so its ledger write is never lost: when it
   * fails the case rests in `deleted-unrecorded`, whose button (or the next sweep) records it.
   */
  async deleteNow(id: string, user: string): Promise<Outcome> {
    const before = await this.deps.cases.get(id);
    if (!before) return SETTLED;
    if (!this.mayAct(before, user)) return this.refuse(user, 'delete', id);
    const claim = await this.claim(id, ['open', 'extension-requested', 'deleted-unrecorded'], 'delete', user);
    if ('refused' in claim) return claim.refused;
    const { claimed } = claim;
    await this.redraw(claimed);

    const result = await this.deps.deleteRow(claimed, `slack:${user}`).catch(
      (error: unknown): DeleteNowResult => ({
        kind: 'failed',
        detail: errorMessage(error),
      }),
    );
    if (result.kind === 'refused' || result.kind === 'failed') {
      const detail = result.kind === 'refused' ? result.reason : result.detail;
      return this.rollBack(claimed, new StepFailed(detail, []));
    }
    const committed = await this.commit(claimed, (c) => ({
      ...c,
      status: result.kind === 'done' ? 'deleted' : 'deleted-unrecorded',
      decision: { by: user, at: this.deps.now().toISOString(), outcome: 'deleted' },
    }));
    const stale = await this.redraw(committed);
    return result.kind === 'unrecorded' ? { kind: 'unrecorded', detail: result.detail } : stale;
  }

  /**
   * Takes the case for one decision. A claim left by a worker that died is rolled back first
   * (with its version, so a live worker's commit and this never both win).
   */
  private async claim(
    id: string,
    from: readonly RestingStatus[],
    action: CaseAction,
    user: string,
  ): Promise<Claim> {
    const current = await this.deps.cases.get(id);
    if (current?.status === 'in-flight') {
      const since = Date.parse(current.inFlight?.since ?? '');
      if (this.deps.now().getTime() - since < CLAIM_TTL_MS) return { refused: BUSY };
      await this.release(current, current.inFlight?.from ?? 'open');
    }
    const inFlight = (c: NoticeCase): InFlight => ({
      action,
      by: user,
      since: this.deps.now().toISOString(),
      // The store applies the change only to a case in one of `from`: a resting status.
      from: c.status as RestingStatus,
    });
    const claimed = await this.deps.cases.transition(id, from, (c) => ({
      ...c,
      status: 'in-flight',
      inFlight: inFlight(c),
    }));
    return claimed?.inFlight
      ? { claimed: { ...claimed, inFlight: claimed.inFlight } }
      : { refused: await this.alreadyMoved(await this.deps.cases.get(id)) };
  }

  /** Ends the claim with the decision's state; only the claim's holder can, by its version. */
  private async commit(
    claimed: Claimed,
    change: (current: NoticeCase) => Omit<NoticeCase, 'version'>,
  ): Promise<NoticeCase> {
    const committed = await this.deps.cases.transition(
      claimed.id,
      ['in-flight'],
      (c) => {
        const { inFlight: _claim, ...rest } = change(c);
        return rest;
      },
      claimed.version,
    );
    if (!committed) throw new Error(`case ${claimed.id} was taken over while a decision was carried out`);
    return committed;
  }

  /** The compensating transition: back to the state before the claim, with the claim's version. */
  private async release(claimed: NoticeCase, from: RestingStatus): Promise<NoticeCase | null> {
    return this.deps.cases.transition(
      claimed.id,
      ['in-flight'],
      (c) => {
        const { inFlight: _claim, ...rest } = c;
        return { ...rest, status: from };
      },
      claimed.version,
    );
  }

  private async rollBack(claimed: Claimed, error: unknown): Promise<Outcome> {
    const { action, by: user, from } = claimed.inFlight;
    const released = await this.release(claimed, from);
    // A deletion showed "deleting…"; the others touched no message before their commit.
    if (released && action === 'delete') await this.redraw(released);
    const detail = errorMessage(error);
    const undoFailures = error instanceof StepFailed ? error.undoFailures : [];
    await this.deps.audit.record({
      at: this.deps.now().toISOString(),
      actor: `slack:${user}`,
      action,
      target: `${claimed.iamUser} ${claimed.id}`,
      outcome: 'failed',
      detail: [`undone: ${detail}`, ...undoFailures.map((failure) => `undo failed: ${failure}`)].join('; '),
    });
    // The audit log keeps the English record; the clicker reads our own errors in their language.
    const thrown = error instanceof StepFailed ? error.thrown : error;
    const shown = thrown === undefined ? detail : describeError(thrown, this.deps.messages);
    return { kind: 'undone', action, detail: shown, undoFailures };
  }

  /** A click that found the case moved on: redraw its messages, in case an update was lost. */
  private async alreadyMoved(notice: NoticeCase | null): Promise<Outcome> {
    if (notice?.status === 'in-flight') return BUSY;
    if (notice) await this.redraw(notice);
    return SETTLED;
  }

  /** Finds the row by its key id (rows may have moved since the notice) and writes in one request. */
  private async writeLedger(
    notice: Pick<NoticeCase, 'accessKeyId' | 'iamUser'>,
    change: Omit<RowChange, 'rowNumber'>,
  ): Promise<void> {
    const ledger = parseLedger((await this.deps.workbook.read()).ledger, this.deps.ledgerColumns);
    // The key's row for this user: another row may name the same key for someone else.
    const row = rowOfKey(ledger, notice.accessKeyId, notice.iamUser);
    if (!row) throw new Error(`the ledger has no valid row for ${notice.accessKeyId}; update it by hand`);
    await this.deps.workbook.write(
      ledgerWrites([{ rowNumber: row.rowNumber, ...change }], ledger.columns, this.deps.language),
    );
  }

  /**
   * Every message of the case shows its state, its line in the admins' grouped messages too.
   * Each update stands alone, so one failure does
   * not leave the rest stale; the failures are counted for the clicker.
   */
  private async redraw(notice: NoticeCase, skip: MessageRef | null = null): Promise<Outcome> {
    const failed = await redrawCase(this.deps, notice, this.today(), skip);
    return failed === 0 ? OK : { kind: 'messages-stale', count: failed };
  }

  private async post(channel: string, text: string, blocks: KnownBlock[]): Promise<MessageRef> {
    const posted = await this.deps.web.chat.postMessage({ channel, text, blocks });
    if (!posted.channel || !posted.ts) throw new Error('Slack did not return the posted message');
    return { channel: posted.channel, ts: posted.ts };
  }

  /** After the commit the owner's DM is news, not part of the decision: a failure is only reported. */
  private async tellOwner(notice: NoticeCase, text: string): Promise<Outcome> {
    if (!notice.ownerSlackId) return OK;
    return this.deps.web.chat.postMessage({ channel: notice.ownerSlackId, text }).then(
      () => OK,
      (): Outcome => ({ kind: 'messages-stale', count: 1 }),
    );
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

/** Of two results of one decision, the one the clicker needs to hear about. */
function worse(a: Outcome, b: Outcome): Outcome {
  if (a.kind === 'messages-stale' && b.kind === 'messages-stale')
    return { kind: 'messages-stale', count: a.count + b.count };
  return a.kind === 'ok' ? b : a;
}
