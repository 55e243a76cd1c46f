#!/usr/bin/env node
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { renderReport } from './cli/render';
import { type Config, ConfigError, loadConfig } from './config';
import { buildRuntime, sweepDepsOf } from './container';
import { ensureDemo } from './demo/seed';
import { dateInZone, type LocalDate, parseIsoDate } from './domain/dates';
import { createLogger } from './log';
import { runSweep } from './sweep/run-sweep';

const EXIT_FAILED = 1;
const EXIT_CONFIG = 2;

function isoDate(text: string): LocalDate {
  const date = parseIsoDate(text);
  if (!date) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return date;
}

function usesDemo(config: Config): boolean {
  return config.iam.kind === 'embedded' || (config.ledger.kind === 'csv' && config.ledger.embedded);
}

async function sweepCommand(options: { apply?: boolean; date?: LocalDate; json?: boolean }): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { command: 'sweep' });
  const today = options.date ?? dateInZone(new Date(), config.timeZone);
  if (usesDemo(config) && (await ensureDemo(config.home, today)))
    process.stderr.write(
      `Seeded the demo account and ledger under ${join(config.home, 'demo')} from examples/.\n`,
    );

  const runtime = await buildRuntime(config, { write: (line) => process.stdout.write(`${line}\n`) });
  try {
    if (runtime.embedded.length > 0) process.stderr.write(`Embedded: ${runtime.embedded.join(', ')}\n`);
    const report = await runSweep(sweepDepsOf(runtime), {
      mode: options.apply ? 'apply' : 'dry-run',
      ...(options.date ? { date: options.date } : {}),
    });
    process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : renderReport(report)}\n`);
    const failed = report.results.filter((result) => result.outcome === 'failed').length;
    log.info('sweep finished', {
      sweepId: report.sweepId,
      mode: report.mode,
      actions: report.results.length,
      failed,
      durationMs: report.durationMs,
    });
    return failed > 0 ? EXIT_FAILED : 0;
  } finally {
    await runtime.close();
  }
}

async function resetDemo(): Promise<number> {
  const config = loadConfig();
  await rm(join(config.home, 'demo'), { recursive: true, force: true });
  await rm(join(config.home, 'dynamodb'), { recursive: true, force: true });
  await ensureDemo(config.home, dateInZone(new Date(), config.timeZone));
  process.stdout.write(`Demo data re-seeded under ${join(config.home, 'demo')}.\n`);
  return 0;
}

export function program(): Command {
  const cli = new Command('keywarden').description('Keeps AWS IAM access keys from outliving their purpose.');
  cli
    .command('sweep')
    .description('plan (and with --apply, carry out) notices and teardowns from the key-request ledger')
    .option(
      '--apply',
      'act: send notices, delete expired keys and users, write the ledger (default: dry run)',
    )
    .option('--date <YYYY-MM-DD>', 'plan as if today were this date', isoDate)
    .option('--json', 'print the report as JSON')
    .action(async (options) => {
      process.exitCode = await sweepCommand(options);
    });
  cli
    .command('demo-reset')
    .description('re-seed the embedded demo (ledger, people, IAM account, state) from examples/')
    .action(async () => {
      process.exitCode = await resetDemo();
    });
  return cli;
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`keywarden: ${message}\n`);
      process.exitCode = error instanceof ConfigError ? EXIT_CONFIG : EXIT_FAILED;
    });
}
