import { HOME_ACCOUNT } from '../domain/accounts';
import type { ActionDetail, Deactivated, NoticeMiss, PolicyCleanup, Refusal } from '../domain/action-detail';
import type { LocalDate } from '../domain/dates';
import { isCustomerManagedPolicy, type LiveAccessKey, maskKeyId } from '../domain/iam';
import { deactivationKey, journalAction } from '../domain/journal-keys';
import type { LedgerRow } from '../domain/ledger';
import { type Action, isNotice, type Removal, type Skip, settleRemoval } from '../domain/planner';
import type { ActionResult, Mode } from '../domain/report';
import {
  type Deactivation,
  type DeactivationDetail,
  type StagedRemovalPolicy,
  stageRemoval,
  userDeactivationSteps,
} from '../domain/staged-removal';
import {
  describeStep,
  keyRemovalSteps,
  type TeardownStep,
  type UserHoldings,
  userTeardownSteps,
} from '../domain/teardown';
import type { IamGateway } from '../ports/iam';
import {
  type AdminCopiesPosted,
  type AdminCopy,
  type DeactivatedNotice,
  type DeactivationsAnnounced,
  NoticeNotSent,
  type Notifier,
} from '../ports/notifier';
import type { AuditLog, Journal, JournalBegin, JournalEntry } from '../ports/state';
import { reasonsEn } from '../text/messages-reasons';
import { errorMessage } from '../util/errors';
import { claimOnce, failClaim, once, type Ran } from './once';

export interface ExecutorDeps {
  readonly mode: Mode;
  /** Names the run in journal entries. */
  readonly sweepId: string;
  /** The AWS account acted in, named in journal entries; `null` for the credentials' own. */
  readonly account: string | null;
  /**
   * The account the admins' grouped messages name, set only when the sweep covers several: the
   * credentials' own account too, by the id its inventory gave, as `account` is null there.
   * Absent, no heading names an account, whatever the rows' account cells say: the run's
   * naming, not the ledger's, so one account's headings read the same every day.
   */
  readonly namedAccount?: string;
  /** Who caused the actions, for the audit log: `sweep:<id>` or `slack:<user id>`. */
  readonly actor: string;
  readonly iam: IamGateway;
  readonly notifier: Notifier;
  readonly journal: Journal;
  readonly audit: AuditLog;
  readonly now: () => Date;
  /** Once aborted, no further action starts; the one running finishes, every step of it. */
  readonly stop?: AbortSignal;
}

/** Raised inside an action when live IAM state no longer matches the plan. */
class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.kind);
  }
}

/**
 * Runs a plan. In dry-run mode nothing is sent, changed or journaled. In apply mode every
 * action first claims its journal key with a conditional write, so a re-run after a crash
 * resumes teardowns and never repeats a DM. Notices go first, and their admins' copies go out
 * together once the last notice is sent, before anything else runs; deactivations reach the
 * admins together once the last has been made.
 */
export async function execute(actions: readonly Action[], deps: ExecutorDeps): Promise<ActionResult[]> {
  return (await announced(await run(actions, deps), deps)).results;
}

/** `execute`, with the deactivations it made still waiting for their notice to the admins. */
async function run(actions: readonly Action[], deps: ExecutorDeps): Promise<Executed[]> {
  // Notices first: they are cheap and time-sensitive, and a teardown failure must not hold them up.
  const notices = actions.filter(isNoticeAction);
  const others = actions.filter((action): action is Exclude<Action, NoticeAction> => !isNoticeAction(action));
  if (deps.mode === 'dry-run')
    return [...notices, ...others].map((action) => ({
      action,
      outcome: 'planned',
      detail: { kind: 'dry-run' },
    }));
  const results: Executed[] = await executeNotices(notices, deps);
  for (const action of others) {
    if (deps.stop?.aborted) break;
    results.push(await executeOne(action, deps));
  }
  return results;
}

export interface RemovalOutcome {
  readonly results: readonly ActionResult[];
  readonly skips: readonly Skip[];
}

/**
 * Lists each user's keys right before deciding how to remove it (in a dry run too, so it
 * shows what an apply run would refuse). A failed list is never read as "no keys": that
 * user's rows and every removal after it are left for the next sweep and flagged, since
 * IAM failing after the client's retries will most likely fail for the next user as well.
 * The account's deactivations reach the admins together once the last removal has run, or
 * the run stopped: whatever IAM did, the admins hear of it (or the report says they did not).
 * Deactivations an earlier run made but never announced (killed before the post, or Slack
 * refused it) go out with them, once, without being made again.
 */
