import type { LocalDate } from '../../src/domain/dates';
import type { HomeRow, HomeSummary } from '../../src/domain/home';
import { caseId, type NoticeCase } from '../../src/ports/cases';
import { ACTION } from '../../src/slack/blocks';
import { homeView, MAX_HOME_BLOCKS } from '../../src/slack/home-view';
import { homeText } from '../../src/text/home';
import { messages } from '../../src/text/messages';

const TODAY = '2026-11-24' as LocalDate;
const VIEWER = 'U01YAMADA';
const HOSTILE = '<!channel> & <@U0HACKER>'.repeat(20);

const summary: HomeSummary = {
  sweepId: 's1',
  finishedAt: '2026-11-24T06:00:10Z',
  today: TODAY,
  verdict: 'succeeded',
  actions: { 'notify-week-ahead:done': 2 },
  failed: 0,
  attention: 1,
  malformed: 0,
  noticeDays: 7,
};

function row(n: number, endDate: string, owner: string | null = VIEWER): HomeRow {
  const id = String(n).padStart(4, '0');
  return {
    rowNumber: n + 2,
    name: HOSTILE,
    iamUser: `user-${id}`,
    accessKeyId: `AKIAEXAMPLEBULK${id}X`,
    accountId: null,
    endDate: endDate as LocalDate,
    status: 'active',
    ownerSlackId: owner,
  };
}

function pendingCase(r: HomeRow): NoticeCase {
  return {
    id: caseId(r.accessKeyId, r.endDate),
    accessKeyId: r.accessKeyId,
    iamUser: r.iamUser,
    name: r.name,
    purpose: '',
    resource: '',
    startDate: null,
    endDate: r.endDate,
    ownerSlackId: 'U02SATO',
    status: 'extension-requested',
    adminMessages: [],
    request: {
      newEndDate: '2026-12-31' as LocalDate,
      reason: HOSTILE.repeat(5).slice(0, 500),
      requestedBy: 'U02SATO',
      requestedAt: '2026-11-24T01:00:00Z',
    },
    version: 3,
  };
}

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: unknown[] };

describe('homeView', () => {
  const t = { home: homeText('ja'), messages: messages('ja'), language: 'ja' as const };

  it("stays inside Slack's limits for an admin with hundreds of rows and requests", () => {
    const own = Array.from({ length: 300 }, (_, i) => row(i, '2027-06-30'));
    const upcoming = Array.from({ length: 400 }, (_, i) => row(1000 + i, '2026-12-01', null));
    const pending = upcoming.slice(0, 40).map(pendingCase);
    const view = homeView(
      {
        viewer: VIEWER,
        today: TODAY,
        summary: { summary, when: '2026/11/24 15:00' },
        own,
        cases: new Map(pending.map((c) => [c.id, c])),
        admin: { upcoming, pending },
      },
      t,
    );
    const blocks = view.blocks as Block[];
    expect(view.type).toBe('home');
    expect(blocks.length).toBeLessThanOrEqual(MAX_HOME_BLOCKS);
    expect(blocks.every((b) => (b.text?.text.length ?? 0) <= 3000)).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(250_000);
    const all = JSON.stringify(blocks);
    expect(all).not.toMatch(/<!channel>|<@U0HACKER>/);
    // Ten requests with their buttons, then a pointer to the admin channel for the rest.
    expect(all.match(new RegExp(ACTION.approve, 'g'))).toHaveLength(10);
    expect(all).toContain('ほか30件は管理チャンネルの申請メッセージから操作してください。');
    // The person's own rows are what gives way, and the note says how many are not shown.
    const shown = blocks.filter((b) => b.text?.text.startsWith('*user-0')).length;
    expect(shown).toBeGreaterThan(0);
    expect(all).toContain(`ほか${300 - shown}件は台帳をご覧ください。`);
  });

  it('shows buttons only on a case the viewer may act on', () => {
    const mine = row(1, '2026-11-28');
    const open: NoticeCase = { ...pendingCase(mine), status: 'open', ownerSlackId: 'U09OTHER' };
    const { request: _none, ...withoutRequest } = open;
    const view = homeView(
      {
        viewer: VIEWER,
        today: TODAY,
        summary: { summary, when: 'x' },
        own: [mine],
        cases: new Map([[open.id, withoutRequest]]),
      },
      t,
    );
    expect(JSON.stringify(view.blocks)).not.toContain(ACTION.extend);
  });

  describe("the admin's last-sweep counts", () => {
    const counts: HomeSummary = {
      ...summary,
      actions: { 'notify-week-ahead:done': 3, 'teardown-user:failed': 1, 'retired-kind:done': 2 },
    };
    const lastSweep = (language: 'ja' | 'en') =>
      (
        homeView(
          {
            viewer: VIEWER,
            today: TODAY,
            summary: { summary: counts, when: '2026/11/24 15:00' },
            own: [],
            cases: new Map(),
            admin: { upcoming: [], pending: [] },
          },
          { home: homeText(language), messages: messages(language), language },
        ).blocks as Block[]
      )
        .map((b) => b.text?.text ?? '')
        .find((text) => text.startsWith('2026/11/24 ·'))
        ?.split('\n')
        .slice(1);

    it("name each action and outcome in the reader's language", () => {
      expect(lastSweep('ja')).toEqual([
        '• 期限通知・完了 3件',
        '• retired-kind:done: 2',
        '• ユーザー削除・失敗 1件',
      ]);
      expect(lastSweep('en')).toEqual([
        '• notify-week-ahead:done 3',
        '• retired-kind:done: 2',
        '• teardown-user:failed 1',
      ]);
    });
  });
});
