import { parseLedgerDate } from '../../src/domain/dates';
import { ACTION, VIEW } from '../../src/slack/blocks';
import type { Fault, SheetsMethod } from '../fakes/sheets-server';
import {
  ADMIN,
  ADMIN_CHANNEL,
  actionIds,
  eventually,
  extendValues,
  OWNER,
  SlackWorld,
} from '../support/slack-world';
import { NOW } from '../support/world';

const ETL_KEY = 'AKIAEXAMPLEETLXX1001';
const ETL_ROW = 2;
const STATUS = 7;
const END = 6;
const id = SlackWorld.caseOf(ETL_KEY, '2026-11-28');
/** Each case runs the Sheets client's retries several times: give a busy machine room. */
const WAIT_MS = 30_000;
const TEST_MS = 90_000;
const waitFor = <T>(probe: () => T | undefined | Promise<T | undefined>) => eventually(probe, WAIT_MS);

type Message = { ts: string; text: string; blocks?: unknown[] };

/**
 * Sheets failing while a decision is carried out: every attempt of one method is refused
 * until the test lifts the fault. The workbook's retries run (without their waits), so a
 * failure here is one that production's retries would not have ridden out either.
 */
describe('the Slack app when the ledger fails mid-decision', () => {
  let sw: SlackWorld;
  let fault: { method: SheetsMethod; answer: Fault } | null;
  /** How many of the next calls of each kind Slack refuses. */
  let failPosts: number;
  let failUpdates: number;

  beforeEach(async () => {
    fault = null;
    failPosts = 0;
    failUpdates = 0;
    const refuse = (remaining: number) => (remaining > 0 ? 0 : null);
    sw = await SlackWorld.start({
      sheetsFault: (method) => (fault && method === fault.method ? fault.answer : null),
      slackRateLimit: (method) => {
        if (method === 'chat.postMessage') return refuse(failPosts--);
        if (method === 'chat.update') return refuse(failUpdates--);
        return null;
      },
    });
  }, TEST_MS);
  afterEach(async () => {
    await sw.close();
  }, TEST_MS);

  const caseOf = async () => sw.world.state.cases.get(id);
  const updates = () => sw.slack.callsTo('chat.update').map((call) => call.args);
  const told = (text: string) =>
    waitFor(() => sw.slack.responses.find((r) => String(r.body.text).includes(text)));
  const dmTo = (user: string, text: string) =>
    waitFor(() => sw.slack.messages(user).find((m) => m.text.includes(text)));
  const audited = (action: string, outcome = 'done') =>
    waitFor(async () =>
      (await sw.world.state.audit.listDay('2026-11-24')).find(
        (e) => e.action === action && e.outcome === outcome,
      ),
    );
  const ownerNotice = () => sw.slack.messages(OWNER)[0];
  const approvalMessage = () =>
    sw.slack.messages(ADMIN_CHANNEL).find((m) => actionIds(m).includes(ACTION.approve));

  /** The ETL row's status cell as the sweep left it (an active row). */
  let active: string;

  async function noticeInDm(): Promise<{ channel: string; ts: string }> {
    await sw.sweep();
    active = sw.world.ledgerRow(ETL_ROW)[STATUS] ?? '';
    const dm = ownerNotice();
    expect(actionIds(dm)).toEqual([ACTION.extend, ACTION.delete]);
    return { channel: sw.slack.dmChannel(OWNER), ts: dm!.ts };
  }

  async function requestExtension(dm: { channel: string; ts: string }, date = '2026-12-28') {
    await sw.click(OWNER, ACTION.extend, id, dm);
    await waitFor(() => sw.slack.callsTo('views.open').at(-1));
    await sw.submit(OWNER, VIEW.extend, id, extendValues(date, '来月のリリースまで'));
  }

  async function requested(): Promise<{ channel: string; ts: string }> {
    await requestExtension(await noticeInDm());
    await waitFor(async () => (await caseOf())?.status === 'extension-requested' || undefined);
    // Committed, then the messages are redrawn and the request audited: wait for all of it.
    await audited('extension-requested');
    const approval = approvalMessage();
    expect(approval).toBeDefined();
    sw.world.sheets.resetStats();
    sw.slack.resetStats();
    return { channel: ADMIN_CHANNEL, ts: approval!.ts };
  }

  it(
    'Extend submit: the request is undone, the owner is told by DM and keeps the buttons; a resubmit works',
    async () => {
      const dm = await noticeInDm();
      sw.slack.resetStats();
      sw.world.sheets.resetStats();
      fault = { method: 'values.batchUpdate', answer: { status: 503 } };
      await requestExtension(dm);

      const dmText = await dmTo(OWNER, '延長を申請できませんでした');
      expect(dmText.text).toContain('変更はすべて取り消しました');
      expect(dmText.text).toContain('503');
      // One write and its five retries, then the decision was undone.
      expect(sw.world.sheets.stats.byMethod['values.batchUpdate']).toBe(6);
      expect(await caseOf()).toMatchObject({ status: 'open' });
      expect((await caseOf())?.inFlight).toBeUndefined();
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe(active);
      expect(approvalMessage()).toBeUndefined();
      expect(updates()).toEqual([]);
      expect(actionIds(ownerNotice())).toEqual([ACTION.extend, ACTION.delete]);
      expect(await audited('request-extension', 'failed')).toMatchObject({ actor: `slack:${OWNER}` });

      fault = null;
      await requestExtension(dm);
      await waitFor(() => approvalMessage());
      await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '延長申請中' || undefined);
      await waitFor(async () => (await caseOf())?.status === 'extension-requested' || undefined);
      await waitFor(() => actionIds(ownerNotice()).length === 0 || undefined);
      await audited('extension-requested');
    },
    TEST_MS,
  );

  it(
    'Extend submit: when the approval request cannot be posted, the ledger write is undone too',
    async () => {
      const dm = await noticeInDm();
      sw.slack.resetStats();
      sw.world.sheets.resetStats();
      failPosts = 1;
      await requestExtension(dm);

      await dmTo(OWNER, '延長を申請できませんでした');
      // Written, then written back: blank and 利用中 both mean active.
      expect(sw.world.sheets.stats.byMethod['values.batchUpdate']).toBe(2);
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('利用中');
      expect(await caseOf()).toMatchObject({ status: 'open' });
      expect(approvalMessage()).toBeUndefined();
      expect(actionIds(ownerNotice())).toEqual([ACTION.extend, ACTION.delete]);

      await requestExtension(dm);
      await waitFor(() => approvalMessage());
      await waitFor(async () => (await caseOf())?.status === 'extension-requested' || undefined);
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長申請中');
      await audited('extension-requested');
    },
    TEST_MS,
  );

  it(
    'Approve: a 429 from Sheets leaves the request pending and the buttons live; a second click approves',
    async () => {
      const approval = await requested();
      fault = { method: 'values.batchUpdate', answer: { status: 429 } };
      await sw.click(ADMIN, ACTION.approve, id, approval);

      const reply = await told('承認できませんでした');
      expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(String(reply.body.text)).toContain('429');
      expect(await caseOf()).toMatchObject({ status: 'extension-requested' });
      expect((await caseOf())?.decision).toBeUndefined();
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長申請中');
      expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-11-28');
      expect(updates()).toEqual([]);
      expect(actionIds(approvalMessage())).toEqual([ACTION.approve, ACTION.deny]);
      expect(sw.slack.messages(OWNER).some((m) => m.text.includes('承認されました'))).toBe(false);

      fault = null;
      await sw.click(ADMIN, ACTION.approve, id, approval);
      await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '延長済み' || undefined);
      expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-12-28');
      await dmTo(OWNER, '承認されました');
      expect(await caseOf()).toMatchObject({
        status: 'extended',
        decision: { by: ADMIN, outcome: 'approved' },
      });
      await audited('extension-approved');
      const bodies = updates();
      const approved = await caseOf();
      // The case's own messages, and the admins' grouped message its notice has a line in.
      const groups = (await sw.world.state.cases.groupsOf(id)).map((m) => m.ts);
      expect(groups).toHaveLength(1);
      expect(bodies.map((body) => body.ts).sort()).toEqual(
        [approved?.ownerMessage?.ts, ...(approved?.adminMessages ?? []).map((m) => m.ts), ...groups].sort(),
      );
      for (const body of bodies) {
        const shown = groups.includes(String(body.ts)) ? JSON.stringify(body.blocks) : String(body.text);
        expect(shown).toContain('延長を承認しました（2026/12/28 まで）');
        expect(actionIds(body as Message)).toEqual([]);
      }
    },
    TEST_MS,
  );

  it(
    'Deny: a 503 leaves the request pending, the admin is told by DM; denying again works',
    async () => {
      await requested();
      fault = { method: 'values.batchUpdate', answer: { status: 503 } };
      await sw.submit(ADMIN, VIEW.deny, id, {
        reason: { text: { type: 'plain_text_input', value: '不要' } },
      });

      await dmTo(ADMIN, '却下できませんでした');
      expect(await caseOf()).toMatchObject({ status: 'extension-requested' });
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長申請中');
      expect(updates()).toEqual([]);
      expect(actionIds(approvalMessage())).toEqual([ACTION.approve, ACTION.deny]);
      expect(sw.slack.messages(OWNER).some((m) => m.text.includes('却下されました'))).toBe(false);

      fault = null;
      await sw.submit(ADMIN, VIEW.deny, id, {
        reason: { text: { type: 'plain_text_input', value: '不要' } },
      });
      await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '利用中' || undefined);
      await dmTo(OWNER, '却下されました: 不要');
      expect(await caseOf()).toMatchObject({ status: 'open', decision: { outcome: 'denied' } });
      // The owner's notice gets its buttons back; the admin messages are settled.
      await waitFor(() => actionIds(ownerNotice()).length === 2 || undefined);
      const owner = updates().find((body) => body.ts === ownerNotice()!.ts);
      expect(JSON.stringify(owner?.blocks)).toContain('却下しました: 不要');
      for (const message of sw.slack.messages(ADMIN_CHANNEL)) expect(actionIds(message)).toEqual([]);
      await audited('extension-denied');
    },
    TEST_MS,
  );

  it(
    'Delete: a failed ledger read deletes nothing, restores the buttons and says why; a retry deletes',
    async () => {
      const dm = await noticeInDm();
      sw.slack.resetStats();
      sw.world.sheets.resetStats();
      fault = { method: 'values.batchGet', answer: { status: 503 } };
      await sw.click(OWNER, ACTION.delete, id, dm);

      const reply = await told('削除できませんでした');
      expect(String(reply.body.text)).toContain('503');
      expect(sw.world.userNames()).toContain('etl-batch');
      expect(await caseOf()).toMatchObject({ status: 'open' });
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe(active);
      // "Deleting…" first, then the notice as it was, buttons included.
      const ownerUpdates = updates().filter((body) => body.ts === dm.ts);
      expect(ownerUpdates.map((body) => actionIds(body as Message))).toEqual([
        [],
        [ACTION.extend, ACTION.delete],
      ]);
      expect(JSON.stringify(ownerUpdates[0]?.blocks)).toContain('削除しています');
      expect(actionIds(ownerNotice())).toEqual([ACTION.extend, ACTION.delete]);

      fault = null;
      await sw.click(OWNER, ACTION.delete, id, dm);
      await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '削除済み' || undefined);
      expect(sw.world.userNames()).not.toContain('etl-batch');
      await waitFor(async () => (await caseOf())?.status === 'deleted' || undefined);
    },
    TEST_MS,
  );

  it(
    'Delete: when the ledger write fails after the teardown, the case waits for a retry that records it',
    async () => {
      const dm = await noticeInDm();
      sw.slack.resetStats();
      sw.world.sheets.resetStats();
      fault = { method: 'values.batchUpdate', answer: { status: 503 } };
      await sw.click(OWNER, ACTION.delete, id, dm);

      const reply = await told('台帳に記録できませんでした');
      expect(String(reply.body.text)).toContain('次回のスイープで記録されます');
      expect(sw.world.userNames()).not.toContain('etl-batch');
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe(active);
      expect(await caseOf()).toMatchObject({ status: 'deleted-unrecorded', decision: { by: OWNER } });
      // The journal holds the finished teardown: that is what the retry (or the sweep) records.
      const key = `teardown#${ETL_KEY}#2026-11-28`;
      expect((await sw.world.state.journal.getMany([key])).get(key)?.state).toBe('completed');
      const last = updates()
        .filter((body) => body.ts === dm.ts)
        .at(-1);
      expect(String(last?.text)).toContain('台帳への記録がまだです');
      expect(actionIds(last as Message)).toEqual([ACTION.delete]);

      fault = null;
      await sw.click(OWNER, ACTION.delete, id, dm);
      await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '削除済み' || undefined);
      await waitFor(async () => (await caseOf())?.status === 'deleted' || undefined);
      const settled = await waitFor(() =>
        sw.slack.messages(OWNER).find((m) => JSON.stringify(m.blocks).includes('削除しました')),
      );
      expect(actionIds(settled)).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'a chat.update that fails after the approval is reported to the clicker and redrawn by the next click',
    async () => {
      const approval = await requested();
      failUpdates = 100;
      await sw.click(ADMIN, ACTION.approve, id, approval);

      const reply = await told('Slack のメッセージ');
      expect(String(reply.body.text)).toMatch(/メッセージ\d件を更新できませんでした/);
      expect(await caseOf()).toMatchObject({ status: 'extended' });
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長済み');
      expect(actionIds(approvalMessage())).toEqual([ACTION.approve, ACTION.deny]);

      failUpdates = 0;
      await sw.click(ADMIN, ACTION.approve, id, approval);
      await told('すでに処理されています');
      await waitFor(() => (approvalMessage() === undefined ? true : undefined));
      for (const message of [...sw.slack.messages(OWNER), ...sw.slack.messages(ADMIN_CHANNEL)])
        expect(actionIds(message)).toEqual([]);
      expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-12-28');
    },
    TEST_MS,
  );

  it(
    'a claim left by a worker that died is taken over after its lease; a live one makes the click wait',
    async () => {
      const approval = await requested();
      const strand = (since: string) =>
        sw.world.state.cases.transition(id, ['extension-requested', 'in-flight'], (c) => ({
          ...c,
          status: 'in-flight',
          inFlight: { action: 'deny', by: ADMIN, since, from: 'extension-requested' },
        }));
      await strand(NOW);
      await sw.click(ADMIN, ACTION.approve, id, approval);
      await told('ほかの操作を処理中です');
      expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長申請中');

      await strand(new Date(Date.parse(NOW) - 16 * 60_000).toISOString());
      await sw.click(ADMIN, ACTION.approve, id, approval);
      await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '延長済み' || undefined);
      await audited('extension-approved');
      expect(await caseOf()).toMatchObject({ status: 'extended', decision: { outcome: 'approved' } });
    },
    TEST_MS,
  );
});
