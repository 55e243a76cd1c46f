import type { LocalDate } from '../../src/domain/dates';
import { noticeKey, teardownKey } from '../../src/domain/journal-keys';
import { SweepDateError, SweepLockedError } from '../../src/domain/sweep-lock';
import { IamError } from '../../src/ports/iam';
import type { SweepLock } from '../../src/ports/state';
import { runSweep } from '../../src/sweep/run-sweep';
import { messages } from '../../src/text/messages';
import { renderReport } from '../../src/text/sweep-report';
import { LEDGER_SHEET, SPREADSHEET_ID, World } from '../support/world';

const ROW = { etl: 2, ciDeploy: 3, sandbox: 4, logShipper: 5, backup: 6, report: 7 };

describe('sweep through the real IAM, Sheets and DynamoDB clients', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('writes back nothing to a row that moved while it ran; the next sweep writes it where it is', async () => {
    world = await World.start();
    const sheet = world.workbook();
    // Someone inserts a request above ci-deploy's row after the sweep read the ledger.
    const inserted = [
      '新規 申請',
      'テスト',
      's3://new',
      'new-bot',
      'AKIANEWROWNEWROWNEW1',
      '2026/11/01',
      '2027/03/31',
      '利用中',
    ];
    const editedMeanwhile = {
      description: sheet.description,
      read: async () => {
        const tables = await sheet.read();
        const grid = world.sheets.getSheet(SPREADSHEET_ID, LEDGER_SHEET).map((row) => [...row]);
        grid.splice(ROW.ciDeploy - 1, 0, inserted);
        world.sheets.setSheet(SPREADSHEET_ID, LEDGER_SHEET, grid);
        return tables;
      },
      readColumn: (column: number) => sheet.readColumn(column),
      write: (cells: Parameters<typeof sheet.write>[0]) => sheet.write(cells),
    };

    const report = await world.sweep('apply', { workbook: editedMeanwhile });

    // IAM was changed; the ledger rows the sweep read as 3 and 4 are now 4 and 5: not written.
    expect(world.userNames()).not.toContain('ci-deploy');
    expect(report.ledgerRowsMoved).toEqual([ROW.ciDeploy, ROW.sandbox]);
    expect(report.ledgerCellsWritten).toBe(0);
    expect(world.ledgerRow(ROW.ciDeploy)).toEqual(inserted);
    expect(world.ledgerRow(ROW.ciDeploy + 1)[7]).toBe('利用中');
    expect(world.ledgerRow(ROW.sandbox + 1)[7]).toBe('利用中');
    // Read, then the key column checked; no write.
    expect(world.sheets.stats).toMatchObject({ reads: 2, writes: 0 });
    const summary = renderReport(report, messages('en'));
    expect(summary).toContain(`Not written back to the ledger: row(s) ${ROW.ciDeploy}, ${ROW.sandbox}`);

    // The journal says the keys are gone: the next sweep records them in the rows where they are now.
    const next = await world.sweep('apply');
    expect(
      next.results.map((r) => [
        r.action.kind,
        r.outcome,
        (r.action as { row?: { rowNumber: number } }).row?.rowNumber,
      ]),
    ).toEqual([
      ['record-deleted', 'done', ROW.ciDeploy + 1],
      ['record-deleted', 'done', ROW.sandbox + 1],
    ]);
    expect(next.ledgerRowsMoved).toBeUndefined();
    expect(world.ledgerRow(ROW.ciDeploy + 1)[7]).toBe('削除済み');
    expect(world.ledgerRow(ROW.sandbox + 1)[7]).toBe('削除済み');
    expect(world.ledgerRow(ROW.ciDeploy)[7]).toBe('利用中');
  });

  it('a dry run reads once and changes nothing', async () => {
    world = await World.start();
    const before = world.account.toJSON();
    const report = await world.sweep('dry-run');

    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'planned'],
      ['notify-owner-unknown', 'planned'],
      ['teardown-user', 'planned'],
      ['delete-key', 'planned'],
    ]);
    expect(world.account.toJSON()).toEqual(before);
    expect(world.sheets.stats).toMatchObject({ reads: 1, writes: 0 });
    expect(world.notifier.weekAheadNotices).toEqual([]);
    expect(await world.state.journal.getMany([noticeKey(report.results[0]!.action as never)])).toEqual(
      new Map(),
    );
  });

  it('applies: tears down a user holding every kind of attachment, keeps what others use, writes back once', async () => {
    world = await World.start();
    const report = await world.sweep('apply');

    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
      ['teardown-user', 'done'],
      ['delete-key', 'done'],
    ]);
    // ci-deploy had keys, a login profile, MFA, a certificate, an SSH key, a CodeCommit
    // credential, a group, an inline policy and three attached policies.
    expect(world.userNames()).not.toContain('ci-deploy');
    expect(world.account.listVirtualMfaDevices()).toEqual([]);
    const policies = world.account.listPolicies('Local').map((p) => p.policyName);
    expect(policies).not.toContain('ci-deploy-policy');
    expect(policies).toContain('shared-s3-read');
    expect(policies).toContain('deployers-group-policy');
    // sandbox-suzuki keeps its user and the key the ledger does not list.
    expect(world.account.listAccessKeys('sandbox-suzuki').map((k) => k.accessKeyId)).toEqual([
      'AKIAEXAMPLESBXOT1013',
    ]);

    // One read; before the write-back, the key column checked; one write.
    expect(world.sheets.stats).toMatchObject({ reads: 2, writes: 1 });
    expect(world.ledgerRow(ROW.ciDeploy)[7]).toBe('削除済み');
    expect(world.ledgerRow(ROW.sandbox)[7]).toBe('削除済み');
    expect(world.ledgerRow(ROW.etl)[7]).toBe('');

    expect(world.notifier.weekAheadNotices.map((n) => [n.row.iamUser, n.slackId, n.daysLeft])).toEqual([
      ['etl-batch', 'U01YAMADA', 4],
    ]);
    expect(world.notifier.ownerUnknownNotices.map((n) => n.row.iamUser)).toEqual(['log-shipper']);
    expect(world.notifier.reports).toHaveLength(1);

    const audit = await world.state.audit.listDay('2026-11-24');
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['delete-user', 'teardown-user', 'delete-key']),
    );
    expect(audit.every((e) => e.actor === `sweep:${report.sweepId}`)).toBe(true);
  });

  it('journals a snapshot of what it is about to remove before removing it', async () => {
    world = await World.start();
    await world.sweep('apply');
    const row = { id: 'AKIAEXAMPLECIXXX1002', endDate: '2026-11-20' as LocalDate };
    const entry = (await world.state.journal.getMany([teardownKey(row as never)])).get(
      teardownKey(row as never),
    );
    expect(entry?.state).toBe('completed');
    expect(entry?.detail).toMatchObject({
      holdings: {
        userName: 'ci-deploy',
        loginProfile: true,
        groups: ['deployers'],
        inlinePolicies: ['deploy-inline'],
        accessKeys: [{ accessKeyId: 'AKIAEXAMPLECIXXX1002', status: 'Active' }],
      },
    });
  });

  it('never touches a protected user or a row whose key is not the user’s', async () => {
    world = await World.start();
    await world.sweep('apply');
    expect(world.userNames()).toEqual(expect.arrayContaining(['backup-agent', 'report-bot']));
    expect(world.account.listAccessKeys('backup-agent')).toHaveLength(1);
    expect(world.account.listAccessKeys('report-bot')).toHaveLength(1);
    expect(world.ledgerRow(ROW.backup)[7]).toBe('利用中');
    expect(world.ledgerRow(ROW.report)[7]).toBe('利用中');
  });

  it('a second apply run sends nothing twice and deletes nothing more', async () => {
    world = await World.start();
    await world.sweep('apply');
    const after = world.account.toJSON();
    const second = await world.sweep('apply');
    expect(second.results).toEqual([]);
    expect(world.notifier.weekAheadNotices).toHaveLength(1);
    expect(world.notifier.ownerUnknownNotices).toHaveLength(1);
    expect(world.account.toJSON()).toEqual(after);
    expect(world.sheets.stats).toMatchObject({ reads: 3, writes: 1 });
  });

  it('resumes a teardown that crashed half-way and ends where one clean run ends', async () => {
    const clean = await World.start();
    await clean.sweep('apply');
    const cleanAccount = clean.account.toJSON();
    const cleanLedger = clean.sheets.getSheet('sheet-under-test', '台帳');
    await clean.close();

    let crash = true;
    world = await World.start({
      iamMaxAttempts: 1,
      iamServer: {
        // The connection dies with no answer, as when the process or network goes away mid-call.
        beforeAction: (action) => {
          if (crash && action === 'DeleteSSHPublicKey') throw new Error('crash');
        },
      },
    });
    const first = await world.sweep('apply');
    expect(first.results.find((r) => r.action.kind === 'teardown-user')?.outcome).toBe('failed');
    expect(world.userNames()).toContain('ci-deploy');
    expect(world.account.listAccessKeys('ci-deploy')).toEqual([]);

    crash = false;
    const second = await world.sweep('apply');
    expect(second.results.map((r) => [r.action.kind, r.outcome])).toEqual([['teardown-user', 'done']]);
    expect(world.account.toJSON()).toEqual(cleanAccount);
    expect(world.sheets.getSheet('sheet-under-test', '台帳')).toEqual(cleanLedger);
    expect(world.notifier.weekAheadNotices).toHaveLength(1);
  });

  it('records a finished teardown whose ledger write was lost', async () => {
    world = await World.start();
    const workbook = world.workbook();
    const failingWrite = {
      description: workbook.description,
      read: () => workbook.read(),
      readColumn: (column: number) => workbook.readColumn(column),
      write: async () => {
        throw new Error('Sheets unavailable');
      },
    };
    await expect(world.sweep('apply', { workbook: failingWrite })).rejects.toThrow('Sheets unavailable');
    expect(world.userNames()).not.toContain('ci-deploy');
    expect(world.ledgerRow(ROW.ciDeploy)[7]).toBe('利用中');

    const retry = await world.sweep('apply');
    expect(retry.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['record-deleted', 'done'],
      ['record-deleted', 'done'],
    ]);
    expect(world.ledgerRow(ROW.ciDeploy)[7]).toBe('削除済み');
    expect(world.ledgerRow(ROW.sandbox)[7]).toBe('削除済み');
  });

  it('aborts before acting when IAM keeps throttling the inventory read', async () => {
    world = await World.start({
      iamMaxAttempts: 2,
      iamServer: { fault: (action) => (action === 'GetAccountAuthorizationDetails' ? 'Throttling' : null) },
    });
    const before = world.account.toJSON();
    await expect(world.sweep('apply')).rejects.toThrow(IamError);
    await expect(world.sweep('apply')).rejects.toThrow(/Throttling.*nothing is read as missing/);
    expect(world.account.toJSON()).toEqual(before);
    expect(world.notifier.weekAheadNotices).toEqual([]);
    expect(world.sheets.stats.writes).toBe(0);
  });

  it('checks each key right before removing and, when IAM keeps failing, removes nothing and flags the rows', async () => {
    world = await World.start({
      iamMaxAttempts: 2,
      iamServer: { fault: (action) => (action === 'ListAccessKeys' ? 'Throttling' : null) },
    });
    const before = world.account.toJSON();
    const report = await world.sweep('apply');

    // Notices do not wait for removals, so they still go out.
    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
    ]);
    const flagged = report.skips.filter((skip) => skip.reason === 'key-check-failed');
    expect(flagged.map((skip) => [skip.row.iamUser, skip.attention])).toEqual([
      ['ci-deploy', true],
      ['sandbox-suzuki', true],
      ['report-bot', true],
    ]);
    expect(flagged[0]?.detail).toMatchObject({
      kind: 'key-list-failed',
      userName: 'ci-deploy',
      error: expect.stringMatching(/Throttling/),
    });
    expect(flagged.map((skip) => skip.detail)).toEqual(flagged.map(() => flagged[0]?.detail));
    // Two attempts for the first user; after it failed, the others were not even tried.
    expect(world.iamServer.stats.byAction.ListAccessKeys).toBe(2);
    expect(world.account.toJSON()).toEqual(before);
    expect(world.sheets.stats.writes).toBe(0);
  });

  it('recovers from occasional throttling with the same result', async () => {
    world = await World.start({ iamServer: { fault: (_action, n) => (n % 5 === 0 ? 'Throttling' : null) } });
    const report = await world.sweep('apply');
    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
      ['teardown-user', 'done'],
      ['delete-key', 'done'],
    ]);
    expect(world.iamServer.stats.faulted).toBeGreaterThan(0);
  });

  it('refuses to apply as of a day that has not come, before reading or changing anything', async () => {
    world = await World.start();
    const before = world.account.toJSON();
    // NOW is 2026-11-24 in Tokyo; end dates months ahead would all be "past" on this day.
    await expect(world.sweep('apply', {}, '2027-06-01' as LocalDate)).rejects.toThrow(SweepDateError);
    expect(world.account.toJSON()).toEqual(before);
    expect(world.sheets.stats).toMatchObject({ reads: 0, writes: 0 });
    expect(world.notifier.reports).toEqual([]);
    // The lock was never taken: a run for today goes ahead at once.
    expect(await world.state.lock.acquire('sweep', 'probe', 60, new Date())).toBe(true);

    // A dry run of that day shows what would happen; catching up yesterday applies.
    const dry = await world.sweep('dry-run', {}, '2027-06-01' as LocalDate);
    expect(dry.results.some((r) => r.action.kind === 'teardown-user')).toBe(true);
    expect(world.account.toJSON()).toEqual(before);
  });

  it('refuses to run while another sweep holds the lock', async () => {
    world = await World.start();
    await world.state.lock.acquire('sweep', 'someone-else', 600, new Date('2026-11-24T06:00:00Z'));
    await expect(world.sweep('apply')).rejects.toThrow(SweepLockedError);
    // The refusal names the holder and how to see or release it.
    await expect(world.sweep('apply')).rejects.toThrow(
      /another sweep is running: sweep someone-else, started .*, lease ends in \d+ s\. `keywarden unlock` shows it/,
    );
    expect(world.userNames()).toContain('ci-deploy');
    // A dry run needs no lock.
    await expect(world.sweep('dry-run')).resolves.toMatchObject({ mode: 'dry-run' });
  });

  it('a sweep that loses its lock mid-run (unlock --force) stops at the next safe point', async () => {
    world = await World.start();
    const state = world.state;
    let lostSeen: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => {
      lostSeen = resolve;
    });
    // The real DynamoDB lock, watched: the test learns when a renewal finds the lock gone.
    const lock: SweepLock = {
      acquire: (...args) => state.lock.acquire(...args),
      release: (...args) => state.lock.release(...args),
      holder: (...args) => state.lock.holder(...args),
      renew: async (...args) => {
        const renewed = await state.lock.renew(...args);
        if (!renewed) lostSeen();
        return renewed;
      },
    };
    const notifier = world.notifier;
    const weekAhead = notifier.weekAhead.bind(notifier);
    // During the first notice an admin releases the lock by force (as `keywarden unlock --force`).
    notifier.weekAhead = async (notice) => {
      const holder = await state.lock.holder('sweep');
      if (holder) await state.lock.release('sweep', holder.owner);
      await lost;
      await new Promise((resolve) => setImmediate(resolve));
      return weekAhead(notice);
    };
    const report = await runSweep(world.deps({ lock, lease: { leaseSeconds: 60, renewSeconds: 0.05 } }), {
      mode: 'apply',
    });
    expect(report.stopped?.reason).toEqual({ kind: 'lock-lost' });
    // The notice under way was sent; nothing after it started.
    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([['notify-week-ahead', 'done']]);
    expect(world.userNames()).toContain('ci-deploy');
    expect(await state.lock.holder('sweep')).toBeNull();
    const audited = await state.audit.listDay('2026-11-24');
    expect(audited.filter((event) => event.action === 'sweep-stopped')).toEqual([
      expect.objectContaining({ actor: `sweep:${report.sweepId}`, outcome: 'skipped' }),
    ]);
  });
});
