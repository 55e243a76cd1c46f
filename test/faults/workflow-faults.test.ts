import type { IamAccountFixture } from '@keywarden/iam-simulator';
import type { LocalDate } from '../../src/domain/dates';
import { parseLedgerDate } from '../../src/domain/dates';
import type { MessageRef, NoticeCase } from '../../src/ports/cases';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { caseMessages } from '../../src/slack/case-messages';
import { messages } from '../../src/text/messages';
import type { Fault, SheetsMethod } from '../fakes/sheets-server';
import { Prng } from '../support/prng';
import { ADMIN, actionIds, eventually, extendValues, OWNER, SlackWorld } from '../support/slack-world';
import { csvGrid, exampleAccount } from '../support/world';

/**
 * Every decision of the approval workflow (Extend submit, Approve, Deny, Delete) clicked
 * through the real Bolt app while Sheets (503 or 429, on the read or the write) or
 * `chat.update` fails. Whatever failed, the decision is either undone (case, ledger, IAM and
 * buttons as before) or done (only its messages may be stale, and the clicker is told), or,
 * for a deletion IAM already made, owed to the ledger with its journal entry and a button that
 * records it; never half-done. A click after the fault is lifted then completes it.
 */

const SEED = 20261130;
const TODAY = '2026-11-24' as LocalDate;
const END = '2026-11-28';
const EXTEND_TO = '2026-12-28';
const STATUS = 7;
const END_DATE = 6;
/** Each scenario runs the Sheets client's six attempts and a redraw; room for a busy machine. */
const WAIT_MS = 30_000;
const DECISION_MS = 120_000;
const m = messages('ja');

const DECISIONS = ['extend', 'approve', 'deny', 'delete'] as const;
type Decision = (typeof DECISIONS)[number];
const KINDS = ['read-503', 'read-429', 'write-503', 'write-429', 'chat.update'] as const;
type Kind = (typeof KINDS)[number];
type Verdict = 'undone' | 'done' | 'owed' | 'half-done';

/** One row per failure kind, so a decision's scenarios share a world without sharing a case. */
const ROWS = KINDS.map((_, i) => ({
  rowNumber: i + 2,
  iamUser: `wf-${i + 1}`,
  key: `AKIAWORKFLOWFAULT00${i + 1}`,
}));

function ledger(): string[][] {
  const [header = []] = csvGrid('ledger.csv');
  return [
    header,
    ...ROWS.map((row) => [
      '山田 太郎',
      'ワークフロー検証',
      `s3://${row.iamUser}`,
      row.iamUser,
      row.key,
      '2026/05/01',
      END.replaceAll('-', '/'),
      '利用中',
    ]),
  ];
}

function account(): IamAccountFixture {
  const base = exampleAccount();
  const users = ROWS.map((row) => ({
    userName: row.iamUser,
    createDate: '2026-05-01T01:00:00Z',
    tags: {},
    accessKeys: [{ accessKeyId: row.key, createDate: '2026-05-01T01:00:00Z' }],
  }));
  return { ...base, users: [...(base.users ?? []), ...users] };
}

interface Scenario {
  readonly decision: Decision;
  readonly kind: Kind;
  readonly row: (typeof ROWS)[number];
  /** Sent with a Sheets 429; the workbook's retries honour it (without waiting, in tests). */
  readonly retryAfterSeconds: number | undefined;
  /** For `chat.update`, a draw in [0, 1) that picks the decision's first failing update; all later ones fail too. */
  readonly failUpdatesFrom: number;
}

