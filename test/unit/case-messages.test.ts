import type { KnownBlock } from '@slack/types';
import type { LocalDate } from '../../src/domain/dates';
import type { GroupLine, NoticeCase } from '../../src/ports/cases';
import { groupMessage } from '../../src/slack/admin-groups';
import { ACTION } from '../../src/slack/blocks';
import { caseMessages } from '../../src/slack/case-messages';
import { messages } from '../../src/text/messages';

const m = messages('en');
const today = '2026-11-24' as LocalDate;
const owner = { channel: 'D0OWNER', ts: '1.000100' };
const adminCopy = { channel: 'C0ADMINS', ts: '1.000200' };
const approval = { channel: 'C0ADMINS', ts: '1.000300' };

const base: NoticeCase = {
  id: 'AKIAEXAMPLEETLXX1001#2026-11-28',
  accessKeyId: 'AKIAEXAMPLEETLXX1001',
  iamUser: 'etl-batch',
  name: 'Taro Yamada',
  purpose: 'ETL',
  resource: 's3://analytics-raw',
  startDate: '2026-05-01' as LocalDate,
  endDate: '2026-11-28' as LocalDate,
  ownerSlackId: 'U01YAMADA',
  status: 'open',
  ownerMessage: owner,
  adminMessages: [adminCopy],
  version: 3,
};
const request = {
  newEndDate: '2026-12-28' as LocalDate,
  reason: 'release',
  requestedBy: 'U01YAMADA',
  requestedAt: 'x',
};

const buttons = (blocks: readonly KnownBlock[]) =>
  blocks.flatMap((block) =>
    block.type === 'actions' ? block.elements.map((e) => ('action_id' in e ? e.action_id : '')) : [],
  );
/** Which message shows which buttons, and the text Slack notifications use. */
const drawn = (notice: NoticeCase) =>
  caseMessages(notice, m, today).map((view) => [view.ref.ts, buttons(view.blocks), view.text]);

describe('the messages of a case, drawn from its state', () => {
  it('open: the owner has Extend and Delete, the admins the plain copy', () => {
    expect(drawn(base)).toEqual([
      [owner.ts, [ACTION.extend, ACTION.delete], 'Your access key expires in 4 days'],
      [adminCopy.ts, [], 'Expiry notice sent to <@U01YAMADA> (4 days left)'],
    ]);
  });

  it('open after a denial: the owner gets the buttons back with the reason; the admins see the denial', () => {
    const denied: NoticeCase = {
      ...base,
      adminMessages: [adminCopy, approval],
      decision: { by: 'U0ADMIN', at: 'x', outcome: 'denied', note: 'no' },
    };
    const state = '<@U0ADMIN> denied the extension: no';
    expect(drawn(denied)).toEqual([
      [owner.ts, [ACTION.extend, ACTION.delete], state],
      [adminCopy.ts, [], state],
      [approval.ts, [], state],
    ]);
  });

  it('extension requested: only the latest admin message, the approval request, has buttons', () => {
    const requested: NoticeCase = {
      ...base,
      status: 'extension-requested',
      request,
      adminMessages: [adminCopy, approval],
    };
    const state = 'Extension requested until 2026/12/28, awaiting approval';
    expect(drawn(requested)).toEqual([
      [owner.ts, [], state],
      [adminCopy.ts, [], state],
      [approval.ts, [ACTION.approve, ACTION.deny], '<@U01YAMADA> asks to extend an access key'],
    ]);
  });

  it('extended and deleted: settled everywhere', () => {
    const decision = { by: 'U0ADMIN', at: 'x', outcome: 'approved' as const };
    expect(drawn({ ...base, status: 'extended', request, decision }).map(([, b, text]) => [b, text])).toEqual(
      [
        [[], '<@U0ADMIN> approved the extension until 2026/12/28'],
        [[], '<@U0ADMIN> approved the extension until 2026/12/28'],
      ],
    );
    const deleted = {
      ...base,
      status: 'deleted' as const,
      decision: { ...decision, outcome: 'deleted' as const },
    };
    expect(drawn(deleted).map(([, b]) => b)).toEqual([[], []]);
  });

  it('deleted but unrecorded: every message offers only the retry of the ledger write', () => {
    const unrecorded: NoticeCase = {
      ...base,
      status: 'deleted-unrecorded',
      decision: { by: 'U01YAMADA', at: 'x', outcome: 'deleted' },
    };
    const views = caseMessages(unrecorded, m, today);
    expect(views.map((view) => buttons(view.blocks))).toEqual([[ACTION.delete], [ACTION.delete]]);
    expect(JSON.stringify(views[0]?.blocks)).toContain('Record in ledger');
    expect(JSON.stringify(views[0]?.blocks)).not.toContain('confirm');
  });

  it('in flight: a deletion shows "deleting" without buttons; other decisions are not drawn', () => {
    const since = '2026-11-24T06:00:00Z';
    const deleting: NoticeCase = {
      ...base,
      status: 'in-flight',
      inFlight: { action: 'delete', by: 'U01YAMADA', since, from: 'open' },
    };
    expect(drawn(deleting).map(([, b, text]) => [b, text])).toEqual([
      [[], "Deleting at <@U01YAMADA>'s request…"],
      [[], "Deleting at <@U01YAMADA>'s request…"],
    ]);
    expect(
      drawn({
        ...deleting,
        inFlight: { action: 'approve', by: 'U0ADMIN', since, from: 'extension-requested' },
      }),
    ).toEqual([]);
  });
});

