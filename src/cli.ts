#!/usr/bin/env node

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import stringWidth from 'string-width';
import { carryOnWithoutStdout, type SignalStop, signalExitCode, stopOnSignals } from './cli/interrupts';
import { startProgress } from './cli/progress';
import { resetDemo } from './cli/reset-demo';
import { layoutOf } from './cli/terminal';
import { unlockCommand } from './cli/unlock';
import { embeddedFor, loadEmbedded } from './compose/load-embedded';
import { type Config, ConfigError, settingsLanguage } from './config';
import { buildRuntime, digestDepsOf, openState, sweepDepsOf } from './container';
import { ensureDemo } from './demo/seed';
import { doctorExitCode, renderCheck, runDoctor } from './doctor';
import { dateInZone, type LocalDate, localTime, parseIsoDate, toLedgerText } from './domain/dates';
import type { HygienePolicy } from './domain/hygiene';
import type { IamInventory } from './domain/iam';
import { mutingFor } from './domain/mutes';
import { type SweepReport, summaryFields, sweepVerdict } from './domain/report';
import type { Language } from './domain/status';
import { instantOn, sweepDateRefusal } from './domain/sweep-date';
import { SweepDateError } from './domain/sweep-lock';
import { loadConfigWithSecrets } from './load-config';
import { createLogger } from './log';
import { findingsReport } from './reports/findings-report';
import { runDigest } from './sweep/digest';
import { runSweep } from './sweep/run-sweep';
import { describeError } from './text/describe-error';
import { FINDINGS_FORMATS, type FindingsFormat } from './text/findings';
import { messages } from './text/messages';
import { HELP_TITLES, type HelpTitle } from './text/messages-help';
import { accountStep } from './text/progress';
import { sweepJsonDocument } from './text/sweep-json';
import { renderReport } from './text/sweep-report';

const EXIT_FAILED = 1;
/** A setting or an argument is wrong: nothing was done. */
const EXIT_CONFIG = 2;
/** `audit` ran and found something, as security scanners exit (a CI step fails on it). */
const EXIT_FINDINGS = 3;

/**
 * The version of `sweep --json`'s document. Field names are stable within a version; a change
 * that removes or renames a field, or changes its meaning, bumps it.
 */
export const SWEEP_SCHEMA_VERSION = 1;

/** The package's version, from its package.json next to `dist/` (or `src/`). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

function usesDemo(config: Config): boolean {
  return config.iam.kind === 'embedded' || (config.ledger.kind === 'csv' && config.ledger.embedded);
}

async function sweepCommand(
  options: { apply?: boolean; date?: LocalDate; json?: boolean },
  signals: SignalStop | null,
): Promise<number> {
  const config = await loadConfigWithSecrets();
  const log = createLogger(config.logLevel, { command: 'sweep' }, config.logFormat);
  const mode = options.apply ? 'apply' : 'dry-run';
  // Checked here too, before the demo is seeded, so that a refused run leaves no trace at all.
  const refusal = sweepDateRefusal(mode, options.date, dateInZone(new Date(), config.timeZone));
  const m = messages(config.language);
  if (refusal) {
    const { requested, today } = refusal;
    process.stderr.write(
      `keywarden: ${m.cli.applyDateRefused(toLedgerText(requested), toLedgerText(today))}\n`,
    );
    return EXIT_CONFIG;
  }
  const today = options.date ?? dateInZone(new Date(), config.timeZone);
  if (usesDemo(config) && (await ensureDemo(config.home, today)))
    process.stderr.write(`${m.cli.seededDemo(join(config.home, 'demo'))}\n`);

  const progress = startProgress(process.stderr, 'sweep', config.language);
  const runtime = await buildRuntime(
    config,
    { write: (line) => progress.above(() => process.stdout.write(`${line}\n`)) },
    embeddedFor(config),
  ).catch((error: unknown) => {
    progress.stop();
    throw error;
  });
  try {
    if (runtime.embedded.length > 0)
      progress.above(() => process.stderr.write(`${m.cli.embedded(runtime.embedded)}\n`));
    const early = signals?.received();
    if (early) {
      process.stderr.write(`${m.cli.signalBeforeSweep(early)}\n`);
      return signalExitCode(early);
    }
    const report = await runSweep(sweepDepsOf(runtime), {
      mode,
      ...(options.date ? { date: options.date } : {}),
      ...(signals ? { stop: signals.signal } : {}),
      onAccount: ({ account, n, of }) => {
        if (of > 1) progress.step(accountStep(account, n, of, config.language));
      },
    });
    progress.stop();
    process.stdout.write(
      `${options.json ? sweepJson(report) : renderReport(report, m, { ...layoutOf(process.stdout, process.env), timeZone: config.timeZone })}\n`,
    );
    log.info('sweep finished', summaryFields(report));
    const verdict = sweepVerdict(report);
    if (verdict === 'stopped' && report.stopped)
      return stoppedExit(m.cli.stoppedEarly(report.sweepId, m.reasons.stop(report.stopped.reason)), signals);
    return verdict === 'failed' ? EXIT_FAILED : 0;
  } finally {
    progress.stop();
    await runtime.close();
  }
}

/** `sweep --json`: the report under its schema version, its reasons in English (text/sweep-json.ts). */
function sweepJson(report: SweepReport): string {
  return JSON.stringify({ schemaVersion: SWEEP_SCHEMA_VERSION, ...sweepJsonDocument(report) }, null, 2);
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
  json?: boolean;
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
      format: options.json ? 'json' : options.format,
      layout: layoutOf(process.stdout, process.env),
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
    const progress = startProgress(process.stderr, 'credential-report', config.language);
    try {
      const runtime = await buildRuntime(
        config,
        { write: (line) => progress.above(() => process.stderr.write(`${line}\n`)) },
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
    } finally {
      progress.stop();
    }
  }
  process.stdout.write(`${result.output}\n`);
  return result.findings.length > 0 ? EXIT_FINDINGS : 0;
}

