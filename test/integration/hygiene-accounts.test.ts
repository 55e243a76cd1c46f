import { IamAccount, type IamServer, startIamServer } from '@keywarden/iam-simulator';
import { AwsIamGateway } from '../../src/adapters/iam/aws-iam';
import { iamClient } from '../../src/adapters/iam/client';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import type { LocalDate } from '../../src/domain/dates';
import { DEFAULT_HYGIENE_POLICY, isoWeek } from '../../src/domain/hygiene';
import { findingKey } from '../../src/domain/journal-keys';
import type { Mute } from '../../src/domain/mutes';
import type { HygieneSummary } from '../../src/domain/report';
import type { AccountTarget } from '../../src/ports/accounts';
import type { SweepDeps } from '../../src/sweep/deps';
import { listedAccounts } from '../support/account-targets';
import { NOW, World } from '../support/world';

const A = '111122223333';
const B = '444455556666';
const OWNER = 'U0CIDEPLOY';

/** A member account whose `ci-deploy` signs in with a password and no MFA: one `no-mfa` finding. */
function memberAccount(accountId: string) {
  return IamAccount.fromJSON({
    accountId,
    users: [
      {
        userName: 'ci-deploy',
        createDate: '2026-11-01T00:00:00Z',
        tags: { SlackId: OWNER },
        loginProfile: { createDate: '2026-11-01T00:00:00Z' },
      },
    ],
  });
}

const hygieneOf = (summary: HygieneSummary | { error: string } | undefined): HygieneSummary => {
  if (!summary || 'error' in summary) throw new Error(`no hygiene summary: ${JSON.stringify(summary)}`);
  return summary;
};

