#!/usr/bin/env node

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  carryOnWithoutStdout,
  type SignalStop,
  signalExitCode,
  stopOnSignals,
  sweepStopMessage,
} from './cli/interrupts';
import { unlockCommand } from './cli/unlock';
import { embeddedFor, loadEmbedded } from './compose/load-embedded';
import { type Config, ConfigError } from './config';
import { buildRuntime, digestDepsOf, openState, sweepDepsOf } from './container';
import { ensureDemo } from './demo/seed';
import { doctorExitCode, renderCheck, runDoctor } from './doctor';
import { dateInZone, type LocalDate, parseIsoDate } from './domain/dates';
import type { HygienePolicy } from './domain/hygiene';
import type { IamInventory } from './domain/iam';
import { mutingFor } from './domain/mutes';
import { summaryFields, sweepVerdict } from './domain/report';
import { instantOn, sweepDateRefusal } from './domain/sweep-date';
import { loadConfigWithSecrets } from './load-config';
import { createLogger } from './log';
import { findingsReport } from './reports/findings-report';
import { runDigest } from './sweep/digest';
import { runSweep, SweepDateError } from './sweep/run-sweep';
import { FINDINGS_FORMATS, type FindingsFormat } from './text/findings';
import { messages } from './text/messages';
import { renderReport } from './text/sweep-report';
import { errorMessage } from './util/errors';

const EXIT_FAILED = 1;
/** A setting or an argument is wrong: nothing was done. */
const EXIT_CONFIG = 2;

function isoDate(text: string): LocalDate {
  const date = parseIsoDate(text);
  if (!date) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return date;
}

function positiveInt(text: string): number {
  if (!/^[1-9]\d{0,3}$/.test(text)) throw new InvalidArgumentError('expected a whole number of days');
  return Number(text);
}

function usesDemo(config: Config): boolean {
  return config.iam.kind === 'embedded' || (config.ledger.kind === 'csv' && config.ledger.embedded);
}