export async function executeRemovals(
  removals: readonly Removal[],
  deps: ExecutorDeps,
  staging?: Staging,
): Promise<RemovalOutcome> {
  const executed: Executed[] = [];
  const skips: Skip[] = [];
  const { states, unannounced } = staging ? await deactivationsOf(removals, deps) : NO_DEACTIVATIONS;
  const late: Unannounced[] = [];
  let failure: KeyListFailure | null = null;
  try {
    for (const removal of removals) {
      if (deps.stop?.aborted) break;
      const live: ListedKeys = failure === null ? await listKeys(removal, deps) : { failed: failure };
      if ('failed' in live) {
        const { userName, error } = live.failed;
        failure = live.failed;
        skips.push(
          ...removal.due.map(
            ({ row }): Skip => ({
              row,
              reason: 'key-check-failed',
              detail: { kind: 'key-list-failed', userName, error },
              attention: true,
            }),
          ),
        );
        continue;
      }
      const settled = staging
        ? stageRemoval(settleRemoval(removal, live.keys), states, staging.today, staging.policy)
        : settleRemoval(removal, live.keys);
      for (const skip of settled.skips) {
        const mark = deps.mode === 'apply' ? unannounced.get(deactivationKey(skip.row)) : undefined;
        if (mark && skip.detail.kind === 'deactivated') late.push(lateNotice(skip, skip.detail, mark));
        else skips.push(skip);
      }
      executed.push(...(await run(settled.actions, deps)));
    }
  } catch (error) {
    // The deactivations made so far must still reach the admins before the error goes on.
    await announced(executed, deps, late);
    throw error;
  }
  const told = await announced(executed, deps, late);
  return { results: told.results, skips: [...skips, ...told.skips] };
}

/** Staged removal: today, for deciding which stage each due row is in. */
export interface Staging {
  readonly today: LocalDate;
  readonly policy: StagedRemovalPolicy;
}

interface JournaledDeactivations {
  readonly states: ReadonlyMap<string, Deactivation>;
  /** Completed, standing deactivations whose admins' line never went out, by deactivation key. */
  readonly unannounced: ReadonlyMap<string, AnnouncementMark>;
}

const NO_DEACTIVATIONS: JournaledDeactivations = { states: new Map(), unannounced: new Map() };

/** The deactivations journaled for the due rows, in one batch read. */
async function deactivationsOf(
  removals: readonly Removal[],
  deps: ExecutorDeps,
): Promise<JournaledDeactivations> {
  const keys = removals.flatMap((removal) => removal.due.map(({ row }) => deactivationKey(row)));
  const entries = await deps.journal.getMany(keys);
  const states = new Map<string, Deactivation>();
  const unannounced = new Map<string, AnnouncementMark>();
  for (const [key, entry] of entries) {
    // Only notices fail; a failed entry would be one never acted on.
    if (entry.state === 'failed') continue;
    const detail = entry.detail as Partial<DeactivationDetail> | undefined;
    const reactivated = detail?.reactivatedAt !== undefined;
    states.set(key, {
      state: entry.state,
      on: detail?.on ?? (entry.startedAt.slice(0, 10) as LocalDate),
      reactivated,
      announced: detail?.announced !== false,
    });
    if (entry.state === 'completed' && !reactivated && detail?.announced === false)
      unannounced.set(key, { entry, detail: detail as DeactivationDetail });
  }
  return { states, unannounced };
}

/** A deactivation an earlier run made and never announced: its line goes out with this run's. */
interface Unannounced {
  /** The row's skip (`deactivated`: waiting for its deletion), as the report will show it. */
  readonly skip: Skip;
  readonly detail: Extract<Skip['detail'], { kind: 'deactivated' }>;
  readonly notice: DeactivatedNotice;
  readonly mark: AnnouncementMark;
}

function lateNotice(
  skip: Skip,
  detail: Extract<Skip['detail'], { kind: 'deactivated' }>,
  mark: AnnouncementMark,
): Unannounced {
  const journaled = mark.detail;
  return {
    skip,
    detail,
    mark,
    notice: {
      row: skip.row,
      on: journaled.on,
      deleteOn: detail.deleteOn,
      consoleRemoved: journaled.consoleRemoved,
    },
  };
}

