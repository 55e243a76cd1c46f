import { CredentialReportFormatError } from '../domain/credential-report';
import { toLedgerText } from '../domain/dates';
import { LedgerFormatError } from '../domain/ledger';
import { SweepDateError, SweepLockedError } from '../domain/sweep-lock';
import { errorMessage } from '../util/errors';
import type { Messages } from './messages';

/**
 * What to tell a person about an error that ended what they asked for: our own errors worded
 * from their facts in the reader's language; anything else by its message, which is data
 * (an SDK's or a service's own text, or a ConfigError already worded in the settings' language).
 */
export function describeError(error: unknown, m: Messages): string {
  if (error instanceof LedgerFormatError) return m.reasons.ledgerFormat(error.fault);
  if (error instanceof CredentialReportFormatError) return m.reasons.reportFormat(error.fault);
  if (error instanceof SweepLockedError) return m.cli.sweepLocked(error.holder);
  if (error instanceof SweepDateError)
    return m.cli.applyDateRefused(toLedgerText(error.refusal.requested), toLedgerText(error.refusal.today));
  return errorMessage(error);
}
