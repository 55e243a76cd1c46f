import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import type { HygieneSummary } from '../../src/domain/report';
import type { FindingsNotice } from '../../src/ports/notifier';
import type { SweepDeps } from '../../src/sweep/deps';
import { eventually, SlackWorld } from '../support/slack-world';
import { RecordingNotifier, World } from '../support/world';

function hygiene(world: World, deactivateStaleKeys = false): Partial<SweepDeps> {
  return {
    credentialReports: new AwsCredentialReportSource(world.iamClient, { sleep: async () => {} }),
    hygiene: {
      policy: DEFAULT_HYGIENE_POLICY,
      deactivateStaleKeys,
    },
  };
}

const summaryOf = (report: { hygiene?: HygieneSummary | { error: string } }) => {
  if (!report.hygiene || 'error' in report.hygiene)
    throw new Error(`no hygiene summary: ${JSON.stringify(report.hygiene)}`);
  return report.hygiene;
};

describe('hygiene checks in the daily sweep', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('DMs each owner once, listing all of their new findings, once per window, and lists new findings for the admins', async () => {
    world = await World.start();
    const first = summaryOf(await world.sweep('apply', hygiene(world)));
    expect(first.total).toBeGreaterThan(5);
    // backup-agent and admin-console are protected by tag: their findings are muted, not DMed or pinged.
    expect(first.muted).toBeGreaterThan(0);
    expect(first.fresh).toBe(first.total - first.muted);
    const dms = world.notifier.findingDms;
    const owners = dms.map((dm) => dm.slackId);
    expect(new Set(owners).size).toBe(owners.length);
    expect(first.notified).toBe(dms.length);
    expect(first.notifiedFindings).toBe(dms.flatMap((dm) => dm.findings).length);
    // ml-train's two findings go to its owner in one DM; etl-batch's owner comes from the ledger's name and the people table.
    const findingsOf = (slackId: string) =>
      dms.filter((dm) => dm.slackId === slackId).map((dm) => dm.findings.map((f) => [f.user, f.kind]));
    expect(findingsOf('U06WATANABE')).toEqual([
      [
        ['ml-train', 'key-too-old'],
        ['ml-train', 'unused-credentials'],
      ],
    ]);
    expect(findingsOf('U01YAMADA')).toEqual([[['etl-batch', 'key-too-old']]]);
    expect(world.notifier.digests).toHaveLength(1);
    expect(world.notifier.digests[0]?.fresh).toHaveLength(first.fresh);
    const pinged = [...dms.flatMap((dm) => dm.findings), ...(world.notifier.digests[0]?.fresh ?? [])];
    expect(pinged.map((f) => f.user)).not.toEqual(expect.arrayContaining(['backup-agent']));
    expect(pinged.map((f) => f.user)).not.toEqual(expect.arrayContaining(['admin-console']));

    const second = summaryOf(await world.sweep('apply', hygiene(world)));
    expect(second).toMatchObject({ total: first.total, fresh: 0, notified: 0, notifiedFindings: 0 });
    expect(world.notifier.findingDms).toHaveLength(first.notified);
    expect(world.notifier.digests).toHaveLength(1);
  });

  it('never resends findings a dead sweep claimed: their owner gets no DM, the admins get the digest', async () => {
    world = await World.start();
    // Dies after claiming the owner's findings, before the DM reaches Slack.
    class DyingNotifier extends RecordingNotifier {
      override async findings(notice: FindingsNotice): Promise<void> {
        if (notice.slackId === 'U06WATANABE') throw new Error('killed');
        await super.findings(notice);
      }
    }
    const dying = new DyingNotifier();
    const died = await world.sweep('apply', { notifier: dying, ...hygiene(world) });
    expect(died.hygiene).toEqual({ error: 'killed' });
    // U04TANAKA's backup-agent is protected: no hygiene DM.
    expect(dying.findingDms.map((dm) => dm.slackId)).toEqual(['U01YAMADA']);

    const rerun = summaryOf(await world.sweep('apply', hygiene(world)));
    const resent = world.notifier.findingDms.map((dm) => dm.slackId);
    // Neither the owners already told nor the one whose DM died: only those not reached yet.
    expect(resent).toEqual(['U05ITO', 'U08NAKAMURA']);
    expect(rerun.notified).toBe(resent.length);
    const listed = world.notifier.digests[0]?.fresh.map((f) => `${f.user} ${f.kind}`);
    expect(listed).toEqual(expect.arrayContaining(['ml-train key-too-old', 'ml-train unused-credentials']));
    const keys =
      world.notifier.digests[0]?.fresh.filter((f) => f.user === 'ml-train').map((f) => f.key) ?? [];
    const entries = await world.state.journal.getMany(keys);
    expect([...entries.values()].map((e) => [e.state, e.detail])).toEqual([
      ['completed', { homeAccount: true, interrupted: true }],
      ['completed', { homeAccount: true, interrupted: true }],
    ]);

    const again = summaryOf(await world.sweep('apply', hygiene(world)));
    expect(again).toMatchObject({ fresh: 0, notified: 0 });
    expect(world.notifier.findingDms.map((dm) => dm.slackId)).toEqual(resent);
  });

  it('a dry run reports findings and sends nothing', async () => {
    world = await World.start();
    const summary = summaryOf(await world.sweep('dry-run', hygiene(world)));
    expect(summary.total).toBeGreaterThan(0);
    expect(summary.notified).toBe(0);
    expect(world.notifier.findingDms).toEqual([]);
    expect(world.notifier.digests).toEqual([]);
  });

  it('deactivates stale keys only when asked, never a protected user’s, and only once', async () => {
    world = await World.start();
    await world.sweep('apply', hygiene(world, false));
    expect(world.account.listAccessKeys('dwh-reader')[0]?.status).toBe('Active');

    const summary = summaryOf(await world.sweep('apply', hygiene(world, true)));
    expect(summary.deactivated).toContainEqual({ userName: 'dwh-reader', slot: 1, outcome: 'deactivated' });
    expect(world.account.listAccessKeys('dwh-reader')[0]?.status).toBe('Inactive');
    // backup-agent's key is as stale, but the user is protected by tag.
    expect(world.account.listAccessKeys('backup-agent')[0]?.status).toBe('Active');
    const audit = await world.state.audit.listDay('2026-11-24');
    expect(audit.filter((e) => e.action === 'deactivate-access-key').map((e) => e.target)).toContain(
      'dwh-reader',
    );

    const again = summaryOf(await world.sweep('apply', hygiene(world, true)));
    expect(again.deactivated.filter((key) => key.outcome === 'deactivated')).toEqual([]);
  });

  it('reports a credential report that cannot be had, after finishing the ledger work', async () => {
    world = await World.start({
      iamMaxAttempts: 1,
      iamServer: { fault: (action) => (action === 'GenerateCredentialReport' ? 'Throttling' : null) },
    });
    const reports = new AwsCredentialReportSource(world.iamClient, { sleep: async () => {}, maxWaitMs: 10 });
    const report = await world.sweep('apply', {
      credentialReports: reports,
      hygiene: { policy: DEFAULT_HYGIENE_POLICY, deactivateStaleKeys: true },
    });
    expect(report.hygiene).toEqual({ error: expect.stringMatching(/credential report/i) });
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done', 'done', 'done']);
  });
});

describe('hygiene findings in Slack', () => {
  let sw: SlackWorld;
  afterEach(async () => {
    await sw.close();
  });

  it('reach each owner in one DM naming all of their findings, not again on a re-run', async () => {
    sw = await SlackWorld.start();
    const run = () =>
      sw.world.sweep('apply', { notifier: sw.notifier, slackDirectory: sw.notifier, ...hygiene(sw.world) });
    await run();
    const dms = () =>
      sw.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('点検結果'));
    const first = dms();
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first.map((c) => c.args.channel)).size).toBe(first.length);
    const watanabe = first.filter((c) => c.args.channel === 'U06WATANABE');
    expect(watanabe.map((c) => c.args.text)).toEqual([
      'IAMユーザーの点検結果: 対応が必要な項目が2件あります',
    ]);
    const body = JSON.stringify(watanabe[0]?.args.blocks);
    expect(body).toContain('IAMユーザー `ml-train`: アクセスキー1は作成から');
    expect(body).toContain('IAMユーザー `ml-train`: アクセスキー1が');
    await eventually(() => sw.slack.messages('C0ADMINS').find((m) => m.text.includes('IAM 点検のまとめ')));
    await run();
    expect(dms()).toHaveLength(first.length);
  });
});
