import { ACTION, VIEW } from '../../src/slack/blocks';
import { messages } from '../../src/text/messages';
import { ADMIN, eventually, extendValues, OUTSIDER, OWNER, SlackWorld } from '../support/slack-world';
import { csvGrid } from '../support/world';

const ETL = SlackWorld.caseOf('AKIAEXAMPLEETLXX1001', '2026-11-28');
const HOSTILE = '<!channel> <@U0HACKER> <http://evil.example|click>';
const NOBODY = 'U0NOBODY';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type: string; action_id?: string; value?: string; text?: string | { text: string } }[];
};

/** The blocks of the Home tab last published for a user, once it is there. */
async function homeOf(sw: SlackWorld, user: string, after = 0): Promise<Block[]> {
  const call = await eventually(
    () => sw.slack.callsTo('views.publish').filter((c) => c.args.user_id === user)[after],
  );
  expect(call.ok).toBe(true);
  return (call.args.view as { blocks: Block[] }).blocks;
}

/** Every piece of text in the blocks, in order. */
function texts(blocks: readonly Block[]): string[] {
  return blocks.flatMap((block) => [
    ...(block.text ? [block.text.text] : []),
    ...(block.elements ?? []).flatMap((e) =>
      typeof e.text === 'string' ? [e.text] : e.text ? [e.text.text] : [],
    ),
  ]);
}

/** Buttons as `action id → value`, in order. */
function buttons(blocks: readonly Block[]): [string, string][] {
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) =>
      (block.elements ?? []).map((e): [string, string] => [e.action_id ?? '', e.value ?? '']),
    );
}

/** The section that names an IAM user, and the blocks after it up to the next section. */
function rowOf(blocks: readonly Block[], iamUser: string): Block[] {
  const start = blocks.findIndex((b) => b.type === 'section' && b.text?.text.startsWith(`*${iamUser}*`));
  if (start < 0) return [];
  const next = blocks.findIndex((b, i) => i > start && b.type !== 'actions');
  return blocks.slice(start, next < 0 ? undefined : next);
}

/** A button click from the Home tab: Slack sends it with the view, and no response_url. */
function clickInHome(sw: SlackWorld, user: string, actionId: string, value: string) {
  return sw.send({
    type: 'block_actions',
    team: { id: sw.slack.identity.teamId },
    user: { id: user, team_id: sw.slack.identity.teamId },
    api_app_id: 'A0KEYWARDEN',
    token: 'legacy',
    trigger_id: sw.slack.triggerId(user),
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', type: 'home', blocks: [], private_metadata: '', callback_id: '', hash: 'h' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
  });
}

function ledgerWith(extra: string[][]): string[][] {
  return [...csvGrid('ledger.csv'), ...extra];
}