/** Whose keys could not be listed, and IAM's error: every later removal waits for the next sweep too. */
interface KeyListFailure {
  readonly userName: string;
  readonly error: string;
}

type ListedKeys = { readonly keys: LiveAccessKey[] | null } | { readonly failed: KeyListFailure };

async function listKeys(removal: Removal, deps: ExecutorDeps): Promise<ListedKeys> {
  try {
    return { keys: await deps.iam.listAccessKeys(removal.userName) };
  } catch (error) {
    return { failed: { userName: removal.userName, error: errorMessage(error) } };
  }
}

/** `<account>/<key id>`: the journal says where an action happened, not only to which row. */
function journalRowId(row: LedgerRow, deps: ExecutorDeps): string {
  return `${row.accountId ?? deps.account ?? HOME_ACCOUNT}/${row.id}`;
}

function targetOf(action: Action): string {
  return action.kind === 'teardown-user' || action.kind === 'deactivate-user'
    ? action.userName
    : `row ${action.row.rowNumber}`;
}

type DeactivationAction = Extract<Action, { kind: 'deactivate-user' | 'deactivate-key' }>;

/** A deactivation IAM made and the journal completed, waiting for the account's notice to the admins. */
interface Deactivating {
  readonly action: DeactivationAction;
  readonly done: Deactivated;
  /** One per row, in the rows' order. */
  readonly notices: readonly DeactivatedNotice[];
  /** The rows' journal entries, marked announced once the admins have their lines. */
  readonly marks: readonly AnnouncementMark[];
}

/**
 * A row's completed deactivation as journaled (`announced: false`), to be written again, whole
 * and marked announced, once the admins have its line: `entry`'s claim fields, `detail` its record.
 */
interface AnnouncementMark {
  readonly entry: JournalEntry;
  readonly detail: DeactivationDetail;
}

function marksOf(held: readonly JournalEntry[], detail: DeactivationDetail): AnnouncementMark[] {
  return held.map((entry) => ({ entry, detail }));
}

/** An action's result, or a deactivation whose result depends on its notice (`announced`). */
type Executed = ActionResult | Deactivating;

function isDeactivating(executed: Executed): executed is Deactivating {
  return 'notices' in executed;
}

async function executeOne(action: Exclude<Action, NoticeAction>, deps: ExecutorDeps): Promise<Executed> {
  try {
    if (action.kind === 'deactivate-user') return await deactivateUser(action, deps);
    if (action.kind === 'deactivate-key') return await deactivateKey(action, deps);
    return await recorded(action, 'done', await perform(action, deps), deps);
  } catch (error) {
    const detail: ActionDetail =
      error instanceof Refused
        ? { kind: 'refused', refusal: error.refusal }
        : { kind: 'failed', error: errorMessage(error) };
    return recorded(action, 'failed', detail, deps);
  }
}

/**
 * Tells the admins of the deactivations among `executed` (journaled already) and of the `late`
 * ones an earlier run never announced, in one go, and records each one's result where it was
 * made. Each row's journal entry is marked announced as its part goes out, before its
 * Reactivate can act. A deactivation any of whose rows' notices did not go out fails, so the
 * admins see it in the sweep report, and the next sweep posts those lines again; what else was
 * missed (the owner's DM, older messages) is only noted in its detail.
 */
