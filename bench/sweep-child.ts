/**
 * One sweep in its own process, so its peak RSS is the sweep's alone (the fakes and the
 * 5,000-user account live in the parent). Everything is built by the production composition
 * root from environment variables, exactly as `keywarden sweep` builds it — standard IAM
 * retries, the DynamoDB client, Slack's WebClient with its retry policy and the per-channel
 * pacer, the credential-report source and hygiene settings — except the workbook: production
 * authenticates to Sheets with a service account (a call to Google's token endpoint, which is
 * out of reach here), so the same SheetsWorkbook adapter is given a bearer token instead.
 *
 * Prints one JSON line: what happened, how long it took, and the process's peak RSS.
 */
// First, so the process loads everything `keywarden sweep` loads (the CLI runs nothing when
// imported): its peak RSS is then the CLI's, not that of a leaner module graph.
import '../src/cli';
import { auth } from '@googleapis/sheets';
import { SheetsWorkbook } from '../src/adapters/ledger/sheets-workbook';
import { loadConfig } from '../src/config';
import { buildRuntime, sweepDepsOf } from '../src/container';
import type { LocalDate } from '../src/domain/dates';
import { countByKind, deletedRows, ledgerWrites } from '../src/domain/report';
import type { CellWrite, Workbook } from '../src/ports/workbook';
import { runSweep } from '../src/sweep/run-sweep';
import { memoryPeaks, required, runMain } from './child';

export interface SweepChildResult {
  readonly mode: 'dry-run' | 'apply';
  readonly wallMs: number;
  /** `workbook.read()` and `workbook.write()`, as the sweep saw them. */
  readonly ledgerReadMs: number;
  readonly ledgerWriteMs: number;
  readonly maxRssMb: number;
  /** Peaks of `process.memoryUsage()` sampled every 50 ms, in MB: where the RSS goes. */
  readonly memoryPeaksMb: Readonly<Record<string, number>>;
  /** RSS once the modules are loaded and the clients built, before the sweep reads anything. */
  readonly startupRssMb: number;
  readonly actions: Readonly<Record<string, number>>;
  readonly attention: number;
  readonly problems: number;
  readonly ledgerCellsWritten: number;
  /** The cells an apply run changes, for the baseline to write one by one. */
  readonly cells: readonly CellWrite[];
  readonly hygiene: unknown;
  /** Each account's sweep from its beginning to its end: the slowest, the median; accounts failed. */
  readonly accounts: {
    readonly swept: number;
    readonly failed: number;
    readonly slowestMs: number;
    readonly slowestAccount: string;
    readonly medianMs: number;
  };
}

/** Times each account's sweep from `onAccount` to `onAccountDone`. */
function accountTimer() {
  const begun = new Map<string, number>();
  const took = new Map<string, number>();
  return {
    begin: ({ account }: { account: string }) => begun.set(account, performance.now()),
    end: (account: string) => took.set(account, performance.now() - (begun.get(account) ?? 0)),
    summary(failed: number): SweepChildResult['accounts'] {
      const sorted = [...took].sort((a, b) => a[1] - b[1]);
      const [slowestAccount, slowestMs] = sorted[sorted.length - 1] ?? ['', 0];
      return {
        swept: sorted.length,
        failed,
        slowestMs: Math.round(slowestMs),
        slowestAccount,
        medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]?.[1] ?? 0),
      };
    },
  };
}

/**
 * The sweep's clock: BENCH_NOW when the sweep starts, then running at the real rate (durations,
 * leases and timeouts stay real). The generated account and ledger are fixed to that instant,
 * so hygiene findings (key ages, unused keys) do not drift with the calendar.
 */
function benchClock(): () => Date {
  const offset = Date.parse(required('BENCH_NOW')) - Date.now();
  if (Number.isNaN(offset)) throw new Error('BENCH_NOW is not an ISO instant');
  return () => new Date(Date.now() + offset);
}

async function main(): Promise<void> {
  const mode = required('BENCH_MODE') === 'apply' ? 'apply' : 'dry-run';
  const { peaksMb: peaks, sample } = memoryPeaks();
  const started = performance.now();
  const config = loadConfig();
  const runtime = await buildRuntime(config, { write: () => undefined });
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: 'bench-token' });
  const sheets = new SheetsWorkbook({
    spreadsheetId: required('BENCH_SPREADSHEET_ID'),
    ledgerSheet: config.ledger.kind === 'sheets' ? config.ledger.ledgerSheet : '台帳',
    peopleSheet: config.ledger.kind === 'sheets' ? config.ledger.peopleSheet : 'users',
    auth: oauth,
    rootUrl: required('BENCH_SHEETS_URL'),
  });
  const startupRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  let ledgerReadMs = 0;
  let ledgerWriteMs = 0;
  const workbook: Workbook = {
    description: sheets.description,
    read: async () => {
      const t = performance.now();
      try {
        return await sheets.read();
      } finally {
        ledgerReadMs += performance.now() - t;
      }
    },
    // The write-back: the key column checked, then the cells written.
    readColumn: async (column) => {
      const t = performance.now();
      try {
        return await sheets.readColumn(column);
      } finally {
        ledgerWriteMs += performance.now() - t;
      }
    },
    write: async (cells) => {
      const t = performance.now();
      try {
        await sheets.write(cells);
      } finally {
        ledgerWriteMs += performance.now() - t;
      }
    },
  };
  const timer = accountTimer();
  try {
    const report = await runSweep(sweepDepsOf({ ...runtime, workbook }, benchClock()), {
      mode,
      date: required('BENCH_DATE') as LocalDate,
      onAccount: timer.begin,
      onAccountDone: timer.end,
    });
    sample();
    const result: SweepChildResult = {
      mode,
      wallMs: Math.round(performance.now() - started),
      ledgerReadMs: Math.round(ledgerReadMs),
      ledgerWriteMs: Math.round(ledgerWriteMs),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      memoryPeaksMb: peaks,
      startupRssMb,
      actions: countByKind(report.results),
      attention: report.skips.filter((skip) => skip.attention).length,
      problems: report.problems.length,
      ledgerCellsWritten: report.ledgerCellsWritten,
      cells: ledgerWrites(
        deletedRows(report.results.map((r) => (r.outcome === 'planned' ? { ...r, outcome: 'done' } : r))),
        // Columns come from the ledger's header; the bench's ledger is the examples' layout.
        { status: 7 },
        config.language,
      ),
      hygiene: report.hygiene ?? null,
      accounts: timer.summary((report.accounts ?? []).filter((a) => !a.ok).length),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await runtime.close();
  }
}

runMain('sweep child', main);
