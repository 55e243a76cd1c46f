import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import type { HygieneSummary } from '../../src/domain/report';
import type { SweepDeps } from '../../src/sweep/run-sweep';
import { eventually, SlackWorld } from '../support/slack-world';
import { World } from '../support/world';

function hygiene(world: World, deactivateStaleKeys = false): Partial<SweepDeps> {
  return {
    hygiene: {
      reports: new AwsCredentialReportSource(world.iamClient, { sleep: async () => {} }),
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

  it('DMs each finding to its owner once per window and lists new findings for the admins', async () => {
    world = await World.start();
    const first = summaryOf(await world.sweep('apply', hygiene(world)));
    expect(first.total).toBeGreaterThan(5);
    expect(first.fresh).toBe(first.total);
    // etl-batch's owner comes from the ledger's name and the people table.
    expect(
      world.notifier.findingNotices.map((n) => [n.finding.user, n.finding.kind, n.slackId]),
    ).toContainEqual(['etl-batch', 'key-too-old', 'U01YAMADA']);
    expect(world.notifier.digests).toHaveLength(1);
    expect(world.notifier.digests[0]?.fresh).toHaveLength(first.total);

    const second = summaryOf(await world.sweep('apply', hygiene(world)));
    expect(second).toMatchObject({ total: first.total, fresh: 0, notified: 0 });
    expect(world.notifier.findingNotices).toHaveLength(first.notified);
    expect(world.notifier.digests).toHaveLength(1);
  });

  it('a dry run reports findings and sends nothing', async () => {
    world = await World.start();
    const summary = summaryOf(await world.sweep('dry-run', hygiene(world)));
    expect(summary.total).toBeGreaterThan(0);
    expect(summary.notified).toBe(0);
    expect(world.notifier.findingNotices).toEqual([]);
    expect(world.notifier.digests).toEqual([]);
  });

  it('deactivates stale keys only when asked, never a protected user’s, and only once', async () => {
    world = await World.start();
    await world.sweep('apply', hygiene(world, false));
    expect(world.account.listAccessKeys('dwh-reader')[0]?.status).toBe('Active');

    const summary = summaryOf(await world.sweep('apply', hygiene(world, true)));
    expect(summary.deactivated).toContain('dwh-reader key 1: deactivated');
    expect(world.account.listAccessKeys('dwh-reader')[0]?.status).toBe('Inactive');
    // backup-agent's key is as stale, but the user is protected by tag.
    expect(world.account.listAccessKeys('backup-agent')[0]?.status).toBe('Active');
    const audit = await world.state.audit.listDay('2026-11-24');
    expect(audit.filter((e) => e.action === 'deactivate-access-key').map((e) => e.target)).toContain(
      'dwh-reader',
    );

    const again = summaryOf(await world.sweep('apply', hygiene(world, true)));
    expect(again.deactivated.filter((line) => line.endsWith(': deactivated'))).toEqual([]);
  });

  it('reports a credential report that cannot be had, after finishing the ledger work', async () => {
    world = await World.start({
      iamMaxAttempts: 1,
      iamServer: { fault: (action) => (action === 'GenerateCredentialReport' ? 'Throttling' : null) },
    });
    const reports = new AwsCredentialReportSource(world.iamClient, { sleep: async () => {}, maxWaitMs: 10 });
    const report = await world.sweep('apply', {
      hygiene: { reports, policy: DEFAULT_HYGIENE_POLICY, deactivateStaleKeys: true },
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

  it('reach the owner’s DM once, not again on a re-run', async () => {
    sw = await SlackWorld.start();
    const run = () =>
      sw.world.sweep('apply', { notifier: sw.notifier, slackDirectory: sw.notifier, ...hygiene(sw.world) });
    await run();
    const dms = () =>
      sw.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('点検結果'));
    const first = dms().length;
    expect(first).toBeGreaterThan(0);
    await eventually(() => sw.slack.messages('C0ADMINS').find((m) => m.text.includes('IAM hygiene digest')));
    await run();
    expect(dms()).toHaveLength(first);
  });
});