async function announced(
  executed: readonly Executed[],
  deps: ExecutorDeps,
  late: readonly Unannounced[] = [],
): Promise<{ readonly results: ActionResult[]; readonly skips: Skip[] }> {
  const waiting = executed.filter(isDeactivating);
  const notices = [...waiting.flatMap((deactivating) => deactivating.notices), ...late.map((l) => l.notice)];
  const marks = new Map(
    [...waiting.flatMap((deactivating) => deactivating.marks), ...late.map((l) => l.mark)].map(
      (mark) => [mark.entry.key, mark] as const,
    ),
  );
  /** Why the journal did not record that the admins have a notice, by the notice's index. */
  const unrecorded = new Map<number, string>();
  const posted = async (first: number, count: number): Promise<void> => {
    // No condition needed: the entries are completed and this run made or found them so.
    const batch = deps.journal.batch();
    for (const { row } of notices.slice(first, first + count)) {
      const mark = marks.get(deactivationKey(row));
      if (mark)
        batch.complete([{ ...mark.entry, detail: mark.detail }], deps.now(), {
          ...mark.detail,
          announced: true,
        });
    }
    await batch.flush().catch((error: unknown) => {
      for (let n = first; n < first + count; n += 1) unrecorded.set(n, errorMessage(error));
    });
  };
  const account = deps.namedAccount ?? null;
  const told =
    notices.length > 0
      ? await deps.notifier
          .deactivations(notices, account, { ...(deps.stop ? { stop: deps.stop } : {}), posted })
          .catch((error: unknown): DeactivationsAnnounced => ({ announced: [], error: errorMessage(error) }))
      : { announced: [] };
  let next = 0;
  const results: ActionResult[] = [];
  for (const item of executed) {
    if (!isDeactivating(item)) {
      results.push(item);
      continue;
    }
    const missed: NoticeMiss[] = [];
    let failed = false;
    for (const { row } of item.notices) {
      const misses = told.announced[next];
      const error = unrecorded.get(next);
      next += 1;
      if (misses)
        missed.push(
          ...misses,
          ...(error === undefined ? [] : [{ kind: 'announcement-unrecorded', error } as const]),
        );
      else {
        // Slack's error; posting only stops short with one.
        missed.push({
          kind: 'admins-notice-failed',
          rowNumber: row.rowNumber,
          error: told.error ?? 'not posted',
        });
        failed = true;
      }
    }
    const done = { ...item.done, missed };
    results.push(
      await (failed
        ? recorded(item.action, 'failed', { kind: 'deactivated-unannounced', done }, deps)
        : recorded(item.action, 'done', done, deps)),
    );
  }
  const skips = late.map(({ skip, detail }): Skip => {
    const reached = told.announced[next] !== undefined;
    next += 1;
    return reached
      ? { ...skip, detail: { ...detail, announcedLate: { error: null } } }
      : {
          ...skip,
          detail: { ...detail, announcedLate: { error: told.error ?? 'not posted' } },
          attention: true,
        };
  });
  return { results, skips };
}

/** The action's result, in the audit log too: a machine record, English whatever LANGUAGE is. */
async function recorded(
  action: Action,
  outcome: 'done' | 'failed',
  detail: ActionDetail,
  deps: ExecutorDeps,
): Promise<ActionResult> {
  await deps.audit.record({
    at: deps.now().toISOString(),
    actor: deps.actor,
    action: action.kind,
    target: targetOf(action),
    outcome,
    detail: reasonsEn.action(detail),
  });
  return { action, outcome, detail };
}

async function perform(
  action: Exclude<Action, NoticeAction | DeactivationAction>,
  deps: ExecutorDeps,
): Promise<ActionDetail> {
  switch (action.kind) {
    case 'teardown-user':
      return teardownUser(action, deps);
    case 'delete-key':
      return deleteKey(action, deps);
    case 'finish-teardown':
      return finishTeardown(action.key, deps);
    case 'record-deleted':
      return { kind: 'recorded-deleted' };
  }
}

/**
 * The first stage of a staged removal, under the same live check as a teardown. The journal
 * completes before the notices go out, unannounced, so a notice that fails (or a crash before
 * it) never makes the next sweep deactivate again, only post the row's line; the failure is the
 * action's result. The notices go out with the account's others once its removals have run
 * (`announced`).
 */
async function deactivateUser(
  action: Extract<Action, { kind: 'deactivate-user' }>,
  deps: ExecutorDeps,
): Promise<Deactivating> {
  const holdings = await liveHoldings(action.userName, action.rows, 'deactivated', deps);
  const steps = userDeactivationSteps(holdings);
  const detail: DeactivationDetail = {
    on: action.on,
    keys: holdings.accessKeys.filter((key) => key.status === 'Active').map((key) => key.accessKeyId),
    consoleRemoved: holdings.loginProfile,
  };
  const { value: recorded, held } = await deactivation(action.keys, action.rows, detail, deps, async () => {
    for (const step of steps) await runStep(step, action.userName, deps);
  });
  const notice = { on: action.on, deleteOn: action.deleteOn, consoleRemoved: recorded.consoleRemoved };
  return {
    action,
    done: {
      kind: 'deactivated-user',
      userName: action.userName,
      steps: steps.length,
      deleteOn: action.deleteOn,
      missed: [],
    },
    notices: action.rows.map((row) => ({ row, ...notice })),
    marks: marksOf(held, recorded),
  };
}

