import type { LocalDate } from '../../src/domain/dates';
import type { SweepReport } from '../../src/domain/report';
import { sweepSummary } from '../../src/slack/summary';
import {
  deactivatedLine,
  finalNoticeLine,
  ownerUnknownLine,
  sweepReportLines,
  weekAheadLine,
} from '../../src/text/console-notices';
import { messages } from '../../src/text/messages';
import { renderReport } from '../../src/text/sweep-report';
import { englishIn } from '../support/japanese';
import { csvGrid, World } from '../support/world';

const ja = messages('ja');

/** Every Slack text of a Block Kit tree. */
function blockTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(blockTexts);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === 'text' && typeof item === 'string' ? [item] : blockTexts(item),
  );
}

/**
 * Real sweeps of the examples' ledger and account, through the planner, the executor and the
 * sweep, read in Japanese: the reasons they give are facts the catalogue words, so no English
 * reaches the report, the admins' summary or the console's notices. Only data may stay Latin:
 * the ledger's cells, IAM's names.
 */
describe('a sweep read in Japanese', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('words every reason, skip and outcome in Japanese', async () => {
    world = await World.start();
    const protectedUsers = new Set(['backup-agent']);
    const policy = { noticeDays: 7, finalNoticeDays: 3, protectedUsers };
    const reports: SweepReport[] = [
      await world.sweep('apply', { policy }),
      // Again the same day: the notices are claimed already.
      await world.sweep('apply', { policy }),
      await world.sweep('dry-run', { policy }, '2026-12-05' as LocalDate),
      await world.sweep('apply', { policy: { ...policy, finalNoticeDays: 0 } }),
    ];
    const notifier = world.notifier;
    const texts = [
      ...reports.flatMap((report) => {
        const summary = sweepSummary(report, ja);
        return [
          renderReport(report, ja),
          summary.text,
          ...blockTexts(summary.blocks),
          ...sweepReportLines(report, ja),
        ];
      }),
      ...notifier.weekAheadNotices.map((notice) => weekAheadLine(notice, ja)),
      ...notifier.ownerUnknownNotices.map((notice) => ownerUnknownLine(notice, ja)),
      ...notifier.finalNotices.map((notice) => finalNoticeLine(notice, ja)),
      ...notifier.deactivatedNotices.map((notice) => deactivatedLine(notice, ja)),
    ];

    // The check is only as good as what the sweeps did: many kinds of reasons and outcomes.
    const skipKinds = new Set(reports.flatMap((report) => report.skips.map((skip) => skip.detail.kind)));
    const outcomeKinds = new Set(
      reports.flatMap((report) => report.results.map((result) => result.detail.kind)),
    );
    expect(skipKinds.size).toBeGreaterThanOrEqual(8);
    expect([...outcomeKinds]).toEqual(
      expect.arrayContaining(['sent', 'dry-run', 'removed-user', 'deleted-key']),
    );
    expect(reports.some((report) => report.problems.length > 0)).toBe(true);

    // The ledger as the workbook names it (`Google Sheets <id> (<tab>)`) is data too.
    // IAM user names (the ledger's 4th column) go as whole words: they are also inside ARNs.
    const ledger = csvGrid('ledger.csv');
    const cells = [
      ...ledger.flatMap((row) => row.filter((_, column) => column !== 3)),
      ...reports.map((report) => report.ledger),
    ].filter((cell) => cell !== '');
    const names = [...world.userNames(), ...ledger.map((row) => row[3] ?? '')].filter((name) => name !== '');
    const english = texts.flatMap((text) =>
      englishIn(text, cells, names).map((word) => `${word} in: ${text.slice(0, 300)}`),
    );
    expect(english).toEqual([]);
  });
});