async function sweepCommand(
  options: { apply?: boolean; date?: LocalDate; json?: boolean },
  signals: SignalStop | null,
): Promise<number> {
  const config = await loadConfigWithSecrets();
  const log = createLogger(config.logLevel, { command: 'sweep' });
  const mode = options.apply ? 'apply' : 'dry-run';
  // Checked here too, before the demo is seeded, so that a refused run leaves no trace at all.
  const refusal = sweepDateRefusal(mode, options.date, dateInZone(new Date(), config.timeZone));
  if (refusal) {
    process.stderr.write(`keywarden: ${refusal}\n`);
    return EXIT_CONFIG;
  }
  const m = messages(config.language);
  const today = options.date ?? dateInZone(new Date(), config.timeZone);
  if (usesDemo(config) && (await ensureDemo(config.home, today)))
    process.stderr.write(`${m.cli.seededDemo(join(config.home, 'demo'))}\n`);

  const runtime = await buildRuntime(
    config,
    { write: (line) => process.stdout.write(`${line}\n`) },
    embeddedFor(config),
  );
  try {
    if (runtime.embedded.length > 0) process.stderr.write(`${m.cli.embedded(runtime.embedded)}\n`);
    const early = signals?.received();
    if (early) {
      process.stderr.write(`${m.cli.signalBeforeSweep(early)}\n`);
      return signalExitCode(early);
    }
    const report = await runSweep(sweepDepsOf(runtime), {
      mode,
      ...(options.date ? { date: options.date } : {}),
      ...(signals ? { stop: signals.signal } : {}),
    });
    process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : renderReport(report, m)}\n`);
    log.info('sweep finished', summaryFields(report));
    const verdict = sweepVerdict(report);
    if (verdict === 'stopped' && report.stopped)
      return stoppedExit(m.cli.stoppedEarly(report.sweepId, report.stopped.reason), signals);
    return verdict === 'failed' ? EXIT_FAILED : 0;
  } finally {
    await runtime.close();
  }
}

/** An apply sweep that stopped early: 130/143 when a signal asked it to, 1 when it lost its lock. */
function stoppedExit(told: string, signals: SignalStop | null): number {
  process.stderr.write(`${told}\n`);
  const signal = signals?.received();
  return signal ? signalExitCode(signal) : EXIT_FAILED;
}

async function auditCommand(options: {
  credentialReport?: string;
  format: FindingsFormat;
  maxPasswordAge?: number;
  date?: string;
}): Promise<number> {
  const config = await loadConfigWithSecrets();
  const text = messages(config.language).mutes;
  // Checked here rather than by commander, so that a bad date exits 2 like any bad argument.
  const asOf = options.date === undefined ? undefined : parseIsoDate(options.date);
  if (asOf === null) {
    process.stderr.write(`keywarden: ${text.badDate(options.date ?? '')}\n`);
    return EXIT_CONFIG;
  }
  const now = asOf ? instantOn(asOf, new Date(), config.timeZone) : new Date();
  const findingsOf = (csv: string, policy: HygienePolicy, iam: IamInventory | null, generatedAt?: Date) => {
    const { muting, problems } = mutingFor(config.hygieneMutes, config.protectedUsers, iam);
    return findingsReport(csv, {
      now,
      timeZone: config.timeZone,
      policy,
      format: options.format,
      messages: messages(config.language),
      mutes: { muting, unread: problems, text },
      ...(asOf ? { asOf } : {}),
      ...(generatedAt ? { generatedAt } : {}),
    });
  };

  let result: ReturnType<typeof findingsOf>;
  if (options.credentialReport) {
    // A saved report carries no password policy: its own password_next_rotation says when a
    // password expires, and --max-password-age fills in for rows written before the policy had one.
    // Nor IAM tags: only HYGIENE_MUTES and PROTECTED_USERS mute findings here.
    result = findingsOf(
      await readFile(options.credentialReport, 'utf8'),
      {
        ...config.hygiene,
        passwordPolicy: options.maxPasswordAge ? { maxPasswordAge: options.maxPasswordAge } : null,
      },
      null,
    );
  } else {
    if (usesDemo(config)) await ensureDemo(config.home, dateInZone(now, config.timeZone));
    const runtime = await buildRuntime(
      config,
      { write: (line) => process.stderr.write(`${line}\n`) },
      embeddedFor(config),
    );
    try {
      const [report, passwordPolicy, inventory] = await Promise.all([
        runtime.credentialReports.fetch(),
        runtime.credentialReports.passwordPolicy(),
        runtime.iam.inventory(),
      ]);
      result = findingsOf(report.csv, { ...config.hygiene, passwordPolicy }, inventory, report.generatedAt);
    } finally {
      await runtime.close();
    }
  }
  process.stdout.write(`${result.output}\n`);
  return 0;
}

async function digestCommand(): Promise<number> {
  const config = await loadConfigWithSecrets();
  const now = new Date();
  if (usesDemo(config)) await ensureDemo(config.home, dateInZone(now, config.timeZone));
  const runtime = await buildRuntime(
    config,
    { write: (line) => process.stdout.write(`${line}\n`) },
    embeddedFor(config),
  );
  try {
    const result = await runDigest(digestDepsOf(runtime));
    const told = messages(config.language).cli.digestSent(
      result.total,
      result.generatedAt,
      result.archivedAt ?? null,
    );
    process.stdout.write(`${told}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

async function serveCommand(): Promise<number> {
  const config = await loadConfigWithSecrets();
  const log = createLogger(config.logLevel, { command: 'serve' });
  const { serve } = require('./serve') as typeof import('./serve.js');
  const serving = await serve(config, log);
  const signals = stopOnSignals((signal, first) =>
    log.info(first ? 'shutting down' : 'still shutting down: waiting for the sweep under way', { signal }),
  );
  try {
    await new Promise<void>((resolve) => signals.signal.addEventListener('abort', () => resolve()));
    // A scheduled sweep under way stops at its next safe point and releases its lock first.
    await serving.stop();
  } finally {
    signals.dispose();
  }
  return 0;
}

async function doctorCommand(): Promise<number> {
  const checks = await runDoctor(process.env, loadEmbedded(), {
    prepare: async (config) => {
      if (usesDemo(config)) await ensureDemo(config.home, dateInZone(new Date(), config.timeZone));
    },
    onCheck: (check, language) => process.stdout.write(`${renderCheck(check, language)}\n`),
  });
  return doctorExitCode(checks);
}

async function resetDemo(): Promise<number> {
  const config = await loadConfigWithSecrets();
  await rm(join(config.home, 'demo'), { recursive: true, force: true });
  await rm(join(config.home, 'dynamodb'), { recursive: true, force: true });
  await ensureDemo(config.home, dateInZone(new Date(), config.timeZone));
  process.stdout.write(`${messages(config.language).cli.demoReseeded(join(config.home, 'demo'))}\n`);
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
    .option(
      '--date <YYYY-MM-DD>',
      'plan as if today were this date; with --apply only today or an earlier day (catching up a missed sweep)',
      isoDate,
    )
    .option('--json', 'print the report as JSON')
    .action(async (options) => {
      // Only an apply run has work worth finishing; a dry run may simply die.
      const signals = options.apply
        ? stopOnSignals((signal, first) => process.stderr.write(`${sweepStopMessage(signal, first)}\n`))
        : null;
      try {
        process.exitCode = await sweepCommand(options, signals);
      } finally {
        signals?.dispose();
      }
    });
  cli
    .command('audit')
    .description('IAM hygiene findings from the credential report (live, or a saved CSV with no AWS access)')
    .option('--credential-report <file.csv>', 'audit a credential report downloaded from the console')
    .option(
      '--max-password-age <days>',
      'with --credential-report: the account password policy max age, for rows without password_next_rotation',
      positiveInt,
    )
    .addOption(
      new Option('--format <format>', 'output format').choices([...FINDINGS_FORMATS]).default('table'),
    )
    .option(
      '--date <YYYY-MM-DD>',
      'audit as of this day (ages, windows and expiries counted to it), e.g. the day a saved report was downloaded',
    )
    .action(async (options) => {
      process.exitCode = await auditCommand(options);
    });
  cli
    .command('digest')
    .description(
      'send the weekly hygiene digest to the admins, with the credential report attached (and archived)',
    )
    .action(async () => {
      process.exitCode = await digestCommand();
    });
  cli
    .command('serve')
    .description('run the Slack app (Socket Mode or HTTP) and the scheduled sweep until stopped')
    .action(async () => {
      process.exitCode = await serveCommand();
    });
  cli
    .command('unlock')
    .description('show who holds the sweep lock (sweep id, host, pid, age); with --force, release it')
    .option('--force', 'release the lock (only the holder shown; a running sweep then stops at a safe point)')
    .action(async (options) => {
      const config = await loadConfigWithSecrets();
      process.exitCode = await unlockCommand(
        await openState(config, embeddedFor(config)),
        options,
        (text) => process.stdout.write(text),
        messages(config.language),
      );
    });
  cli
    .command('doctor')
    .description(
      'check configuration, the ledger, IAM permissions, the DynamoDB table and Slack, changing nothing',
    )
    .action(async () => {
      process.exitCode = await doctorCommand();
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
  carryOnWithoutStdout();
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      const message = errorMessage(error);
      process.stderr.write(`keywarden: ${message}\n`);
      process.exitCode =
        error instanceof ConfigError || error instanceof SweepDateError ? EXIT_CONFIG : EXIT_FAILED;
    });
}
