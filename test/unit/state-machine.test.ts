import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  STEP_FUNCTIONS_ACCOUNT_BUDGET_SECONDS,
  STEP_FUNCTIONS_LEASE_SECONDS,
} from '../../src/sweep/sweep-steps';
import { sweepDefinition, sweepStateMachineResource } from '../support/sweep-machine';

/** asl-validator ships no types: its one export, as documented. */
type AslValidator = (
  definition: unknown,
  options?: { readonly checkPaths?: boolean; readonly checkArn?: boolean },
) => { readonly isValid: boolean; readonly errorsText: (separator?: string) => string };
const validate = require('asl-validator') as AslValidator;

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Error?: string;
  readonly Seconds?: number;
  readonly Choices?: readonly { readonly Variable: string; readonly Next: string }[];
  readonly Next?: string;
  readonly MaxConcurrency?: number;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[]; readonly MaxAttempts?: number }[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly ItemProcessor?: { readonly States: Record<string, State> };
}

const definition = sweepDefinition() as unknown as {
  readonly TimeoutSeconds: number;
  readonly StartAt: string;
  readonly States: Record<string, State>;
};
const states = definition.States;
const serverless = parse(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'), {
  customTags: ['!Ref', '!GetAtt', '!Sub'].map((tag) => ({ tag, resolve: (value: string) => value })),
});
const functions = serverless.functions as Record<string, { handler: string; timeout: number }>;

describe('the sweep state machine (serverless.yml)', () => {
  it('is valid Amazon States Language, ARNs and paths included', () => {
    const result = validate(definition, { checkPaths: true, checkArn: true });
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('prepares, sweeps the accounts in a bounded Map, then finishes', () => {
    expect(definition.StartAt).toBe('Prepare');
    expect(states.Prepare?.Next).toBe('Prepared');
    expect(states.Accounts).toMatchObject({ Type: 'Map', Next: 'Finish' });
    // Bounded: IAM's rate is per account, but Slack's and Sheets' are shared by every account.
    expect(states.Accounts?.MaxConcurrency).toBeGreaterThan(1);
    expect(states.Accounts?.MaxConcurrency).toBeLessThanOrEqual(40);
    // Every task calls one of the three sweep functions, through its substitution.
    const resources = [states.Prepare, states.Accounts?.ItemProcessor?.States.Account, states.Finish].map(
      (state) => state?.Resource,
    );
    expect(resources).toEqual(
      ['sweepPrepare', 'sweepAccount', 'sweepFinish'].map((name) =>
        expect.stringMatching(new RegExp(`-${name}$`)),
      ),
    );
    for (const name of ['sweepPrepare', 'sweepAccount', 'sweepFinish'])
      expect(functions[name]?.handler).toBe(`.build/lambda/index.${name}`);
  });

  it('retries a failing account, then reports it instead of failing the run', () => {
    const account = states.Accounts?.ItemProcessor?.States.Account;
    expect(account?.Retry).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'] })]);
    expect(account?.Retry?.[0]?.MaxAttempts).toBeGreaterThanOrEqual(1);
    expect(account?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'AccountFailed' }),
    ]);
    expect(states.Accounts?.ItemProcessor?.States.AccountFailed?.Type).toBe('Pass');
  });

  it('still finishes when the Map fails as a whole: what was done is written back, the lock released', () => {
    expect(states.Accounts?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'AccountsSettle' }),
    ]);
    // Step Functions cannot stop the account steps under way: Finish waits past their timeout.
    expect(states.AccountsSettle).toMatchObject({ Type: 'Wait', Next: 'Finish' });
    expect(states.AccountsSettle?.Seconds).toBeGreaterThan(functions.sweepAccount?.timeout ?? Infinity);
    // Prepare and Finish retry only Lambda's own hiccups: a refused date or a bad setting fails the same way again.
    for (const step of [states.Prepare, states.Finish])
      for (const retry of step?.Retry ?? [])
        for (const error of retry.ErrorEquals) expect(error).toMatch(/^Lambda\./);
  });

  it('names the run after the execution, so a retried Prepare is the same run; a lock held elsewhere fails it', () => {
    expect(states.Prepare?.Parameters).toEqual({
      'input.$': '$',
      'execution.$': '$$.Execution.Name',
      'startedAt.$': '$$.Execution.StartTime',
    });
    const locked = states.Prepared?.Choices?.find((choice) => choice.Variable === '$.skipped');
    expect(states[locked?.Next ?? '']).toMatchObject({ Type: 'Fail', Error: 'SweepLocked' });
  });

  it("gives every task its function's timeout and a little more, never the States Language's 60 s default", () => {
    const tasks = {
      sweepPrepare: states.Prepare,
      sweepAccount: states.Accounts?.ItemProcessor?.States.Account,
      sweepFinish: states.Finish,
    };
    for (const [name, task] of Object.entries(tasks)) {
      const lambda = functions[name]?.timeout ?? Number.POSITIVE_INFINITY;
      // Lambda's timeout error names the function; the state's own is a backstop behind it.
      expect(task?.TimeoutSeconds).toBeGreaterThan(lambda);
      expect(task?.TimeoutSeconds).toBeLessThanOrEqual(lambda + 60);
    }
  });

  it('outlives no lock: the run and its last step end before the lease the first step took', () => {
    const finish = states.Finish?.TimeoutSeconds ?? Number.POSITIVE_INFINITY;
    expect(definition.TimeoutSeconds + finish).toBeLessThan(STEP_FUNCTIONS_LEASE_SECONDS);
    // An account step begun within the budget, a failed Map's wait and Finish fit in the run's timeout.
    const account =
      states.Accounts?.ItemProcessor?.States.Account?.TimeoutSeconds ?? Number.POSITIVE_INFINITY;
    const settle = states.AccountsSettle?.Seconds ?? Number.POSITIVE_INFINITY;
    expect(STEP_FUNCTIONS_ACCOUNT_BUDGET_SECONDS + account + settle + finish).toBeLessThan(
      definition.TimeoutSeconds,
    );
    // One account's step stays far inside Lambda's 15 minutes.
    expect(functions.sweepAccount?.timeout).toBeLessThanOrEqual(300);
  });

  it('is what the daily schedule starts, and the Lambda functions have no schedule of their own', () => {
    expect(sweepStateMachineResource()).toMatchObject({ Type: 'AWS::StepFunctions::StateMachine' });
    expect(serverless.resources.Resources.SweepSchedule.Properties.Target.Arn).toBe('SweepStateMachine');
    expect(Object.keys(functions)).not.toContain('sweep');
  });
});
