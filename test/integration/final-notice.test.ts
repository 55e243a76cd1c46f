import { finalNoticeKey } from '../../src/domain/journal-keys';
import type { SweepPolicy } from '../../src/domain/planner';
import type { SweepReport } from '../../src/domain/report';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { sweepSummary } from '../../src/slack/summary';
import { messages } from '../../src/text/messages';
import { ADMIN_CHANNEL, eventually, SlackWorld } from '../support/slack-world';

const SATO = 'U02SATO';
const CI_KEY = 'AKIAEXAMPLECIXXX1002';
const CI_ROW = 3;
const STATUS = 7;
const policy: SweepPolicy = { noticeDays: 7, finalNoticeDays: 3, protectedUsers: new Set() };

type Message = { ts: string; text: string; blocks?: unknown[] };
const actionIds = (message: Message | undefined): string[] =>
  ((message?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));

describe('no deletion without a warning, through Slack', () => {
  let sw: SlackWorld;
  afterEach(async () => {
    await sw.close();
  });

  /** An apply sweep at 15:00 in Tokyo on `day` (default: the examples' reference day). */
  const sweep = (day = '2026-11-24') =>
    sw.world.sweep('apply', {
      notifier: sw.notifier,
      slackDirectory: sw.notifier,
      policy,
      now: () => new Date(`${day}T06:00:00Z`),
    });

  it('a first apply warns instead of deleting: final DM with buttons, admin copy, admin summary with the date', async () => {
    sw = await SlackWorld.start();
    const report = await sweep();
    expect(
      report.results.filter((r) => r.action.kind === 'teardown-user' || r.action.kind === 'delete-key'),
    ).toEqual([]);
    expect(sw.world.userNames()).toContain('ci-deploy');

    const [dm] = sw.slack.messages(SATO) as Message[];
    expect(dm?.text).toBe(
      '【最終通知】アクセスキーの利用期間は終了しています。2026/11/27 に削除します（延長する場合はその前に申請してください）',
    );
    expect(actionIds(dm)).toEqual([ACTION.extend, ACTION.delete]);
    const admin = sw.slack.messages(ADMIN_CHANNEL) as Message[];
    // One grouped message for the account's notices, the final notice's line among them.
    const grouped = admin.filter((m) => m.text.startsWith('アクセスキーの期限に関する通知'));
    expect(grouped).toHaveLength(1);
    expect(JSON.stringify(grouped[0]?.blocks)).toContain(
      `*<@${SATO}> さんに最終通知を送りました（2026/11/27 に削除予定）*`,
    );
    const summary = admin.find((m) => m.text.startsWith('Keywarden スイープ'));
    expect(JSON.stringify(summary?.blocks)).toMatch(/2026\/11\/27 に\d+件のアクセスキーを削除します/);
    expect(sweepSummary(report, messages('en')).blocks[1]).toMatchObject({
      text: { text: expect.stringMatching(/^\d+ keys will be deleted on 2026\/11\/27$/) },
    });

    // Re-runs keep the date and send nothing again.
    const again = await sweep('2026-11-26');
    expect(again.results).toEqual([]);
    expect(again.skips.filter((s) => s.reason === 'deletion-scheduled').map((s) => s.deleteOn)).toContain(
      '2026-11-27',
    );
    expect(sw.slack.messages(SATO)).toHaveLength(1);
    const ciNotice = report.results.find(
      (r) => r.action.kind === 'notify-final' && r.action.row.iamUser === 'ci-deploy',
    );
    expect(ciNotice?.outcome).toBe('done');
    const key = finalNoticeKey({ id: CI_KEY, endDate: '2026-11-20' } as never);
    const entry = (await sw.world.state.journal.getMany([key])).get(key);
    expect(entry).toMatchObject({ state: 'completed', detail: { deleteOn: '2026-11-27' } });

    // On the named day the key goes.
    const due = await sweep('2026-11-27');
    expect(due.results.map((r) => [r.action.kind, r.outcome])).toEqual(
      expect.arrayContaining([['teardown-user', 'done']]),
    );
    expect(sw.world.userNames()).not.toContain('ci-deploy');
  });

  it('a final notice Slack failed to send is recorded as failed and sent the next day, counting from that day', async () => {
    let down = true;
    sw = await SlackWorld.start({
      slackOutage: (method, args) => down && method === 'chat.postMessage' && args.channel === SATO,
    });
    const key = finalNoticeKey({ id: CI_KEY, endDate: '2026-11-20' } as never);
    const ciNotice = (report: SweepReport) =>
      report.results.find((r) => r.action.kind === 'notify-final' && r.action.row.iamUser === 'ci-deploy');

    const first = await sweep('2026-11-24');
    expect(ciNotice(first)).toMatchObject({
      outcome: 'failed',
      detail: { kind: 'not-sent', error: expect.stringMatching(/503/), marked: true },
    });
    expect(sw.slack.messages(SATO)).toEqual([]);
    expect((await sw.world.state.journal.getMany([key])).get(key)).toMatchObject({ state: 'failed' });
    // Not flagged as a notice that may have gone out, and the admins' summary lists the failure.
    expect(first.skips.filter((s) => s.row.accessKeyId === CI_KEY)).toEqual([]);
    const summary = (sw.slack.messages(ADMIN_CHANNEL) as Message[]).find((m) =>
      m.text.startsWith('Keywarden スイープ'),
    );
    expect(JSON.stringify(summary?.blocks)).toContain(
      '失敗: 送信できませんでした: An HTTP protocol error occurred: statusCode = 503',
    );
    expect(sw.world.userNames()).toContain('ci-deploy');

    down = false;
    const second = await sweep('2026-11-25');
    expect(ciNotice(second)?.outcome).toBe('done');
    const [dm] = sw.slack.messages(SATO) as Message[];
    expect(dm?.text).toContain('2026/11/28 に削除します');
    expect((await sw.world.state.journal.getMany([key])).get(key)).toMatchObject({
      state: 'completed',
      detail: { deleteOn: '2026-11-28' },
    });

    // The date the failed notice would have named passes without a deletion.
    const kept = await sweep('2026-11-27');
    expect(kept.results.map((r) => r.action.kind)).not.toContain('teardown-user');
    expect(kept.skips.filter((s) => s.reason === 'deletion-scheduled').map((s) => s.deleteOn)).toContain(
      '2026-11-28',
    );
    expect(sw.slack.messages(SATO)).toHaveLength(1);
    expect(sw.world.userNames()).toContain('ci-deploy');
  });

  it('a final notice that reached the owner before Slack failed is never sent twice', async () => {
    sw = await SlackWorld.start({
      // The admins' copy, which follows the owner's DM.
      slackOutage: (method, args) =>
        method === 'chat.postMessage' && String(args.text).includes('最終通知を送りました'),
    });
    const key = finalNoticeKey({ id: CI_KEY, endDate: '2026-11-20' } as never);
    const first = await sweep('2026-11-24');
    expect(
      first.results.find((r) => r.action.kind === 'notify-final' && r.action.row.iamUser === 'ci-deploy'),
    ).toMatchObject({ outcome: 'failed' });
    expect(sw.slack.messages(SATO)).toHaveLength(1);
    expect((await sw.world.state.journal.getMany([key])).get(key)).toMatchObject({ state: 'started' });

    const second = await sweep('2026-11-25');
    expect(sw.slack.messages(SATO)).toHaveLength(1);
    expect(second.skips.filter((s) => s.row.accessKeyId === CI_KEY)).toEqual([
      expect.objectContaining({ reason: 'already-notified', attention: true }),
    ]);
  });

  it('an owner who asks to extend after the final notice keeps the key on the named day', async () => {
    sw = await SlackWorld.start();
    await sweep();
    const [dm] = sw.slack.messages(SATO) as Message[];
    const id = SlackWorld.caseOf(CI_KEY, '2026-11-20');
    await sw.click(SATO, ACTION.extend, id, { channel: sw.slack.dmChannel(SATO), ts: dm!.ts });
    await eventually(() => sw.slack.callsTo('views.open')[0]);
    await sw.submit(SATO, VIEW.extend, id, {
      new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-20' } },
      reason: { text: { type: 'plain_text_input', value: 'リリースまで' } },
    });
    await eventually(() => sw.world.ledgerRow(CI_ROW)[STATUS] === '延長申請中' || undefined);

    const due = await sweep('2026-11-27');
    expect(due.results.map((r) => r.action.kind)).not.toContain('teardown-user');
    expect(sw.world.userNames()).toContain('ci-deploy');
  });
});