/** The seeded sweep: which row each kind uses, Retry-After, and where `chat.update` starts failing. */
function scenarios(decision: Decision, prng: Prng): Scenario[] {
  const rows = [...ROWS];
  for (let i = rows.length - 1; i > 0; i -= 1) {
    const j = prng.int(0, i);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return KINDS.map((kind, i) => ({
    decision,
    kind,
    row: rows[i]!,
    retryAfterSeconds: prng.pick([undefined, 1, 30, 120]),
    failUpdatesFrom: prng.next(),
  }));
}

const totals = { injected: 0, undone: 0, retried: 0, halfDone: 0 };

afterAll(() => {
  process.stdout.write(
    `workflow faults: ${totals.injected} failures injected, ${totals.undone} decisions undone, ` +
      `${totals.retried} completed on retry, ${totals.halfDone} half-done\n`,
  );
  expect(totals.halfDone).toBe(0);
});

const prng = new Prng(SEED);
const plan = new Map(DECISIONS.map((decision) => [decision, scenarios(decision, prng)]));

describe.each(DECISIONS)('workflow faults: %s', (decision) => {
  let sw: SlackWorld;
  let sheetsFault: { method: SheetsMethod; answer: Fault } | null = null;
  let updatesFrom: number | null = null;

  beforeAll(async () => {
    sw = await SlackWorld.start({
      account: account(),
      ledger: ledger(),
      sheetsFault: (method) => (sheetsFault?.method === method ? sheetsFault.answer : null),
      slackRateLimit: (method, n) =>
        method === 'chat.update' && updatesFrom !== null && n >= updatesFrom ? 0 : null,
    });
    await sw.sweep();
  }, DECISION_MS);
  afterAll(async () => {
    await sw?.close();
  }, DECISION_MS);

  const waitFor = <T>(probe: () => T | undefined | Promise<T | undefined>) => eventually(probe, WAIT_MS);
  const caseOf = async (row: Scenario['row']): Promise<NoticeCase> => {
    const found = await sw.world.state.cases.get(SlackWorld.caseOf(row.key, END));
    if (!found) throw new Error(`no case for ${row.key}`);
    return found;
  };
  const messageAt = (ref: MessageRef) => sw.slack.messages(ref.channel).find((mm) => mm.ts === ref.ts);
  const refsOf = (c: NoticeCase): MessageRef[] => [
    ...(c.ownerMessage ? [c.ownerMessage] : []),
    ...c.adminMessages,
  ];
  const buttons = (c: NoticeCase) => refsOf(c).map((ref) => actionIds(messageAt(ref)));
  /** Every message of the case shows what the case's state draws: nothing stale. */
  const drawnFromState = (c: NoticeCase) =>
    caseMessages(c, m, TODAY).every((view) => {
      const shown = messageAt(view.ref);
      return shown?.text === view.text && actionIds(shown).join() === actionIds(view).join();
    });
  const hasUser = (row: Scenario['row']) => sw.world.userNames().includes(row.iamUser);
  /** What the clicker was told since the last reset: by response_url, or by DM for a modal. */
  const replies = (clicker: string) => [
    ...sw.slack.responses.map((r) => String(r.body.text)),
    ...sw.slack
      .callsTo('chat.postMessage')
      .filter((call) => call.args.channel === clicker)
      .map((call) => String(call.args.text)),
  ];
  const audited = (action: string, row: Scenario['row']) =>
    waitFor(async () =>
      (await sw.world.state.audit.listDay(TODAY)).find(
        (e) => e.action === action && e.outcome === 'done' && e.target.startsWith(`${row.iamUser} `),
      ),
    );

  /** Approve and Deny need a pending request: made fault-free, committed and audited first. */
  async function prepare(row: Scenario['row']): Promise<void> {
    if (decision !== 'approve' && decision !== 'deny') return;
    await act('extend', row);
    await audited('extension-requested', row);
  }

  const clickerOf = (d: Decision) => (d === 'approve' || d === 'deny' ? ADMIN : OWNER);

  /** The decision as a person makes it: a button, or a modal opened by its button and submitted. */
  async function act(d: Decision, row: Scenario['row']): Promise<void> {
    const id = SlackWorld.caseOf(row.key, END);
    const c = await caseOf(row);
    const owner = c.ownerMessage!;
    const approval = c.adminMessages.at(-1)!;
    const opened = sw.slack.callsTo('views.open').length;
    const modal = async (origin: MessageRef, action: string) => {
      await sw.click(clickerOf(d), action, id, origin);
      await waitFor(() => sw.slack.callsTo('views.open').length > opened || undefined);
    };
    switch (d) {
      case 'extend':
        await modal(owner, ACTION.extend);
        await sw.submit(OWNER, VIEW.extend, id, extendValues(EXTEND_TO, '来月のリリースまで'));
        return;
      case 'approve':
        await sw.click(ADMIN, ACTION.approve, id, approval);
        return;
      case 'deny':
        await modal(approval, ACTION.deny);
        await sw.submit(ADMIN, VIEW.deny, id, {
          reason: { text: { type: 'plain_text_input', value: '不要' } },
        });
        return;
      case 'delete':
        await sw.click(OWNER, ACTION.delete, id, owner);
    }
  }

  /** The decision's own button on a message that may still show the old state. */
  async function clickStale(row: Scenario['row'], before: NoticeCase): Promise<void> {
    const id = SlackWorld.caseOf(row.key, END);
    const action = {
      extend: ACTION.extend,
      approve: ACTION.approve,
      deny: ACTION.deny,
      delete: ACTION.delete,
    }[decision];
    const origin = refsOf(before).find((ref) => actionIds(messageAt(ref)).includes(action));
    await sw.click(clickerOf(decision), action, id, origin ?? before.ownerMessage!);
  }

  /** The decision fully happened: case, ledger and IAM as it leaves them. */
  function happened(c: NoticeCase, row: Scenario['row']): boolean {
    const cells = sw.world.ledgerRow(row.rowNumber);
    switch (decision) {
      case 'extend':
        return c.status === 'extension-requested' && cells[STATUS] === '延長申請中';
      case 'approve':
        return (
          c.status === 'extended' &&
          c.decision?.outcome === 'approved' &&
          cells[STATUS] === '延長済み' &&
          parseLedgerDate(cells[END_DATE]!) === EXTEND_TO
        );
      case 'deny':
        return c.status === 'open' && c.decision?.outcome === 'denied' && cells[STATUS] === '利用中';
      case 'delete':
        return c.status === 'deleted' && cells[STATUS] === '削除済み' && !hasUser(row);
    }
  }

  /** How many `chat.update` calls the decision makes: a deletion draws "deleting…" first. */
  const updatesOf = (c: NoticeCase) => (decision === 'delete' ? 2 : 1) * refsOf(c).length;

  it.each(plan.get(decision)!.map((s) => [s.kind, s] as const))(
    '%s: undone or done, never half-done, and a retry completes it',
    async (_kind, scenario) => {
      const { row, kind } = scenario;
      await prepare(row);
      const before = await caseOf(row);
      const beforeRow = sw.world.ledgerRow(row.rowNumber);
      const beforeButtons = buttons(before);
      const clicker = clickerOf(decision);

      sw.world.sheets.resetStats();
      sw.slack.resetStats();
      if (kind === 'chat.update') {
        // A seeded start among the decision's updates; from it on every one fails, the last included.
        updatesFrom = 1 + Math.floor(scenario.failUpdatesFrom * updatesOf(before));
      } else {
        const [where, status] = kind.split('-') as ['read' | 'write', '503' | '429'];
        sheetsFault = {
          method: where === 'read' ? 'values.batchGet' : 'values.batchUpdate',
          answer:
            status === '503'
              ? { status: 503 }
              : {
                  status: 429,
                  ...(scenario.retryAfterSeconds === undefined
                    ? {}
                    : { retryAfterSeconds: scenario.retryAfterSeconds }),
                },
        };
      }
      await act(decision, row);
      // The clicker's answer is the decision's last step: everything it reports has happened.
      // No answer at all is a verdict too: a clicker left guessing is half-done.
      const told = await waitFor(() => replies(clicker)[0]).catch(() => '');
      const injected = sw.world.sheets.stats.faulted + sw.slack.stats.rateLimited;
      sheetsFault = null;
      updatesFrom = null;
      expect(injected).toBeGreaterThan(0);
      totals.injected += 1;

      const after = await caseOf(row);
      const undone =
        after.status === before.status &&
        after.inFlight === undefined &&
        JSON.stringify(sw.world.ledgerRow(row.rowNumber)) === JSON.stringify(beforeRow) &&
        hasUser(row) &&
        JSON.stringify(buttons(after)) === JSON.stringify(beforeButtons) &&
        refsOf(after).length === refsOf(before).length &&
        /取り消しました|削除できませんでした/.test(told);
      const done =
        happened(after, row) && (drawnFromState(after) || /メッセージ\d+件を更新できませんでした/.test(told));
      const teardownKey = `teardown#${row.key}#${END}`;
      const owed =
        decision === 'delete' &&
        after.status === 'deleted-unrecorded' &&
        !hasUser(row) &&
        (await sw.world.state.journal.getMany([teardownKey])).get(teardownKey)?.state === 'completed' &&
        JSON.stringify(sw.world.ledgerRow(row.rowNumber)) === JSON.stringify(beforeRow) &&
        drawnFromState(after) &&
        actionIds(messageAt(after.ownerMessage!)).join() === ACTION.delete &&
        told.includes('台帳に記録できませんでした');
      const verdict: Verdict = undone ? 'undone' : done ? 'done' : owed ? 'owed' : 'half-done';
      if (verdict === 'half-done') totals.halfDone += 1;
      if (verdict === 'undone') totals.undone += 1;
      // Which way it went follows from where it failed: before IAM acted, Sheets undoes it; a
      // deletion's write comes after the teardown; a chat.update after the commit.
      const expected: Verdict =
        kind === 'chat.update'
          ? 'done'
          : decision === 'delete' && kind.startsWith('write')
            ? 'owed'
            : 'undone';
      expect({ verdict, told }).toMatchObject({ verdict: expected });
      if (kind !== 'chat.update') expect(told).toContain(kind.slice(-3));

      sw.world.sheets.resetStats();
      sw.slack.resetStats();
      if (verdict === 'done') {
        await clickStale(row, before);
        await waitFor(() => replies(clicker).find((text) => text === m.alreadySettled));
      } else {
        await act(decision, row);
        if (decision !== 'delete')
          await audited(
            { extend: 'extension-requested', approve: 'extension-approved', deny: 'extension-denied' }[
              decision
            ],
            row,
          );
      }
      const completed = await waitFor(async () => {
        const c = await caseOf(row);
        return (happened(c, row) && drawnFromState(c)) || undefined;
      });
      expect(completed).toBe(true);
      totals.retried += 1;
    },
    DECISION_MS,
  );
});
