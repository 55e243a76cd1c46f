import type { LocalDate } from '../../src/domain/dates';
import type { ActionResult, HygieneSummary, SweepReport } from '../../src/domain/report';
import { failureCount, summaryFields, sweepVerdict } from '../../src/domain/report';

const teardown = (outcome: 'planned' | 'done' | 'failed'): ActionResult => ({
  action: {
    kind: 'teardown-user' as const,
    userName: 'etl-batch',
    rows: [],
    keys: [],
    customerPolicyArns: [],
  },
  outcome,
  detail:
    outcome === 'planned'
      ? { kind: 'dry-run' }
      : outcome === 'done'
        ? { kind: 'removed-user', userName: 'etl-batch', steps: 3, policies: [] }
        : { kind: 'failed', error: 'AccessDenied' },
});

const hygiene: HygieneSummary = {
  generatedAt: '2026-11-30T00:00:00Z',
  counts: {} as HygieneSummary['counts'],
  total: 0,
  fresh: 0,
  muted: 0,
  notified: 0,
  notifiedFindings: 0,
  deactivated: [],
  problems: [],
  unreadMuteTags: [],
};

function report(overrides: Partial<SweepReport> = {}): SweepReport {
  return {
    sweepId: 's1',
    mode: 'apply',
    today: '2026-11-30' as LocalDate,
    ledger: 'sheet',
    results: [teardown('done')],
    skips: [],
    problems: [],
    ledgerCellsWritten: 1,
    durationMs: 10,
    hygiene,
    ...overrides,
  };
}

describe('the verdict on a sweep', () => {
  it('succeeds when every action was done and every account and the credential report were read', () => {
    expect(sweepVerdict(report())).toBe('succeeded');
    expect(failureCount(report())).toBe(0);
  });

  it('fails on a failed action, an account not swept, or a credential report not had — and counts each', () => {
    expect(sweepVerdict(report({ results: [teardown('done'), teardown('failed')] }))).toBe('failed');
    expect(
      sweepVerdict(report({ accounts: [{ account: '111111111111', ok: false, error: 'AccessDenied' }] })),
    ).toBe('failed');
    expect(sweepVerdict(report({ hygiene: { error: 'ReportInProgress' } }))).toBe('failed');
    const everything = report({
      results: [teardown('failed'), teardown('failed')],
      accounts: [
        { account: '111111111111', ok: false, error: 'AccessDenied' },
        { account: '222222222222', ok: true },
      ],
      hygiene: { error: 'ReportInProgress' },
    });
    expect(failureCount(everything)).toBe(4);
    expect(summaryFields(everything)).toMatchObject({ verdict: 'failed', failed: 4 });
  });

  it("fails when a member account's credential report could not be had, though its account was swept", () => {
    const member = report({
      accounts: [
        { account: 'default', ok: true, hygiene },
        { account: '222222222222', ok: true, hygiene: { error: 'AccessDenied: GenerateCredentialReport' } },
      ],
    });
    expect(sweepVerdict(member)).toBe('failed');
    expect(failureCount(member)).toBe(1);
  });

  it('calls a sweep that stopped early stopped, even with failures: neither a success nor the failure', () => {
    const stopped = report({
      results: [teardown('failed')],
      stopped: { reason: { kind: 'signal', signal: 'SIGTERM' } },
    });
    expect(sweepVerdict(stopped)).toBe('stopped');
  });

  it("does not count malformed rows or a dry run's planned actions as failures", () => {
    const dryRun = report({
      mode: 'dry-run',
      results: [teardown('planned')],
      problems: [
        {
          rowNumber: 7,
          problems: [{ kind: 'not-a-date', field: 'endDate', column: 'endDate', cell: 'x' }],
          cells: ['x'],
        },
      ],
    });
    expect(sweepVerdict(dryRun)).toBe('succeeded');
    expect(failureCount(dryRun)).toBe(0);
  });
});