async function deactivateKey(
  action: Extract<Action, { kind: 'deactivate-key' }>,
  deps: ExecutorDeps,
): Promise<Deactivating> {
  const { row, accessKey } = action;
  const active = accessKey.status === 'Active';
  const detail: DeactivationDetail = {
    on: action.on,
    keys: active ? [accessKey.accessKeyId] : [],
    consoleRemoved: false,
  };
  const { value: recorded, held } = await deactivation([action.key], [row], detail, deps, async () => {
    if (active)
      await runStep(
        { op: 'deactivate-access-key', userName: row.iamUser, accessKeyId: accessKey.accessKeyId },
        row.iamUser,
        deps,
      );
  });
  return {
    action,
    done: { kind: 'deactivated-key', key: maskKeyId(row.accessKeyId), deleteOn: action.deleteOn, missed: [] },
    notices: [{ row, on: action.on, deleteOn: action.deleteOn, consoleRemoved: false }],
    marks: marksOf(held, recorded),
  };
}

/**
 * Deactivates under the rows' deactivation keys. A resumed or repeated deactivation keeps what
 * the first attempt recorded (its keys were active then; the live holdings no longer say so),
 * except after a Reactivate, when the new attempt's own record starts over. The completion's
 * detail replaces a Reactivate's mark: this deactivation is the current one.
 */
function deactivation(
  keys: readonly string[],
  rows: readonly LedgerRow[],
  detail: DeactivationDetail,
  deps: ExecutorDeps,
  steps: () => Promise<void>,
): Promise<Ran<DeactivationDetail>> {
  return once(
    deps.journal,
    deps.now,
    rowClaims(keys, rows, 'deactivate', detail, deps),
    async ({ resumed }) => {
      let recorded = detail;
      for (const entry of resumed) {
        const earlier =
          entry.state === 'started' ? (entry.detail as DeactivationDetail | undefined) : undefined;
        if (earlier)
          recorded = {
            ...detail,
            keys: [...new Set([...earlier.keys, ...detail.keys])],
            consoleRemoved: earlier.consoleRemoved || detail.consoleRemoved,
          };
      }
      await steps();
      // Not announced until the admins' part with its line is posted (`announced`).
      return { value: recorded, detail: { ...recorded, announced: false } };
    },
    { resume: 'always' },
  );
}

/** One claim per row of an action, its keys and rows side by side. */
function rowClaims(
  keys: readonly string[],
  rows: readonly LedgerRow[],
  action: string,
  detail: unknown,
  deps: ExecutorDeps,
): JournalBegin[] {
  return keys.flatMap((key, index) => {
    const row = rows[index];
    return row ? [{ key, action, rowId: journalRowId(row, deps), sweepId: deps.sweepId, detail }] : [];
  });
}

type NoticeAction = Extract<Action, { kind: 'notify-week-ahead' | 'notify-owner-unknown' | 'notify-final' }>;

function isNoticeAction(action: Action): action is NoticeAction {
  return isNotice(action);
}

/** The notice's claim: the row's notice key; a final notice journals its deletion date, which every later sweep keeps to. */
function noticeClaim(action: NoticeAction, deps: ExecutorDeps): JournalBegin {
  return {
    key: action.key,
    action: journalAction(action.key),
    rowId: journalRowId(action.row, deps),
    sweepId: deps.sweepId,
    ...(action.kind === 'notify-final' ? { detail: { deleteOn: action.deleteOn } } : {}),
  };
}

function sendNotice(action: NoticeAction, notifier: Notifier): Promise<AdminCopy> {
  switch (action.kind) {
    case 'notify-week-ahead':
      return notifier.weekAhead(action);
    case 'notify-owner-unknown':
      return notifier.ownerUnknown(action);
    case 'notify-final':
      return notifier.finalNotice(action);
  }
}

interface Sent {
  readonly action: NoticeAction;
  readonly claim: JournalBegin;
  /** The claim as written, for its completion to be written whole in a batch. */
  readonly entry: JournalEntry;
  readonly copy: AdminCopy;
  /** Where its result goes among the notices' results. */
  readonly index: number;
}

/**
 * At most once, and complete only when both the owner and the admins have it: each notice's
 * claim is written before its DM, and completed once the admins' grouped copy is posted. A
 * crash in between leaves the claims `started`, so no later sweep counts them as a warning
 * (a removal waits for a final notice) and every later report flags them to the admins. A
 * notice that reached nobody (Slack down before the DM; an admins-only notice whose grouped
 * message failed) is marked `failed`, and the next sweep sends it again.
 */