async function digestCommand(): Promise<number> {
  const config = await loadConfigWithSecrets();
  const now = new Date();
  if (usesDemo(config)) await ensureDemo(config.home, dateInZone(now, config.timeZone));
  const progress = startProgress(process.stderr, 'digest', config.language);
  const runtime = await buildRuntime(
    config,
    { write: (line) => progress.above(() => process.stdout.write(`${line}\n`)) },
    embeddedFor(config),
  ).catch((error: unknown) => {
    progress.stop();
    throw error;
  });
  try {
    const result = await runDigest(digestDepsOf(runtime));
    progress.stop();
    const told = messages(config.language).cli.digestSent(
      result.total,
      localTime(new Date(result.generatedAt), config.timeZone),
      result.archivedAt ?? null,
    );
    process.stdout.write(`${told}\n`);
    return 0;
  } finally {
    progress.stop();
    await runtime.close();
  }
}

async function serveCommand(): Promise<number> {
  const config = await loadConfigWithSecrets();
  // A long-running service's log is its only output: on a terminal it is text, but at LOG_LEVEL.
  const log = createLogger(
    config.logLevel,
    { command: 'serve' },
    config.logFormat ?? (process.stderr.isTTY ? 'text' : 'json'),
  );
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

/**
 * Commander's help in the catalogue's words: its headings, the usage line and each option's
 * choices and default. Flags and command names are left as they are typed.
 */
function localizedHelp(cli: Command, language: Language, usage: string): Command {
  const h = messages(language).help;
  return cli
    .usage(usage)
    .helpOption('-h, --help', h.helpOption)
    .configureHelp({
      // Commander wraps only at spaces, which Japanese has only around Latin words: breaking
      // there splits a sentence mid-phrase, so the terminal wraps it instead.
      ...(language === 'ja' ? { boxWrap: (text: string) => text } : {}),
      // Terminal columns: a Japanese character takes two, so descriptions stay aligned.
      displayWidth: (text) => stringWidth(text),
      subcommandTerm: (sub) =>
        [
          sub.name(),
          ...(sub.options.length > 0 ? [h.usage.command] : []),
          ...sub.registeredArguments.map((arg) => (arg.required ? `<${arg.name()}>` : `[${arg.name()}]`)),
        ].join(' '),
      styleTitle: (title) =>
        (HELP_TITLES as readonly string[]).includes(title) ? h.titles[title as HelpTitle] : title,
      optionDescription: (option) => {
        const defaultValue = typeof option.defaultValue === 'string' ? option.defaultValue : null;
        const choices = option.argChoices ?? [];
        return choices.length > 0 || defaultValue !== null
          ? `${option.description}${h.optionExtras(choices, defaultValue)}`
          : option.description;
      },
    });
}

/** The CLI; its help in `language` (by default the one the settings choose, read before them). */
export function program(language: Language = settingsLanguage()): Command {
  const h = messages(language).help;
  const isoDate = (text: string): LocalDate => {
    const date = parseIsoDate(text);
    if (!date) throw new InvalidArgumentError(h.badDate);
    return date;
  };
  const positiveInt = (text: string): number => {
    if (!/^[1-9]\d{0,3}$/.test(text)) throw new InvalidArgumentError(h.badDays);
    return Number(text);
  };
  const command = (name: string, description: string) =>
    localizedHelp(cli.command(name), language, h.usage.command).description(description);
  const cli = localizedHelp(new Command('keywarden'), language, h.usage.program)
    .description(h.program)
    .version(packageVersion(), '-V, --version', h.versionOption)
    .helpCommand(`help [${h.placeholders.command}]`, h.helpCommand)
    // Usage errors throw (and exit 2 in main) instead of commander ending the process with 1.
    .exitOverride();
  command('sweep', h.sweep.description)
    .option('--apply', h.sweep.apply)
    .option('--date <YYYY-MM-DD>', h.sweep.date, isoDate)
    .option('--json', h.sweep.json)
    .action(async (options) => {
      // Only an apply run has work worth finishing; a dry run may simply die.
      const signals = options.apply
        ? stopOnSignals((signal, first) =>
            process.stderr.write(`${messages(language).cli.signalStopping(signal, first)}\n`),
          )
        : null;
      try {
        process.exitCode = await sweepCommand(options, signals);
      } finally {
        signals?.dispose();
      }
    });
  command('audit', h.audit.description)
    .option('--credential-report <file.csv>', h.audit.credentialReport)
    .option(`--max-password-age <${h.placeholders.days}>`, h.audit.maxPasswordAge, positiveInt)
    .addOption(
      new Option(`--format <${h.placeholders.format}>`, h.audit.format)
        .choices([...FINDINGS_FORMATS])
        .default('table'),
    )
    .option('--date <YYYY-MM-DD>', h.audit.date)
    .addOption(new Option('--json', h.audit.json).conflicts('format'))
    .action(async (options) => {
      process.exitCode = await auditCommand(options);
    });
  command('digest', h.digest).action(async () => {
    process.exitCode = await digestCommand();
  });
  command('serve', h.serve).action(async () => {
    process.exitCode = await serveCommand();
  });
  command('unlock', h.unlock.description)
    .option('--force', h.unlock.force)
    .action(async (options) => {
      const config = await loadConfigWithSecrets();
      process.exitCode = await unlockCommand(
        await openState(config, embeddedFor(config)),
        options,
        (text) => process.stdout.write(text),
        messages(config.language),
      );
    });
  command('doctor', h.doctor).action(async () => {
    process.exitCode = await doctorCommand();
  });
  command('demo-reset', h.demoReset).action(async () => {
    const config = await loadConfigWithSecrets();
    const demo = await resetDemo(config.home, dateInZone(new Date(), config.timeZone));
    process.stdout.write(`${messages(config.language).cli.demoReseeded(demo)}\n`);
    process.exitCode = 0;
  });
  return cli;
}

/** The exit code of an error that ended a command. */
function exitCodeOf(error: unknown): number {
  // Help and --version end with exit code 0; anything else commander rejects is a usage error.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_CONFIG;
  return error instanceof ConfigError || error instanceof SweepDateError ? EXIT_CONFIG : EXIT_FAILED;
}

/** Runs the CLI on `argv` (`bin/keywarden.js` calls this once it has checked the Node version). */
export function main(argv: readonly string[]): Promise<void> {
  carryOnWithoutStdout(messages(settingsLanguage()).cli.stdoutClosed);
  return program()
    .parseAsync([...argv])
    .then(
      () => undefined,
      (error: unknown) => {
        // Commander has already printed its own usage errors, help and version.
        // The settings' language even when they could not be read (settingsLanguage falls back to English).
        if (!(error instanceof CommanderError))
          process.stderr.write(`keywarden: ${describeError(error, messages(settingsLanguage()))}\n`);
        process.exitCode = exitCodeOf(error);
      },
    );
}

if (require.main === module) void main(process.argv);