describe('hygiene in member accounts', () => {
  let world: World;
  const servers: IamServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await world.close();
  });

  async function member(id: string): Promise<AccountTarget> {
    const server = await startIamServer(memberAccount(id));
    servers.push(server);
    const client = iamClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    return {
      id,
      iam: new AwsIamGateway(client, id),
      credentialReports: new AwsCredentialReportSource(client, { sleep: async () => {} }),
    };
  }

  async function deps(mutes: readonly Mute[] = []): Promise<Partial<SweepDeps>> {
    return {
      accounts: listedAccounts([await member(A), await member(B)]),
      credentialReports: new AwsCredentialReportSource(world.iamClient, { sleep: async () => {} }),
      hygiene: { policy: DEFAULT_HYGIENE_POLICY, deactivateStaleKeys: false, mutes },
    };
  }

  const ciDeployDms = () =>
    world.notifier.findingDms.filter((dm) => dm.findings.some((f) => f.user === 'ci-deploy' && f.account));

  it('reports the same user name in two member accounts twice, each under its own account and key', async () => {
    world = await World.start();
    const report = await world.sweep('apply', await deps());

    // One DM per account, each naming its account; the findings carry it too.
    // Accounts are swept side by side: sorted, as they may finish in either order.
    expect(
      ciDeployDms()
        .sort((x, y) => String(x.account).localeCompare(String(y.account)))
        .map((dm) => [dm.slackId, dm.account, dm.findings.map((f) => [f.account, f.kind])]),
    ).toEqual([
      [OWNER, A, [[A, 'no-mfa']]],
      [OWNER, B, [[B, 'no-mfa']]],
    ]);
    // The admins' grouped notices of the home account's rows name it too, by the id IAM gave.
    expect(world.notifier.adminGroups.length).toBeGreaterThan(0);
    expect(world.notifier.adminGroups.map((group) => group.account)).toEqual(
      world.notifier.adminGroups.map(() => '123456789012'),
    );
    // The admins' digests name their account, the home account's too (the sweep covers three).
    expect(world.notifier.digests.map((digest) => digest.account).sort()).toEqual(
      ['123456789012', A, B].sort(),
    );
    const [home, inA, inB] = (report.accounts ?? []).map((account) => hygieneOf(account.hygiene));
    // Each member's root user has no MFA either: a second finding, for the admins only.
    expect([inA?.fresh, inB?.fresh, inA?.notified, inB?.notified]).toEqual([2, 2, 1, 1]);
    expect(hygieneOf(report.hygiene)).toEqual(home);

    // Member keys lead with the account; the home account's keep the form journals already hold.
    const week = isoWeek('2026-11-24' as LocalDate);
    const keys = [A, B].map((account) => findingKey(account, 'no-mfa', 'ci-deploy', 'mfa', week));
    expect(keys[0]).toBe(`finding#${A}#no-mfa#ci-deploy#mfa#${week}`);
    const entries = await world.state.journal.getMany(keys);
    expect(keys.map((key) => entries.get(key)).map((entry) => [entry?.state, entry?.rowId])).toEqual([
      ['completed', `${A}/ci-deploy`],
      ['completed', `${B}/ci-deploy`],
    ]);
    const homeFindings =
      world.notifier.digests.find((digest) => digest.account === '123456789012')?.fresh ?? [];
    expect(homeFindings.length).toBeGreaterThan(0);
    for (const finding of homeFindings) {
      expect(finding.account).toBeUndefined();
      expect(finding.key).toMatch(/^finding#[a-z-]+#/);
    }
    // Marked as the home account's, so members do not read them as reported before the upgrade.
    const homeEntries = await world.state.journal.getMany(homeFindings.map((finding) => finding.key));
    expect([...homeEntries.values()].map((entry) => entry.detail)).toEqual(
      homeFindings.map(() => expect.objectContaining({ homeAccount: true })),
    );

    // Once per window in every account.
    const again = await world.sweep('apply', await deps());
    expect(ciDeployDms()).toHaveLength(2);
    expect((again.accounts ?? []).map((account) => hygieneOf(account.hygiene).fresh)).toEqual([0, 0, 0]);
  });

  it('after the upgrade, a member finding reported under the account-less key is not DMed again', async () => {
    world = await World.start();
    const week = isoWeek('2026-11-24' as LocalDate);
    // What a sweep before keys named accounts left: A's finding under the key without the account.
    const legacy = findingKey(null, 'no-mfa', 'ci-deploy', 'mfa', week);
    await world.state.journal.begin(
      { key: legacy, action: 'finding', rowId: 'ci-deploy', sweepId: 'before-upgrade' },
      new Date(NOW),
    );
    await world.state.journal.complete(legacy, new Date(NOW));

    const report = await world.sweep('apply', await deps());
    // That legacy key was shared by ci-deploy in both accounts: neither is DMed again.
    expect(ciDeployDms()).toEqual([]);
    const [, inA, inB] = (report.accounts ?? []).map((account) => hygieneOf(account.hygiene));
    // Only the root users' findings are new; nothing is claimed under either form of the key.
    expect([inA?.fresh, inB?.fresh, inA?.notified, inB?.notified]).toEqual([1, 1, 0, 0]);
    const keys = [A, B].map((account) => findingKey(account, 'no-mfa', 'ci-deploy', 'mfa', week));
    expect((await world.state.journal.getMany(keys)).size).toBe(0);
    expect((await world.state.journal.getMany([legacy])).get(legacy)?.sweepId).toBe('before-upgrade');
  });

  it("the home account's own claim under the account-less key does not silence a member's finding", async () => {
    world = await World.start();
    const week = isoWeek('2026-11-24' as LocalDate);
    const shared = findingKey(null, 'no-mfa', 'ci-deploy', 'mfa', week);
    // Written since the upgrade by the home account, whose keys keep the account-less form.
    await world.state.journal.begin(
      { key: shared, action: 'finding', rowId: 'ci-deploy', sweepId: 'home', detail: { homeAccount: true } },
      new Date(NOW),
    );
    await world.sweep('apply', await deps());
    expect(
      ciDeployDms()
        .map((dm) => dm.account)
        .sort(),
    ).toEqual([A, B]);
  });

  it('a mute naming one account leaves the same user loud in the others; one naming none holds everywhere', async () => {
    world = await World.start();
    const mute: Mute = {
      user: 'ci-deploy',
      kinds: ['no-mfa'],
      until: '2026-12-31' as LocalDate,
      reason: 'deploy user of account A, MFA not possible',
      source: 'settings',
    };
    const report = await world.sweep('apply', await deps([{ ...mute, account: A }]));
    expect(ciDeployDms().map((dm) => dm.account)).toEqual([B]);
    const [, inA, inB] = (report.accounts ?? []).map((account) => hygieneOf(account.hygiene));
    expect([inA?.muted, inA?.fresh, inB?.muted, inB?.fresh]).toEqual([1, 1, 0, 2]);

    const everywhere = await World.start();
    try {
      const quiet = await everywhere.sweep('apply', {
        ...(await deps([mute])),
        credentialReports: new AwsCredentialReportSource(everywhere.iamClient, { sleep: async () => {} }),
      });
      const members = (quiet.accounts ?? []).slice(1).map((account) => hygieneOf(account.hygiene));
      expect(members.map((summary) => [summary.muted, summary.fresh])).toEqual([
        [1, 1],
        [1, 1],
      ]);
      expect(everywhere.notifier.findingDms.filter((dm) => dm.account !== '123456789012')).toEqual([]);
    } finally {
      await everywhere.close();
    }
  });
});
