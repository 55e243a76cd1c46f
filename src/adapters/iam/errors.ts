import { IamError } from '../../ports/iam';

/** What an admin should do about the IAM errors a sweep can meet. */
const ADVICE: Readonly<Record<string, string>> = {
  AccessDenied: 'the credentials lack this IAM permission; attach the policy from the README',
  AccessDeniedException: 'the credentials lack this IAM permission; attach the policy from the README',
  Throttling: 'IAM kept throttling after retries; the sweep stopped so nothing is read as missing',
  ThrottlingException: 'IAM kept throttling after retries; the sweep stopped so nothing is read as missing',
  DeleteConflict: 'something still depends on it; see the journal snapshot for what the user held',
  DeleteConflictException: 'something still depends on it; see the journal snapshot for what the user held',
  InvalidClientTokenId: 'the AWS access key is not valid',
  ExpiredToken: 'the AWS session expired',
  ExpiredTokenException: 'the AWS session expired',
  CredentialsProviderError: 'no AWS credentials were found (set AWS_PROFILE or the usual AWS_* variables)',
};

/** One place that turns SDK errors into messages naming the operation and what to do. */
export function toIamError(error: unknown, operation: string): IamError {
  if (error instanceof IamError) return error;
  const e = error as { name?: string; Code?: string; message?: string };
  const code = e.Code ?? e.name ?? 'Error';
  const advice = ADVICE[code];
  const message = `IAM ${operation} failed: ${code}${e.message ? ` (${e.message})` : ''}${advice ? ` — ${advice}` : ''}`;
  return new IamError(message, code, { cause: error });
}
