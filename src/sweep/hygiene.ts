import { parseCredentialReport } from '../domain/credential-report';
import { dateInZone } from '../domain/dates';
import { findingEmailLookups, planFindingNotices, type StaleKey, staleKeys } from '../domain/finding-plan';
import { type Finding, findings, summarise } from '../domain/hygiene';
import { legacyFindingKey, staleKeyDeactivationKey } from '../domain/journal-keys';
import { mutingFor, screenFindings } from '../domain/mutes';
import type { PlanInput } from '../domain/planner';
import type { HygieneSummary, Mode, StaleKeyOutcome } from '../domain/report';
import type { CredentialReportSource } from '../ports/credential-report';
import type { JournalEntry } from '../ports/state';
import type { AccountDeps, HygieneSettings, Sources } from './deps';
import { lookUpEmails } from './lookups';
import { once } from './once';

/** An account with a credential report to check. */
export type HygieneDeps = AccountDeps & { readonly credentialReports: CredentialReportSource };

/** The report's `last_rotated` is a key's creation time; IAM's own CreateDate may differ by rounding. */
const SAME_KEY_TOLERANCE_MS = 1000;

export interface HygieneRun {
  readonly mode: Mode;
  readonly sweepId: string;
  /** Checked between owners' DMs and between deactivations, as the executor does between actions. */
  readonly stop?: AbortSignal;
  /** A dry run as of another day (`sweep --date`): the instant the findings are computed at. */
  readonly asOf?: Date;
  /** The account named in owners' DMs and the admins' digest; set when the sweep covers several. */
  readonly account?: string;
}

/**
 * Hygiene part of a sweep: one credential report, findings DMed to owners at most once per
 * finding per window (journal keys) in one DM per owner, the new ones listed for the admins,
 * and, only when the policy says so, stale keys deactivated under the same guards and journal
 * as teardowns. Muted findings and protected users' are left out of all three.
 */
export async function runHygiene(
  deps: HygieneDeps,
  settings: HygieneSettings,
  /** The ledger side's sources; its Slack ids for emails are reused, not looked up again. */
  sources: Sources & Pick<PlanInput, 'emailToSlackId'>,
  run: HygieneRun,
): Promise<HygieneSummary> {
  const { mode, sweepId, stop } = run;
  const [report, passwordPolicy] = await Promise.all([
    deps.credentialReports.fetch(),
    deps.credentialReports.passwordPolicy(),
  ]);
  const parsed = parseCredentialReport(report.csv);
  const now = run.asOf ?? deps.now();
  // A member account's findings carry its id, and so do their journal keys; the home account's keep none.
  const found = findings(
    parsed.rows,
    { ...settings.policy, passwordPolicy },
    now,
    deps.timeZone,
    deps.account,
  );
  const { muting, problems: unreadMuteTags } = mutingFor(
    settings.mutes ?? [],
    deps.policy.protectedUsers,
    sources.iam,
    deps.account ?? sources.iam.accountId,
  );
  const screened = screenFindings(found, muting, dateInZone(now, deps.timeZone));
  const loud = screened.loud;
  // A member account's finding may have been reported before its key named the account.
  const legacyOf = new Map(
    loud.flatMap((f) => {
      const legacy = legacyFindingKey(f.key);
      return legacy === null ? [] : [[f.key, legacy] as const];
    }),
  );
  const entries = await deps.journal.getMany([...loud.map((f) => f.key), ...new Set(legacyOf.values())]);
  const reported = new Set(
    loud
      .filter((f) => {
        // Only completed ones: a finding claimed by a sweep that died before the DM is listed for the admins again.
        if (entries.get(f.key)?.state === 'completed') return true;
        // Any legacy entry counts, even an unfinished claim: the legacy key was shared by the same
        // user name in every account, so at most once leans to not sending again. The home
        // account still writes that form, but marks it, so its claims since are not mistaken for one.
        const legacy = entries.get(legacyOf.get(f.key) ?? '');
        return legacy !== undefined && !isHomeClaim(legacy);
      })
      .map((f) => f.key),
  );
  const scope = { ...sources, findings: loud, reported };
  const known = sources.emailToSlackId;
  const looked = await lookUpEmails(
    deps.slackDirectory,
    findingEmailLookups(scope).filter((email) => !known.has(email)),
  );
  const emailToSlackId = new Map([...known, ...looked]);
  const notices = planFindingNotices({ ...scope, emailToSlackId });
  const fresh = loud.filter((finding) => !reported.has(finding.key));
  const createdAtOf = (finding: Finding) => {
    if (finding.kind !== 'unused-credentials' || finding.credential.type !== 'access-key') return null;
    const slot = finding.credential.slot;
    const row = parsed.rows.find((r) => r.user === finding.user);
    return row?.accessKeys.find((key) => key.slot === slot)?.lastRotated ?? null;
  };
  // An accepted exception is not acted on either: a muted unused key stays active.
  const stale = settings.deactivateStaleKeys
    ? staleKeys(loud, sources.iam, deps.policy.protectedUsers, createdAtOf)
    : [];

  const summary = {
    generatedAt: report.generatedAt.toISOString(),
    counts: summarise(found),
    total: found.length,
    fresh: fresh.length,
    muted: screened.muted.length,
    problems: parsed.problems,
    unreadMuteTags,
  };
  if (mode === 'dry-run')
    return {
      ...summary,
      notified: 0,
      notifiedFindings: 0,
      deactivated: stale.map((key) => ({
        userName: key.userName,
        slot: key.slot,
        outcome: 'planned' as const,
      })),
    };

  const named = run.account === undefined ? {} : { account: run.account };
  let notified = 0;
  let notifiedFindings = 0;
  // A finding DM is at most once: its completions are written a batch at a time (see JournalBatch).
  const completions = deps.journal.batch();
  try {
    for (const notice of notices) {
      if (stop?.aborted) break;
      if (completions.full) await completions.flush();
      const { slackId } = notice;
      const told = await once(
        deps.journal,
        deps.now,
        notice.findings.map((finding) => ({
          key: finding.key,
          action: 'finding',
          // `<account>/<user>` in a member account, as the executor's row ids say where they acted.
          rowId: finding.account === undefined ? finding.user : `${finding.account}/${finding.user}`,
          sweepId,
          ...(finding.account === undefined ? { detail: HOME_CLAIM } : {}),
        })),
        async ({ keys }) => {
          const claimed = notice.findings.filter((finding) => keys.includes(finding.key));
          if (slackId === null || claimed.length === 0) return { value: 0 };
          await deps.notifier.findings({ slackId, findings: claimed, ...named });
          return { value: claimed.length };
        },
        // A claim that already existed belongs to a sweep that died around its DM: at most once to
        // the owner, so it is closed here and only the digest lists it for the admins, once.
        { resume: 'never', closeEarlier: { interrupted: true }, completions },
      );
      if (told.kind === 'ran' && told.value > 0) {
        notified++;
        notifiedFindings += told.value;
      }
    }
  } finally {
    // Written before the digest, and also when a DM threw, so owners told before it stay recorded as told.
    await completions.flush();
  }
  if (fresh.length > 0) {
    const expiredMutes = screened.expired.filter((expired) => fresh.includes(expired.finding));
    await deps.notifier.findingsDigest({
      ...named,
      fresh,
      counts: summary.counts,
      generatedAt: report.generatedAt,
      timeZone: deps.timeZone,
      ...(expiredMutes.length > 0 ? { expiredMutes } : {}),
    });
  }

  const deactivated: StaleKeyOutcome[] = [];
  for (const key of stale) {
    if (stop?.aborted) break;
    deactivated.push(await deactivate(key, deps, sweepId));
  }
  return { ...summary, notified, notifiedFindings, deactivated };
}

