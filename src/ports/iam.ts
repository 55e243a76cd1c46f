import type { IamInventory, LiveAccessKey } from '../domain/iam';
import type { TeardownStep, UserHoldings } from '../domain/teardown';

export type StepOutcome = 'done' | 'already-gone';
export type PolicyCleanup = 'deleted' | 'still-attached' | 'already-gone';

/**
 * The IAM calls a sweep makes. Reads either return complete data or throw: an empty answer
 * always means "there is nothing", never "the call failed", so absence can be trusted.
 */
export interface IamGateway {
  /** Users with tags, groups and policies, from paginated `GetAccountAuthorizationDetails`. */
  inventory(): Promise<IamInventory>;
  /** `null` when the user does not exist. */
  listAccessKeys(userName: string): Promise<LiveAccessKey[] | null>;
  /** Everything that blocks `DeleteUser`; `null` when the user does not exist. */
  holdings(userName: string): Promise<UserHoldings | null>;
  run(step: TeardownStep): Promise<StepOutcome>;
  /** Deletes a customer-managed policy (non-default versions first) unless something still uses it. */
  deletePolicyIfUnused(policyArn: string): Promise<PolicyCleanup>;
}

export class IamError extends Error {
  override readonly name = 'IamError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
