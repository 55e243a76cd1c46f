import { WebClient } from '@slack/web-api';
import type { LocalDate } from '../../src/domain/dates';
import { parseLedger } from '../../src/domain/ledger';
import type { CaseStore, NoticeCase } from '../../src/ports/cases';
import type { AdminCopy } from '../../src/ports/notifier';
import { blocksTextLength, MAX_BLOCKS_TEXT } from '../../src/slack/admin-groups';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { redrawCase } from '../../src/slack/redraw';
import { messages } from '../../src/text/messages';
import { startGate } from '../support/gate';
import {
  type Block,
  bareNotifier,
  hostileRow,
  linesOf,
  type Message,
  stateOf,
} from '../support/grouped-messages';
import {
  ADMIN,
  ADMIN_CHANNEL,
  actionIds,
  BOT_TOKEN,
  eventually,
  extendValues,
  OWNER,
  SlackWorld,
} from '../support/slack-world';
import { csvGrid, exampleAccount } from '../support/world';

const ETL_KEY = 'AKIAEXAMPLEETLXX1001';
const id = SlackWorld.caseOf(ETL_KEY, '2026-11-28');
const GROUP_TITLE = /^アクセスキーの期限に関する通知 \d+件/;

const lineOf = (lines: Block[][], iamUser: string) =>
  lines.findIndex((line) => line[0]?.text?.text.includes(`*IAMユーザー* ${iamUser}`));

