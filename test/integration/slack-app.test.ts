import { parseLedgerDate } from '../../src/domain/dates';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { ADMIN, ADMIN_CHANNEL, eventually, OUTSIDER, OWNER, SlackWorld } from '../support/slack-world';

const ETL_KEY = 'AKIAEXAMPLEETLXX1001';
const ETL_ROW = 2;
const STATUS = 7;
const END = 6;
const id = SlackWorld.caseOf(ETL_KEY, '2026-11-28');

type Message = { ts: string; blocks?: unknown[] };
const actionIds = (message: Message | undefined): string[] =>
  ((message?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));

function extendValues(date: string, reason: string) {
  return {
    new_end_date: { date: { type: 'datepicker', selected_date: date } },
    reason: { text: { type: 'plain_text_input', value: reason } },
  };
}

describe('the Slack app, end to end over signed HTTP', () => {
  let sw: SlackWorld;
  afterEach(async () => {
    await sw.close();
  });

  async function statusOf(caseId: string) {
    return (await sw.world.state.cases.get(caseId))?.status;
  }

  async function noticeInDm(): Promise<{ channel: string; ts: string }> {
    await sw.sweep();
    const [dm] = sw.slack.messages(OWNER);
    expect(actionIds(dm)).toEqual([ACTION.extend, ACTION.delete]);
    return { channel: sw.slack.dmChannel(OWNER), ts: dm!.ts };
  }

  it('sweep DM → Extend → modal → admin approves → ledger and every message updated', async () => {
    sw = await SlackWorld.start();
    const dm = await noticeInDm();
    const adminCopy = sw.slack.messages(ADMIN_CHANNEL).find((m) => m.text.includes('期限通知'));
    expect(adminCopy?.text).toContain(`<@${OWNER}>`);

    expect((await sw.click(OWNER, ACTION.extend, id, dm)).status).toBe(200);
    const opened = await eventually(() => sw.slack.callsTo('views.open')[0]);
    expect(opened.args.view).toMatchObject({ callback_id: VIEW.extend, private_metadata: id });

    const tooEarly = await sw.submit(OWNER, VIEW.extend, id, extendValues('2026-11-27', 'x'));
    expect(await tooEarly.json()).toEqual({
      response_action: 'errors',
      errors: { new_end_date: '現在の利用終了日（2026/11/28）より後の日付を選んでください' },
    });
    const tooLate = await sw.submit(OWNER, VIEW.extend, id, extendValues('2027-06-01', 'x'));
    expect(await tooLate.json()).toMatchObject({
      errors: { new_end_date: expect.stringContaining('2027/02/22') },
    });

    expect(
      (await sw.submit(OWNER, VIEW.extend, id, extendValues('2026-12-28', '来月のリリースまで'))).status,
    ).toBe(200);
    const approval = await eventually(() =>
      sw.slack.messages(ADMIN_CHANNEL).find((m) => actionIds(m).includes(ACTION.approve)),
    );
    expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長申請中');
    await eventually(() => actionIds(sw.slack.messages(OWNER)[0]).length === 0 || undefined);

    const approvalOrigin = { channel: ADMIN_CHANNEL, ts: approval.ts };
    await sw.click(ADMIN, ACTION.approve, id, approvalOrigin);
    await eventually(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '延長済み' || undefined);
    expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-12-28');
    await eventually(() => sw.slack.messages(OWNER).find((m) => m.text.includes('承認されました')));
    for (const message of [...sw.slack.messages(OWNER), ...sw.slack.messages(ADMIN_CHANNEL)])
      expect(actionIds(message)).toEqual([]);

    // A second click on the settled request changes nothing and says so, to the clicker only.
    await sw.click(ADMIN, ACTION.approve, id, approvalOrigin);
    await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('すでに処理されています')),
    );
    expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-12-28');
    const audit = await eventually(async () => {
      const events = await sw.world.state.audit.listDay('2026-11-24');
      return events.some((e) => e.action === 'extension-approved') ? events : undefined;
    });
    expect(audit.map((e) => [e.actor, e.action])).toEqual(
      expect.arrayContaining([
        [`slack:${OWNER}`, 'extension-requested'],
        [`slack:${ADMIN}`, 'extension-approved'],
      ]),
    );
  });

  it('Delete tears the user down through the guarded executor and updates the ledger and messages', async () => {
    sw = await SlackWorld.start();
    const dm = await noticeInDm();
    await sw.click(OWNER, ACTION.delete, id, dm);
    await eventually(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '削除済み' || undefined);
    expect(sw.world.userNames()).not.toContain('etl-batch');
    expect(sw.world.account.listPolicies('Local').map((p) => p.policyName)).not.toContain('etl-batch-policy');
    const updated = await eventually(() =>
      sw.slack.messages(OWNER).find((m) => JSON.stringify(m.blocks).includes('削除しました')),
    );
    expect(actionIds(updated)).toEqual([]);
    const audit = await sw.world.state.audit.listDay('2026-11-24');
    expect(
      audit.filter((e) => e.action === 'delete-user' && e.target === 'etl-batch').map((e) => e.actor),
    ).toEqual([`slack:${OWNER}`]);
  });

  it('Deny restores the status, tells the owner why, and gives the buttons back', async () => {
    sw = await SlackWorld.start();
    const dm = await noticeInDm();
    await sw.click(OWNER, ACTION.extend, id, dm);
    await eventually(() => sw.slack.callsTo('views.open')[0]);
    await sw.submit(OWNER, VIEW.extend, id, extendValues('2026-12-28', 'まだ必要'));
    const approval = await eventually(() =>
      sw.slack.messages(ADMIN_CHANNEL).find((m) => actionIds(m).includes(ACTION.deny)),
    );
    // The approval request is posted before the request is committed; a click in between is "busy".
    await eventually(async () => (await statusOf(id)) === 'extension-requested' || undefined);
    await sw.click(ADMIN, ACTION.deny, id, { channel: ADMIN_CHANNEL, ts: approval.ts });
    const denyModal = await eventually(() => sw.slack.callsTo('views.open')[1]);
    expect(denyModal.args.view).toMatchObject({ callback_id: VIEW.deny });
    await sw.submit(ADMIN, VIEW.deny, id, {
      reason: { text: { type: 'plain_text_input', value: '利用実績がない' } },
    });

    await eventually(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '利用中' || undefined);
    expect(sw.world.ledgerRow(ETL_ROW)[END]).toBe('2026/11/28');
    await eventually(() =>
      sw.slack.messages(OWNER).find((m) => m.text.includes('却下されました: 利用実績がない')),
    );
    expect(actionIds(sw.slack.messages(OWNER)[0])).toEqual([ACTION.extend, ACTION.delete]);
    await eventually(async () =>
      (await sw.world.state.audit.listDay('2026-11-24')).find((e) => e.action === 'extension-denied'),
    );
  });

  it('refuses outsiders, non-admin approvals and non-admin audits, changing nothing', async () => {
    sw = await SlackWorld.start();
    const dm = await noticeInDm();
    await sw.click(OUTSIDER, ACTION.extend, id, dm);
    await sw.click(OUTSIDER, ACTION.delete, id, dm);
    await eventually(
      () =>
        sw.slack.responses.filter((r) => String(r.body.text).includes('権限がありません')).length === 2 ||
        undefined,
    );
    expect(sw.slack.callsTo('views.open')).toEqual([]);
    expect(sw.world.userNames()).toContain('etl-batch');

    await sw.click(OWNER, ACTION.extend, id, dm);
    await eventually(() => sw.slack.callsTo('views.open')[0]);
    await sw.submit(OWNER, VIEW.extend, id, extendValues('2026-12-28', 'まだ必要'));
    await eventually(() =>
      sw.slack.messages(ADMIN_CHANNEL).find((m) => actionIds(m).includes(ACTION.approve)),
    );
    await sw.click(OWNER, ACTION.approve, id);
    await eventually(
      () =>
        sw.slack.responses.filter((r) => String(r.body.text).includes('権限がありません')).length === 3 ||
        undefined,
    );
    expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長申請中');

    await sw.command(OWNER, 'ledger');
    await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('管理者だけが使えます')),
    );
    const refusals = (await sw.world.state.audit.listDay('2026-11-24')).filter(
      (e) => e.outcome === 'skipped',
    );
    expect(refusals.map((e) => [e.actor, e.action])).toEqual([
      [`slack:${OUTSIDER}`, 'extend'],
      [`slack:${OUTSIDER}`, 'delete'],
      [`slack:${OWNER}`, 'approve'],
      [`slack:${OWNER}`, 'iam-audit'],
    ]);
  });

  it('rejects forged and replayed requests before any listener runs', async () => {
    sw = await SlackWorld.start();
    const dm = await noticeInDm();
    const payload = {
      type: 'block_actions',
      user: { id: OWNER },
      trigger_id: sw.slack.triggerId(OWNER),
      actions: [{ type: 'button', action_id: ACTION.delete, value: id, action_ts: '1' }],
      channel: { id: dm.channel },
    };
    expect((await sw.send(payload, { secret: 'not-the-secret' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sw.send(payload, { timestamp: sixMinutesAgo })).status).toBe(401);
    expect(sw.world.userNames()).toContain('etl-batch');
    expect(sw.slack.callsTo('chat.update')).toEqual([]);
  });

  it('answers admin audits: ledger, sweep plan, and the credential report uploaded as CSV', async () => {
    sw = await SlackWorld.start();
    await sw.command(ADMIN, 'ledger 7');
    const ledger = await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('etl-batch')),
    );
    expect(String(ledger.body.text)).toContain('2026/11/28');

    await sw.command(ADMIN, 'sweep');
    await eventually(() => sw.slack.responses.find((r) => String(r.body.text).includes('ドライラン')));
    expect(sw.world.userNames()).toContain('ci-deploy');

    await sw.command(ADMIN, 'report');
    const file = await eventually(() => sw.slack.files.find((f) => f.completed));
    expect(file.channel).toBe(ADMIN_CHANNEL);
    expect(file.bytes?.toString('utf8')).toMatch(/^user,arn,user_creation_time/);

    await sw.command(ADMIN, 'keys');
    const keys = await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('古いアクセスキー')),
    );
    expect(String(keys.body.text)).toContain('etl-batch');

    await sw.command(ADMIN, 'user ci-deploy');
    const user = await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('IAMユーザー ci-deploy: あり')),
    );
    expect(String(user.body.text)).toMatch(/グループ: deployers[\s\S]*台帳 3行目/);

    await sw.command(ADMIN, 'mfa');
    await eventually(() => sw.slack.responses.find((r) => String(r.body.text).includes('MFA 未設定')));

    await sw.command(ADMIN, 'frobnicate');
    await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('不明なサブコマンドです')),
    );
  });
});