async function executeNotices(notices: readonly NoticeAction[], deps: ExecutorDeps): Promise<ActionResult[]> {
  const results: (ActionResult | null)[] = [];
  const sent: Sent[] = [];
  for (const action of notices) {
    if (deps.stop?.aborted) break;
    const claim = noticeClaim(action, deps);
    const index = results.length;
    results.push(null);
    let entry: JournalEntry;
    try {
      const claimed = await claimOnce(deps.journal, deps.now, claim);
      if (claimed.kind === 'already-done') {
        const [existing] = claimed.earlier;
        results[index] = await recorded(
          action,
          'done',
          { kind: 'already-claimed', sweepId: existing.sweepId, state: existing.state },
          deps,
        );
        continue;
      }
      entry = claimed.entry;
    } catch (error) {
      results[index] = await recorded(action, 'failed', { kind: 'failed', error: errorMessage(error) }, deps);
      continue;
    }
    try {
      sent.push({ action, claim, entry, copy: await sendNotice(action, deps.notifier), index });
    } catch (error) {
      results[index] = await recorded(action, 'failed', await notSent(claim, error, deps), deps);
    }
  }
  if (sent.length > 0) {
    const posted = await deps.notifier
      .adminCopies(
        sent.map(({ copy }) => copy),
        deps.namedAccount ?? null,
      )
      .catch((error: unknown): AdminCopiesPosted & { readonly unsure: true } => ({
        posted: 0,
        error: errorMessage(error),
        unsure: true,
      }));
    // Completions need no condition (this run holds the claims) and go out in batches; one
    // lost leaves its claim `started`, which for a notice already means "sent, never again".
    const reached = sent.slice(0, posted.posted);
    const batch = deps.journal.batch();
    batch.complete(
      reached.map(({ entry }) => entry),
      deps.now(),
    );
    const unrecorded =
      reached.length > 0
        ? await batch.flush().then(
            () => null,
            (error: unknown) => errorMessage(error),
          )
        : null;
    const settled = async ({ action, claim, copy }: Sent, n: number): Promise<ActionResult> => {
      if (n >= posted.posted)
        return recorded(action, 'failed', await copyNotPosted(claim, copy, posted, deps), deps);
      if (unrecorded !== null)
        return recorded(action, 'failed', { kind: 'sent-unrecorded', error: unrecorded }, deps);
      const unsaved = posted.unsaved?.find((group) => n >= group.first && n < group.first + group.count);
      return recorded(
        action,
        'done',
        unsaved ? { kind: 'sent-group-unsaved', error: unsaved.error } : { kind: 'sent' },
        deps,
      );
    };
    for (const [n, notice] of sent.entries()) results[notice.index] = await settled(notice, n);
  }
  return results.filter((result): result is ActionResult => result !== null);
}

async function notSent(claim: JournalBegin, error: unknown, deps: ExecutorDeps): Promise<ActionDetail> {
  // Part of a notice may have gone out: only one that reached nobody is sent again.
  if (!(error instanceof NoticeNotSent)) return { kind: 'failed', error: errorMessage(error) };
  const marked = await failClaim(deps.journal, deps.now, claim, error);
  return { kind: 'not-sent', error: error.message, marked };
}

/**
 * The admins' grouped copy did not go out. An owner who has the DM keeps it and the claim
 * stays `started` (flagged from now on); a notice for the admins alone reached nobody.
 */
async function copyNotPosted(
  claim: JournalBegin,
  copy: AdminCopy,
  posted: AdminCopiesPosted & { readonly unsure?: boolean },
  deps: ExecutorDeps,
): Promise<ActionDetail> {
  // Slack's error; posting only stops short with one.
  const why = posted.error ?? 'not posted';
  if (copy.kind === 'owner-told' || posted.unsure) return { kind: 'admin-copy-failed', error: why };
  return notSent(claim, new NoticeNotSent(why), deps);
}

/**
 * What the user holds right now, not in the inventory read at the start of the sweep: keys
 * may have changed since. Whole-user removals (deactivation or teardown) go ahead only while
 * every key the user holds is one of the due rows' keys.
 */