describe("a deactivated row: Reactivate on its line in the admins' grouped deactivations only", () => {
  const deactivation = {
    on: '2026-11-29' as LocalDate,
    deleteOn: '2026-12-02' as LocalDate,
    consoleRemoved: false,
  };
  const deactivated: NoticeCase = { ...base, status: 'deactivated', deactivation };
  const state = 'Access key deactivated on 2026/11/29; deleted on 2026/12/02 unless an admin reactivates';
  const lines: GroupLine[] = [
    { kind: 'case', caseId: base.id, notice: { kind: 'deactivated' } },
    { kind: 'case', caseId: 'AKIAEXAMPLEOTHER1002#2026-11-28', notice: { kind: 'deactivated' } },
  ];
  const other: NoticeCase = {
    ...deactivated,
    id: 'AKIAEXAMPLEOTHER1002#2026-11-28',
    ownerSlackId: 'U02SATO',
  };
  /** Each line's blocks after the heading: [section, state, buttons]. */
  const group = (notice: NoticeCase, about: GroupLine[] = lines) =>
    groupMessage(
      { account: null, part: 1, parts: 1, lines: about },
      new Map([
        [notice.id, notice],
        [other.id, other],
      ]),
      m,
    );

  it("the row's own messages say it is deactivated, without buttons", () => {
    expect(drawn(deactivated)).toEqual([
      [owner.ts, [], state],
      [adminCopy.ts, [], state],
    ]);
  });

  it('each line has its own Reactivate, valued with its case; the heading counts the rows', () => {
    const { text, blocks } = group(deactivated);
    expect(blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*2 expired access keys deactivated*' },
    });
    expect(text.split('\n')).toEqual([
      '2 expired access keys deactivated',
      '• Deactivated the access key of <@U01YAMADA>',
      '• Deactivated the access key of <@U02SATO>',
    ]);
    expect(blocks.slice(1).map((block) => block.type)).toEqual([
      'section',
      'context',
      'actions',
      'section',
      'context',
      'actions',
    ]);
    expect(blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: state }] });
    const reactivates = blocks.flatMap((block) =>
      block.type === 'actions' ? block.elements.map((e) => ('value' in e ? [e.action_id, e.value] : [])) : [],
    );
    expect(reactivates).toEqual([
      [ACTION.reactivate, base.id],
      [ACTION.reactivate, other.id],
    ]);
  });

  it('a Reactivate under way keeps the line as it was; once committed, the line settles without it', () => {
    const since = '2026-11-30T01:00:00Z';
    const underWay: NoticeCase = {
      ...deactivated,
      status: 'in-flight',
      inFlight: { action: 'reactivate', by: 'U0ADMIN', since, from: 'deactivated' },
    };
    expect(group(underWay).blocks.slice(1, 4)).toEqual(group(deactivated).blocks.slice(1, 4));
    const reactivated: NoticeCase = {
      ...deactivated,
      status: 'extended',
      request: {
        newEndDate: '2026-12-28' as LocalDate,
        reason: 'r',
        requestedBy: 'U0ADMIN',
        requestedAt: since,
      },
      decision: { by: 'U0ADMIN', at: since, outcome: 'reactivated' },
    };
    const settled = group(reactivated).blocks;
    expect(settled.slice(1, 3).map((block) => block.type)).toEqual(['section', 'context']);
    expect(settled[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '<@U0ADMIN> reactivated it, extended until 2026/12/28' }],
    });
    // The other row's line is untouched, button and all.
    expect(settled.slice(3)).toEqual(group(deactivated).blocks.slice(4));
  });

  it("the row's line in an expiry notices' group says it is deactivated, without Reactivate", () => {
    const expiry: GroupLine[] = [
      { kind: 'case', caseId: base.id, notice: { kind: 'week-ahead', daysLeft: 4 } },
    ];
    const { blocks } = group(deactivated, expiry);
    expect(blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*1 access key expiry notice*' },
    });
    expect(blocks.slice(1).map((block) => block.type)).toEqual(['section', 'context']);
    expect(blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: state }] });
  });
});