describe('the Slack Home tab', () => {
  jest.setTimeout(60_000);
  let sw: SlackWorld;
  afterEach(async () => {
    await sw.close();
  });

  async function start(ledger?: string[][]) {
    sw = await SlackWorld.start(ledger ? { ledger } : {});
    sw.slack.setUsers([
      { id: OWNER, email: 'yamada@example.com', name: 'yamada' },
      { id: OUTSIDER, email: 'sato@example.com', name: 'sato' },
      { id: ADMIN, email: 'admin@example.com', name: 'admin', isAdmin: true },
      { id: NOBODY, email: 'nobody@example.com', name: 'nobody' },
    ]);
  }

  it('shows an employee their rows with the notice buttons, reading no ledger', async () => {
    await start();
    await sw.sweep();
    const reads = sw.world.sheets.stats.requests;
    expect((await sw.openHome(OWNER)).status).toBe(200);
    const blocks = await homeOf(sw, OWNER);

    expect(sw.world.sheets.stats.requests).toBe(reads);
    expect(blocks.length).toBeLessThanOrEqual(100);
    const row = rowOf(blocks, 'etl-batch');
    expect(texts(row).join('\n')).toMatch(/`AKIA…1001`[\s\S]*2026\/11\/28（あと4日）・状態: 利用中/);
    expect(texts(row).join()).not.toContain('AKIAEXAMPLEETLXX1001');
    expect(buttons(row)).toEqual([
      [ACTION.extend, ETL],
      [ACTION.delete, ETL],
    ]);
    // Nothing of the admins' part: no other owner's rows, no approvals, no sweep summary.
    expect(buttons(blocks).every(([action]) => action !== ACTION.approve)).toBe(true);
    expect(texts(blocks).join()).not.toMatch(/ci-deploy|承認待ち|最後のスイープ:/);
  });

  it("takes Extend and Approve from the tab through the same checked workflow, and redraws the owner's tab", async () => {
    await start();
    await sw.sweep();
    expect((await clickInHome(sw, OWNER, ACTION.extend, ETL)).status).toBe(200);
    const opened = await eventually(() => sw.slack.callsTo('views.open')[0]);
    expect(opened.args.view).toMatchObject({ callback_id: VIEW.extend, private_metadata: ETL });
    await sw.submit(OWNER, VIEW.extend, ETL, extendValues('2026-12-28', 'リリースまで'));
    await eventually(async () => (await sw.world.state.cases.get(ETL))?.status === 'extension-requested');

    // The admin sees the request with the approval buttons of the admin channel's copy.
    await sw.openHome(ADMIN);
    const admin = await homeOf(sw, ADMIN);
    expect(admin.length).toBeLessThanOrEqual(100);
    expect(buttons(admin)).toEqual(
      expect.arrayContaining([
        [ACTION.approve, ETL],
        [ACTION.deny, ETL],
      ]),
    );
    const all = texts(admin).join('\n');
    expect(all).toContain('承認待ちの延長申請');
    expect(all).toContain(`<@${OWNER}> さんの申請: 2026/12/28 まで — リリースまで`);
    // Upcoming expiries across owners, overdue ones included, and the last sweep.
    expect(all).toMatch(/2026\/11\/28（あと4日）\s+\*etl-batch\*/);
    expect(all).toMatch(/2026\/11\/30（あと6日）\s+\*log-shipper\*/);
    expect(all).toContain('30日以内に利用期間が終わるキー');
    expect(all).toMatch(/最後のスイープ: /);

    expect((await clickInHome(sw, ADMIN, ACTION.approve, ETL)).status).toBe(200);
    await eventually(async () => (await sw.world.state.cases.get(ETL))?.status === 'extended');
    expect(sw.world.ledgerRow(2)[7]).toBe('延長済み');

    // The decision redraws the owner's tab; opening it draws the same.
    const approved = `<@${ADMIN}> さんが延長を承認しました（2026/12/28 まで）`;
    const redrawn = await eventually(() =>
      sw.slack
        .callsTo('views.publish')
        .find((c) => c.args.user_id === OWNER && JSON.stringify(c.args.view).includes(approved)),
    );
    const drawn = sw.slack.callsTo('views.publish').filter((c) => c.args.user_id === OWNER).length;
    await sw.openHome(OWNER);
    const blocks = await homeOf(sw, OWNER, drawn);
    expect(blocks).toEqual((redrawn.args.view as { blocks: Block[] }).blocks);
    const after = rowOf(blocks, 'etl-batch');
    expect(buttons(after)).toEqual([]);
    expect(texts(after).join()).toContain(approved);
  });

  it('tells a clicker from the tab by DM when the row is already settled', async () => {
    await start();
    await sw.sweep();
    await clickInHome(sw, OWNER, ACTION.delete, ETL);
    await eventually(async () => (await sw.world.state.cases.get(ETL))?.status === 'deleted');
    await clickInHome(sw, OWNER, ACTION.extend, ETL);
    const dm = await eventually(() =>
      sw.slack.messages(OWNER).find((m) => m.text === messages('ja').alreadySettled),
    );
    expect(dm).toBeDefined();
  });

  it('escapes ledger text: a hostile name shows as text, never as a mention or ping', async () => {
    await start(
      ledgerWith([
        [HOSTILE, 'x', 'y', 'evil-user', 'AKIAEXAMPLEEVILX2001', '2026/11/01', '2026/12/10', '利用中'],
      ]),
    );
    await sw.sweep();
    await sw.openHome(ADMIN);
    const all = texts(await homeOf(sw, ADMIN)).join('\n');
    expect(all).toContain('&lt;!channel&gt; &lt;@U0HACKER&gt; &lt;http://evil.example|click&gt;');
    expect(all).not.toMatch(/<!|<http|<@U0HACKER/);
  });

  it('cuts a long list at 100 blocks and says how many rows are left out', async () => {
    const many = Array.from({ length: 150 }, (_, i) => {
      const n = String(i).padStart(4, '0');
      return [
        '山田 太郎',
        'x',
        'y',
        `bulk-${n}`,
        `AKIAEXAMPLEBULK${n}X`,
        '2027/01/01',
        '2027/06/30',
        '利用中',
      ];
    });
    await start(ledgerWith(many));
    await sw.sweep();
    await sw.openHome(OWNER);
    const blocks = await homeOf(sw, OWNER);
    expect(blocks.length).toBeLessThanOrEqual(100);
    const shown = blocks.filter(
      (b) => b.type === 'section' && /^\*(bulk|etl)/.test(b.text?.text ?? ''),
    ).length;
    const more = texts(blocks).find((t) => t.startsWith('ほか'));
    expect(more).toBe(`ほか${151 - shown}件は台帳をご覧ください。`);
    expect(shown).toBeGreaterThan(80);
    // The row with a notice comes first: the soonest end date.
    expect(rowOf(blocks, 'etl-batch')).not.toEqual([]);
    expect(texts(blocks).join()).toContain(
      '延長・削除のボタンは、利用終了日の7日前の通知とともに表示されます。',
    );
  });

  it('shows someone without rows that the ledger lists none, and says when no sweep has run', async () => {
    await start();
    await sw.openHome(NOBODY);
    expect(texts(await homeOf(sw, NOBODY)).join()).toContain('まだスイープが実行されていません');
    await sw.sweep();
    await sw.openHome(NOBODY);
    const blocks = await homeOf(sw, NOBODY, 1);
    expect(texts(blocks).join()).toContain('台帳にあなたのアクセスキーはありません。');
    expect(buttons(blocks)).toEqual([]);
  });

  it('refuses a forged event and ignores the Messages tab', async () => {
    await start();
    await sw.sweep();
    expect((await sw.openHome(OWNER, 'home', { secret: 'not-the-secret' })).status).toBe(401);
    expect((await sw.openHome(OWNER, 'messages')).status).toBe(200);
    // Signed, but not a user id Slack would send: audited and dropped.
    expect((await sw.openHome('<!channel>')).status).toBe(200);
    // A signed Home open afterwards is drawn: the two before it would have been drawn first.
    await sw.openHome(OUTSIDER);
    await homeOf(sw, OUTSIDER);
    expect(sw.slack.callsTo('views.publish').map((c) => c.args.user_id)).toEqual([OUTSIDER]);
    const refused = (await sw.world.state.audit.listDay('2026-11-24')).filter(
      (event) => event.action === 'app-home-opened',
    );
    expect(refused).toEqual([expect.objectContaining({ outcome: 'skipped', actor: 'slack:unknown' })]);
    expect(refused[0]?.detail).toMatch(/^refused: invalid input: user: not a Slack user id/);
  });
});
