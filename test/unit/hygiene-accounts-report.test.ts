import type { LocalDate } from '../../src/domain/dates';
import { summarise } from '../../src/domain/hygiene';
import {
  type AccountOutcome,
  failureCount,
  type HygieneSummary,
  hygieneByAccount,
  hygieneTotals,
  type SweepReport,
  summaryFields,
} from '../../src/domain/report';
import { messages } from '../../src/text/messages';
import { renderReport, summarizeSweep } from '../../src/text/sweep-report';

const en = messages('en');
const ja = messages('ja');

/** `noMfa` no-mfa findings, `fresh` of them new, one owner DM per two. */
function checked(noMfa: number, fresh = noMfa): HygieneSummary {
  return {
    generatedAt: '2026-11-30T00:00:00.000Z',
    counts: { ...summarise([]), 'no-mfa': noMfa },
    total: noMfa,
    fresh,
    muted: 0,
    notified: Math.ceil(fresh / 2),
    notifiedFindings: fresh,
    deactivated: [],
    problems: [],
    unreadMuteTags: [],
  };
}

const member = (n: number) => `3000000${String(n).padStart(5, '0')}`;

/** The home account and 1,000 members: one not checked, 15 with findings, the rest clean. */
function organization(): SweepReport {
  const home = checked(3, 1);
  const accounts: AccountOutcome[] = [
    { account: '123456789012', ok: true, hygiene: home },
    ...Array.from({ length: 1000 }, (_, i): AccountOutcome => {
      const account = member(i);
      if (i === 500)
        return { account, ok: true, hygiene: { error: 'AccessDenied: GenerateCredentialReport' } };
      // 15 accounts with findings; the one with the most new ones is listed first.
      if (i % 70 === 7) return { account, ok: true, hygiene: checked(2, i === 847 ? 2 : 1) };
      return { account, ok: true, hygiene: checked(0) };
    }),
  ];
  return {
    sweepId: 's1',
    mode: 'apply',
    today: '2026-11-30' as LocalDate,
    ledger: 'sheet',
    results: [],
    skips: [],
    problems: [],
    ledgerCellsWritten: 0,
    durationMs: 10,
    hygiene: home,
    accounts,
  };
}

describe("a report over many accounts' hygiene", () => {
  const report = organization();
  /** The hygiene block: from its first line to the blank line after it. */
  const hygieneOf = (text: string) => {
    const lines = text.split('\n');
    const start = lines.findIndex((line) => /^(IAM hygiene|IAM 点検)/.test(line));
    const end = lines.indexOf('', start);
    return lines.slice(start, end);
  };

  it('adds every account up and lists only those not checked or with findings, ten at most', () => {
    const lines = hygieneOf(renderReport(report, en));
    expect(lines[0]).toBe(
      'IAM hygiene in 1001 accounts (1 not checked): 33 findings (33 no-mfa), 17 new this window, ' +
        '16 owner DMs (17 findings), 0 muted; details: keywarden audit',
    );
    // Not checked first, then the most new findings; the rest keep account order.
    expect(lines[1]).toBe(`  ${member(500)}: not checked — AccessDenied: GenerateCredentialReport`);
    expect(lines[2]).toBe(
      `  ${member(847)}: 2 findings (2 no-mfa), 2 new, 1 owner DMs, 0 muted (credential report of 2026-11-30T00:00:00.000Z)`,
    );
    expect(lines[3]).toMatch(/^ {2}123456789012: 3 findings/);
    expect(lines.slice(1, -1)).toHaveLength(10);
    expect(lines.at(-1)).toBe('  …and 7 more accounts with findings');
    // A clean account has no line of its own.
    expect(lines.join('\n')).not.toContain(member(0));
  });

  it('in Japanese too, and the same lines in the admins’ summary', () => {
    const lines = hygieneOf(renderReport(report, ja));
    expect(lines[0]).toBe(
      'IAM 点検（1001アカウント、うち1アカウントは未実施）: 指摘事項33件（MFA 未設定 33件）、' +
        '今回新規17件、所有者への DM 16件（指摘事項17件）、ミュート0件。詳細は keywarden audit',
    );
    const section = summarizeSweep(report, ja).sections.find((s) => s.title === ja.sweep.sections.hygiene);
    expect(section?.lines).toEqual(lines);
    expect(section?.lines.at(-1)).toBe('  …ほか指摘事項のあるアカウント7件');
  });

  it('counts as failures exactly the accounts it says were not checked; the log line sums the counts', () => {
    const notChecked = hygieneByAccount(report).filter(({ hygiene }) => 'error' in hygiene);
    expect(failureCount(report)).toBe(notChecked.length);
    expect(hygieneTotals(hygieneByAccount(report))).toMatchObject({ checked: 1000, notChecked: 1 });
    expect(summaryFields(report)).toMatchObject({
      failed: 1,
      hygiene: { 'no-mfa': 33, 'key-too-old': 0 },
      hygieneNotChecked: [member(500)],
    });
  });

  it('says how many stale keys were deactivated and lists accounts whose IAM changed before those with new findings', () => {
    const quiet = member(990);
    const changed: SweepReport = {
      ...report,
      accounts: (report.accounts ?? []).map((outcome) =>
        outcome.account === quiet
          ? {
              ...outcome,
              // Reported last week, so nothing new: only the deactivation says anything.
              hygiene: {
                ...checked(1, 0),
                deactivated: [
                  { userName: 'old-ci', slot: 1, outcome: 'deactivated' },
                  { userName: 'gone', slot: 2, outcome: 'user-gone' },
                ],
              },
            }
          : outcome,
      ),
    };
    const lines = hygieneOf(renderReport(changed, en));
    expect(lines[0]).toBe(
      'IAM hygiene in 1001 accounts (1 not checked): 34 findings (34 no-mfa), 17 new this window, ' +
        '16 owner DMs (17 findings), 0 muted, 1 stale key deactivated; details: keywarden audit',
    );
    expect(lines[1]).toMatch(new RegExp(`^ {2}${member(500)}: not checked`));
    expect(lines[2]).toMatch(new RegExp(`^ {2}${quiet}: 1 findings \\(1 no-mfa\\), 0 new`));
    expect(lines[3]).toMatch(/^ {4}stale key old-ci/);
    expect(hygieneOf(renderReport(changed, ja))[0]).toBe(
      'IAM 点検（1001アカウント、うち1アカウントは未実施）: 指摘事項34件（MFA 未設定 34件）、' +
        '今回新規17件、所有者への DM 16件（指摘事項17件）、ミュート0件、古いキーの無効化1件。詳細は keywarden audit',
    );
  });

  it('keeps the one account’s line when the sweep covers only it', () => {
    const single = { ...organization(), accounts: undefined } as SweepReport;
    const { accounts: _, ...alone } = single;
    expect(hygieneOf(renderReport(alone, en))).toEqual([
      'IAM hygiene (credential report of 2026-11-30T00:00:00.000Z): 3 findings (3 no-mfa), 1 new this window, ' +
        '1 owner DMs (1 findings), 0 muted; details: keywarden audit',
    ]);
    expect(summaryFields(alone)).toMatchObject({ hygiene: { 'no-mfa': 3 } });
  });
});