describe("the admins' grouped notices", () => {
  let sw: SlackWorld;
  afterEach(async () => {
    await sw.close();
  });

  const groups = () =>
    (sw.slack.messages(ADMIN_CHANNEL) as Message[]).filter((m) => GROUP_TITLE.test(m.text));
  const groupNow = (ts: string) => (sw.slack.messages(ADMIN_CHANNEL) as Message[]).find((m) => m.ts === ts);

  it("one admin post for an account's notices; each click redraws that notice's line and no other", async () => {
    sw = await SlackWorld.start();
    const report = await sw.sweep();
    const notices = report.results.filter((r) => r.action.kind.startsWith('notify-'));
    expect(notices.length).toBeGreaterThanOrEqual(2);
    expect(notices.every((r) => r.outcome === 'done')).toBe(true);

    // One grouped post instead of one per notice; besides it, only the sweep summary.
    const adminPosts = sw.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ADMIN_CHANNEL);
    expect(groups()).toHaveLength(1);
    expect(adminPosts).toHaveLength(2);
    const [group] = groups();
    const before = linesOf(group);
    expect(before).toHaveLength(notices.length);
    expect(group?.text).toMatch(`アクセスキーの期限に関する通知 ${notices.length}件`);
    // Nothing for the admins to click while owners decide.
    expect(actionIds(group)).toEqual([]);
    const etl = lineOf(before, 'etl-batch');
    expect(before[etl]?.[0]?.text?.text).toContain(`*<@${OWNER}> さんに期限通知を送りました（残り4日）*`);
    expect(before[etl]).toHaveLength(1);

    // The owner asks for more time from the DM: the group's etl-batch line says so, the rest stay.
    const [dm] = sw.slack.messages(OWNER);
    await sw.click(OWNER, ACTION.extend, id, { channel: sw.slack.dmChannel(OWNER), ts: dm!.ts });
    await eventually(() => sw.slack.callsTo('views.open')[0]);
    await sw.submit(OWNER, VIEW.extend, id, extendValues('2026-12-28', 'リリースまで'));
    const requested = await eventually(() => {
      const lines = linesOf(groupNow(group!.ts));
      return lines[etl]?.length === 2 ? lines : undefined;
    });
    expect(stateOf(requested[etl])).toBe('延長申請中（2026/12/28 まで）— 承認待ちです');
    expect(requested.filter((_, n) => n !== etl)).toEqual(before.filter((_, n) => n !== etl));

    // An admin approves from the approval request: the line shows who approved, still no buttons.
    const approval = await eventually(() =>
      (sw.slack.messages(ADMIN_CHANNEL) as Message[]).find((m) => actionIds(m).includes(ACTION.approve)),
    );
    await sw.click(ADMIN, ACTION.approve, id, { channel: ADMIN_CHANNEL, ts: approval.ts });
    const approved = await eventually(() => {
      const lines = linesOf(groupNow(group!.ts));
      return stateOf(lines[etl])?.includes('承認しました') ? lines : undefined;
    });
    expect(stateOf(approved[etl])).toBe(`<@${ADMIN}> さんが延長を承認しました（2026/12/28 まで）`);
    expect(approved.filter((_, n) => n !== etl)).toEqual(before.filter((_, n) => n !== etl));
    expect(actionIds(groupNow(group!.ts))).toEqual([]);
    // Still one grouped message: a redraw edits it, never posts another.
    expect(groups()).toHaveLength(1);
  });

  it('an owner who deletes from the DM: the line shows the deletion, the others are untouched', async () => {
    sw = await SlackWorld.start();
    await sw.sweep();
    const [group] = groups();
    const before = linesOf(group);
    const etl = lineOf(before, 'etl-batch');
    const [dm] = sw.slack.messages(OWNER);
    await sw.click(OWNER, ACTION.delete, id, { channel: sw.slack.dmChannel(OWNER), ts: dm!.ts });
    const after = await eventually(() => {
      const lines = linesOf(groupNow(group!.ts));
      return stateOf(lines[etl])?.includes('削除しました') ? lines : undefined;
    });
    expect(stateOf(after[etl])).toBe(`<@${OWNER}> さんの操作で削除しました`);
    expect(after.filter((_, n) => n !== etl)).toEqual(before.filter((_, n) => n !== etl));
  });

  it('a many-notice sweep: 40 more notices, still a handful of admin posts', async () => {
    const account = exampleAccount();
    const extra = Array.from({ length: 40 }, (_, n) => ({
      userName: `svc-${n}`,
      key: `AKIAEXAMPLEMANY${String(n).padStart(5, '0')}`,
      // Half for an owner in the people table, half for a name nobody knows.
      name: n % 2 === 0 ? '山田 太郎' : `名無し ${n}`,
    }));
    const ledger = [
      ...csvGrid('ledger.csv'),
      ...extra.map((e) => [
        e.name,
        '集計',
        's3://bucket',
        e.userName,
        e.key,
        '2026/05/01',
        '2026/11/28',
        '利用中',
      ]),
    ];
    sw = await SlackWorld.start({
      account: {
        ...account,
        users: [
          ...(account.users ?? []),
          ...extra.map((e) => ({
            userName: e.userName,
            createDate: '2026-05-01T01:00:00Z',
            accessKeys: [{ accessKeyId: e.key, createDate: '2026-05-01T01:00:00Z' }],
          })),
        ],
      },
      ledger,
    });
    const report = await sw.sweep();
    const notices = report.results.filter((r) => r.action.kind.startsWith('notify-'));
    expect(notices.length).toBeGreaterThanOrEqual(42);
    expect(notices.every((r) => r.outcome === 'done')).toBe(true);
    const adminPosts = sw.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ADMIN_CHANNEL);
    // The grouped notices in a few parts, and the sweep summary: not one post per notice.
    const parts = groups();
    expect(parts.map((part) => linesOf(part).length).reduce((a, b) => a + b, 0)).toBe(notices.length);
    expect(adminPosts).toHaveLength(parts.length + 1);
    expect(parts.length).toBeLessThanOrEqual(4);
    expect(sw.slack.messages(OWNER)).toHaveLength(21);
  });

  it('a click that lands between drawing the group and storing it still shows in the group', async () => {
    sw = await SlackWorld.start();
    const store = sw.world.state.cases;
    // The owner's Extend commits while the grouped message is on its way.
    const cases: CaseStore = {
      create: (notice) => store.create(notice),
      get: (caseId) => store.get(caseId),
      getMany: (ids) => store.getMany(ids),
      transition: (...args) => store.transition(...args),
      getGroup: (ref) => store.getGroup(ref),
      groupsOf: (caseId) => store.groupsOf(caseId),
      saveGroup: async (group) => {
        await store.transition(id, ['open'], (c) => ({
          ...c,
          status: 'extension-requested',
          request: { newEndDate: '2026-12-28' as never, reason: 'r', requestedBy: OWNER, requestedAt: 'now' },
        }));
        await store.saveGroup(group);
      },
    };
    const notifier = bareNotifier(sw, messages('ja'), cases);
    const [row] = parseLedger(csvGrid('ledger.csv')).rows;
    const copy = await notifier.weekAhead({ row: row!, slackId: OWNER, daysLeft: 4 });
    expect(await notifier.adminCopies([copy], null)).toEqual({ posted: 1 });
    const [group] = groups();
    expect(stateOf(linesOf(group)[0])).toBe('延長申請中（2026/12/28 まで）— 承認待ちです');
  });

  it('a group Slack took but the store could not keep still counts as posted; the miss is reported', async () => {
    sw = await SlackWorld.start();
    const store = sw.world.state.cases;
    const cases: CaseStore = {
      create: (notice) => store.create(notice),
      get: (caseId) => store.get(caseId),
      getMany: (ids) => store.getMany(ids),
      transition: (...args) => store.transition(...args),
      getGroup: (ref) => store.getGroup(ref),
      groupsOf: (caseId) => store.groupsOf(caseId),
      saveGroup: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const notifier = bareNotifier(sw, messages('ja'), cases);
    const report = await sw.sweep({ notifier, slackDirectory: notifier });
    const notices = report.results.filter((r) => r.action.kind.startsWith('notify-'));
    expect(notices.length).toBeGreaterThanOrEqual(2);
    expect(groups()).toHaveLength(1);
    for (const notice of notices)
      expect([notice.outcome, notice.detail]).toEqual([
        'done',
        { kind: 'sent-group-unsaved', error: 'ProvisionedThroughputExceededException' },
      ]);
    // Delivered notices are journaled as delivered: the next sweep neither flags nor resends them.
    const keyOf = (r: (typeof notices)[number]) => ('key' in r.action ? r.action.key : '');
    const journal = await sw.world.state.journal.getMany(notices.map(keyOf));
    expect(notices.map((notice) => journal.get(keyOf(notice))?.state)).toEqual(
      notices.map(() => 'completed'),
    );
    const next = await sw.sweep({ notifier, slackDirectory: notifier });
    expect(next.skips.filter((s) => s.detail.kind === 'notice-unsure')).toEqual([]);
    expect(next.results.filter((r) => r.action.kind.startsWith('notify-'))).toEqual([]);
    expect(sw.slack.messages(OWNER)).toHaveLength(1);
  });

  it('two clicks in one group: the update Slack applies last is drawn again with the other line', async () => {
    sw = await SlackWorld.start();
    const store = sw.world.state.cases;
    const [first, second] = parseLedger(csvGrid('ledger.csv')).rows;
    const copies = [
      await sw.notifier.weekAhead({ row: first!, slackId: OWNER, daysLeft: 4 }),
      await sw.notifier.weekAhead({ row: second!, slackId: OWNER, daysLeft: 4 }),
    ];
    expect(await sw.notifier.adminCopies(copies, null)).toEqual({ posted: 2 });
    const [group] = groups();
    const [a, b] = copies.map((copy) => (copy.kind === 'owner-told' ? copy.caseId : ''));
    const request = (c: NoticeCase): Omit<NoticeCase, 'version'> => ({
      ...c,
      status: 'extension-requested',
      request: { newEndDate: '2026-12-28' as never, reason: 'r', requestedBy: OWNER, requestedAt: 'now' },
    });

    // Click A's update of the group is held at the gate after A drew B's line as still open.
    let held = false;
    let reached!: () => void;
    const aDrawn = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate = await startGate(sw.slack.apiUrl, async (call) => {
      if (held || !call.path.includes('chat.update') || !call.body.includes(group!.ts)) return;
      held = true;
      reached();
      await released;
    });
    try {
      const web = new WebClient(BOT_TOKEN, { slackApiUrl: `${gate.url}/`, retryConfig: { retries: 0 } });
      const deps = { web, cases: store, messages: messages('ja') };
      const today = '2026-11-24' as LocalDate;
      const clickA = redrawCase(deps, (await store.transition(a!, ['open'], request))!, today);
      await aDrawn;
      // Click B commits and draws A's line as requested; its update lands first.
      expect(await redrawCase(deps, (await store.transition(b!, ['open'], request))!, today)).toBe(0);
      release();
      expect(await clickA).toBe(0);
    } finally {
      await gate.close();
    }
    // A's update landed last with B's line as A read it; A's re-check drew it again.
    const lines = linesOf(groupNow(group!.ts));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(stateOf(line)).toBe('延長申請中（2026/12/28 まで）— 承認待ちです');
  });

  describe('split within Slack’s limits', () => {
    it('short lines: a part holds as many as 50 blocks allow, and the rest go on', async () => {
      sw = await SlackWorld.start();
      const m = messages('ja');
      const notifier = bareNotifier(sw, m);
      const copies: AdminCopy[] = Array.from({ length: 30 }, (_, n) => ({
        kind: 'admins-only',
        row: { ...hostileRow(n, 'GRP'), name: `n${n}`, purpose: 'p', resource: 'r' },
        reason: `reason ${n}`,
        notice: { kind: 'week-ahead', daysLeft: 4 },
      }));
      expect(await notifier.adminCopies(copies, null)).toEqual({ posted: 30 });
      const posted = sw.slack.messages(ADMIN_CHANNEL) as Message[];
      // A heading and two blocks a line: 24 lines fill 49 blocks, the other 6 make the second part.
      expect(posted.map((message) => message.blocks?.length)).toEqual([49, 13]);
      expect(posted.map((message) => linesOf(message).length)).toEqual([24, 6]);
      expect((posted[1]?.blocks?.[0] as Block | undefined)?.text?.text).toBe(
        `*${m.adminGroupTitle(null, 6, 2, 2)}*`,
      );
    });

    it.each(['ja', 'en'] as const)(
      '%s: 60 notices → parts of at most 50 blocks and the text budget, every notice once, in order',
      async (language) => {
        sw = await SlackWorld.start();
        const m = messages(language);
        const notifier = bareNotifier(sw, m);
        const copies: AdminCopy[] = Array.from({ length: 60 }, (_, n) => ({
          kind: 'admins-only',
          row: hostileRow(n, 'GRP'),
          reason: `<!here> reason ${n}`,
          notice:
            n % 2 === 0
              ? { kind: 'week-ahead', daysLeft: 4 }
              : { kind: 'final', deleteOn: '2026-12-03' as never },
        }));

        expect(await notifier.adminCopies(copies, '123456789012')).toEqual({ posted: 60 });

        const posted = sw.slack.messages(ADMIN_CHANNEL) as Message[];
        expect(posted.length).toBeGreaterThan(1);
        expect(posted.length).toBeLessThan(30);
        for (const [n, message] of posted.entries()) {
          expect(message.blocks?.length).toBeLessThanOrEqual(50);
          expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(MAX_BLOCKS_TEXT);
          const heading = (message.blocks?.[0] as Block | undefined)?.text?.text;
          expect(heading).toBe(
            `*${m.adminGroupTitle('123456789012', linesOf(message).length, n + 1, posted.length)}*`,
          );
        }
        const users = posted.flatMap((message) =>
          linesOf(message).map((line) => /svc-\d+/.exec(line[0]?.text?.text ?? '')?.[0]),
        );
        expect(users).toEqual(copies.map((copy) => copy.row.iamUser));
        // Every line carries its row and reason, escaped: no ping, mention or link from the ledger.
        const texts = JSON.stringify(posted.map((message) => message.blocks));
        expect(texts).not.toMatch(/<!|<@U0HACKER/);
        expect(texts).toContain(m.ownerUnknownRow(2, '<!here> reason 0'));
        expect(texts).toContain(m.ownerUnknownTitle);
        expect(texts).toContain(m.finalOwnerUnknownTitle('2026/12/03'));
      },
    );
  });

  it('Slack refusing the group: what was posted is counted, the rest reported', async () => {
    sw = await SlackWorld.start({
      slackOutage: (method, args) => method === 'chat.postMessage' && GROUP_TITLE.test(String(args.text)),
    });
    const report = await sw.sweep();
    const notices = report.results.filter((r) => r.action.kind.startsWith('notify-'));
    expect(new Set(notices.map((r) => r.action.kind))).toEqual(
      new Set(['notify-week-ahead', 'notify-owner-unknown']),
    );
    for (const notice of notices) {
      expect(notice.outcome).toBe('failed');
      expect(notice.detail.kind).toBe(
        notice.action.kind === 'notify-week-ahead' ? 'admin-copy-failed' : 'not-sent',
      );
    }
    // An owner who has the DM is not sent it again (flagged instead); a notice for the admins alone is.
    const keyOf = (r: (typeof notices)[number]) => ('key' in r.action ? r.action.key : '');
    const journal = await sw.world.state.journal.getMany(notices.map(keyOf));
    for (const notice of notices)
      expect([notice.action.kind, journal.get(keyOf(notice))?.state]).toEqual([
        notice.action.kind,
        notice.action.kind === 'notify-week-ahead' ? 'started' : 'failed',
      ]);
    expect(sw.slack.messages(OWNER)).toHaveLength(1);
    const next = await sw.sweep();
    expect(next.skips.find((s) => s.row.iamUser === 'etl-batch')).toMatchObject({
      attention: true,
      detail: { kind: 'notice-unsure', notice: 'week-ahead' },
    });
    expect(next.results.map((r) => [r.action.kind, r.outcome])).toEqual([['notify-owner-unknown', 'failed']]);
  });
});