async function liveHoldings(
  userName: string,
  rows: readonly LedgerRow[],
  outcome: 'deleted' | 'deactivated',
  deps: ExecutorDeps,
): Promise<UserHoldings> {
  const holdings = await deps.iam.holdings(userName);
  if (holdings === null) throw new Refused({ kind: 'user-gone', userName, outcome });
  const expected = new Set(rows.map((row) => row.accessKeyId));
  const unexpected = holdings.accessKeys.filter((key) => !expected.has(key.accessKeyId));
  if (unexpected.length > 0)
    throw new Refused({
      kind: 'unexpected-keys',
      userName,
      keys: unexpected.map((key) => maskKeyId(key.accessKeyId)),
    });
  return holdings;
}

interface TeardownDetail {
  readonly holdings: UserHoldings;
}

async function teardownUser(
  action: Extract<Action, { kind: 'teardown-user' }>,
  deps: ExecutorDeps,
): Promise<ActionDetail> {
  const holdings = await liveHoldings(action.userName, action.rows, 'deleted', deps);

  const detail: TeardownDetail = { holdings };
  const { value } = await once(
    deps.journal,
    deps.now,
    rowClaims(action.keys, action.rows, 'teardown-user', detail, deps),
    async ({ resumed }) => {
      // A resumed teardown: what the interrupted attempt already deactivated or detached is no
      // longer in the live holdings, but the snapshot it journaled still names it.
      let recorded: Partial<UserHoldings> = {};
      for (const entry of resumed)
        recorded = (entry.detail as Partial<TeardownDetail> | undefined)?.holdings ?? recorded;
      const freedMfa = (recorded.mfaDevices ?? []).filter(
        (serialNumber) => serialNumber.startsWith('arn:') && !holdings.mfaDevices.includes(serialNumber),
      );
      const steps: TeardownStep[] = [
        ...freedMfa.map((serialNumber): TeardownStep => ({ op: 'delete-virtual-mfa-device', serialNumber })),
        ...userTeardownSteps(holdings),
      ];
      for (const step of steps) await runStep(step, action.userName, deps);
      const policies = await cleanUpPolicies(
        [...new Set([...holdings.attachedPolicies, ...(recorded.attachedPolicies ?? [])])],
        deps,
      );
      return {
        value: { kind: 'removed-user', userName: action.userName, steps: steps.length, policies } as const,
      };
    },
    { resume: 'always' },
  );
  return value;
}

/** The key was listed live when the removal was settled, just before this. */
async function deleteKey(
  action: Extract<Action, { kind: 'delete-key' }>,
  deps: ExecutorDeps,
): Promise<ActionDetail> {
  const { key, row, accessKey: target } = action;
  const { value } = await once(
    deps.journal,
    deps.now,
    rowClaims([key], [row], 'delete-key', { accessKey: target }, deps),
    async () => {
      for (const step of keyRemovalSteps(row.iamUser, target.accessKeyId, target.status))
        await runStep(step, row.iamUser, deps);
      return {
        value: { kind: 'deleted-key', key: maskKeyId(row.accessKeyId), userName: row.iamUser } as const,
      };
    },
    { resume: 'always' },
  );
  return value;
}

/** The user or key is already gone; only the policies recorded in the journal may remain. */
async function finishTeardown(key: string, deps: ExecutorDeps): Promise<ActionDetail> {
  const entry = (await deps.journal.getMany([key])).get(key);
  const recorded = (entry?.detail as Partial<TeardownDetail> | undefined)?.holdings?.attachedPolicies ?? [];
  const policies = await cleanUpPolicies(recorded, deps);
  await deps.journal.complete(key, deps.now());
  return { kind: 'finished-teardown', policies };
}

async function runStep(
  step: Parameters<IamGateway['run']>[0],
  userName: string,
  deps: ExecutorDeps,
): Promise<void> {
  const outcome = await deps.iam.run(step);
  await deps.audit.record({
    at: deps.now().toISOString(),
    actor: deps.actor,
    action: step.op,
    target: userName,
    outcome: 'done',
    detail: outcome === 'already-gone' ? `${describeStep(step)} (already gone)` : describeStep(step),
  });
}

async function cleanUpPolicies(policyArns: readonly string[], deps: ExecutorDeps): Promise<PolicyCleanup[]> {
  const cleaned: PolicyCleanup[] = [];
  for (const arn of policyArns.filter(isCustomerManagedPolicy)) {
    const outcome = await deps.iam.deletePolicyIfUnused(arn);
    if (outcome === 'deleted' || outcome === 'still-attached') cleaned.push({ arn, outcome });
  }
  return cleaned;
}
