import type { Action } from '../domain/planner';
import type { SweepReport } from '../domain/report';
import { reasonsEn } from './messages-reasons';

/**
 * `sweep --json`'s document: the report, with every reason the domain records as facts also
 * worded in English where schema version 1 had a sentence (`detail`, `problems`, an action's
 * `reason`, `keptBecause` and `stopped.reason`), whatever LANGUAGE is; the facts themselves are added beside it
 * (`facts`, `problemFacts`, `reasonFacts`, `keptKeys`) for machines that want them.
 */
export function sweepJsonDocument(report: SweepReport) {
  const { hygiene, accounts } = report;
  return {
    ...report,
    results: report.results.map((result) => ({
      ...result,
      action: actionJson(result.action),
      detail: reasonsEn.action(result.detail),
      facts: result.detail,
    })),
    skips: report.skips.map((skip) => ({ ...skip, detail: reasonsEn.skip(skip.detail), facts: skip.detail })),
    problems: report.problems.map((problem) => ({
      ...problem,
      problems: problem.problems.map(reasonsEn.rowFault),
      problemFacts: problem.problems,
    })),
    ...(report.stopped
      ? { stopped: { reason: reasonsEn.stop(report.stopped.reason), reasonFacts: report.stopped.reason } }
      : {}),
    ...(hygiene ? { hygiene: hygieneJson(hygiene) } : {}),
    ...(accounts
      ? {
          accounts: accounts.map(({ stopped: own, ...account }) => ({
            ...account,
            // Machines read `error` in English whatever stopped the account; the facts beside it.
            ...(own ? { error: reasonsEn.stop(own), stoppedFacts: own } : {}),
            ...(account.hygiene ? { hygiene: hygieneJson(account.hygiene) } : {}),
          })),
        }
      : {}),
  };
}

export type SweepJson = ReturnType<typeof sweepJsonDocument>;

function hygieneJson(hygiene: NonNullable<SweepReport['hygiene']>) {
  return 'error' in hygiene
    ? hygiene
    : {
        ...hygiene,
        problems: hygiene.problems.map(reasonsEn.reportProblem),
        problemFacts: hygiene.problems,
        deactivated: hygiene.deactivated.map(reasonsEn.staleKey),
        deactivatedFacts: hygiene.deactivated,
      };
}

function actionJson(action: Action) {
  switch (action.kind) {
    case 'notify-owner-unknown':
      return { ...action, reason: reasonsEn.ownerUnknown(action.reason), reasonFacts: action.reason };
    case 'notify-final':
      return action.to.kind === 'admins'
        ? {
            ...action,
            to: {
              ...action.to,
              reason: reasonsEn.ownerUnknown(action.to.reason),
              reasonFacts: action.to.reason,
            },
          }
        : action;
    case 'delete-key':
      return {
        ...action,
        keptBecause: reasonsEn.keptBecause(action.row.iamUser, action.keptBecause),
        keptKeys: action.keptBecause,
      };
    default:
      return action;
  }
}