/**
 * Detail of a home account's finding claim. Its key has the form member accounts' keys had
 * before they named the account, which a member account reads as already reported; this tells
 * the home account's own claims apart.
 */
const HOME_CLAIM = { homeAccount: true } as const;

function isHomeClaim(entry: JournalEntry): boolean {
  const detail: unknown = entry.detail;
  return (
    typeof detail === 'object' && detail !== null && 'homeAccount' in detail && detail.homeAccount === true
  );
}

async function deactivate(stale: StaleKey, deps: AccountDeps, sweepId: string): Promise<StaleKeyOutcome> {
  const ended = (outcome: StaleKeyOutcome['outcome']) => ({
    userName: stale.userName,
    slot: stale.slot,
    outcome,
  });
  // Live check: the report may be hours old and names keys only by slot.
  const live = await deps.iam.listAccessKeys(stale.userName);
  if (live === null) return ended('user-gone');
  const key = live.find(
    (candidate) =>
      candidate.createdAt &&
      Math.abs(candidate.createdAt.getTime() - stale.createdAt.getTime()) < SAME_KEY_TOLERANCE_MS,
  );
  if (!key) return ended('no-live-key');
  if (key.status !== 'Active') return ended('already-inactive');
  const claim = {
    key: staleKeyDeactivationKey(key.accessKeyId),
    action: 'deactivate-key',
    rowId: key.accessKeyId,
    sweepId,
    detail: { finding: stale.finding.key },
  };
  const done = await once(
    deps.journal,
    deps.now,
    [claim],
    async () => {
      await deps.iam.run({
        op: 'deactivate-access-key',
        userName: stale.userName,
        accessKeyId: key.accessKeyId,
      });
      await deps.audit.record({
        at: deps.now().toISOString(),
        actor: `sweep:${sweepId}`,
        action: 'deactivate-access-key',
        target: stale.userName,
        outcome: 'done',
        detail: `${key.accessKeyId}: ${stale.finding.detail}`,
      });
      return { value: ended('deactivated') };
    },
    { resume: 'unless-completed' },
  );
  return done.kind === 'ran' ? done.value : ended('already-deactivated');
}
