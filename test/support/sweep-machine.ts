import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { parse } from 'yaml';
import type { createHandlers, LambdaContext } from '../../src/lambda';

const ROOT = join(__dirname, '..', '..');

/** Each function's ARN as CloudFormation would substitute it, for the names the definition uses. */
const ARNS: Readonly<Record<string, string>> = {
  SweepPrepareArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:keywarden-test-sweepPrepare',
  SweepAccountArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:keywarden-test-sweepAccount',
  SweepFinishArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:keywarden-test-sweepFinish',
};

interface StateMachineResource {
  readonly Type: string;
  readonly Properties: {
    readonly Definition: Record<string, unknown>;
    readonly DefinitionSubstitutions: Record<string, unknown>;
  };
}

/**
 * serverless.yml's SweepStateMachine resource, CloudFormation's tags read as plain values.
 * `root`: the repository's (the benchmark runs this module from a transpiled copy elsewhere).
 */
export function sweepStateMachineResource(root = ROOT): StateMachineResource {
  const tags = ['!Ref', '!GetAtt', '!Sub'].map((tag) => ({
    tag,
    resolve: (value: string) => ({ [tag]: value }),
  }));
  const serverless = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), { customTags: tags });
  return serverless.resources.Resources.SweepStateMachine;
}

/** The definition as deployed: `${Name}` placeholders replaced as DefinitionSubstitutions would. */
export function sweepDefinition(root = ROOT): Definition {
  const text = JSON.stringify(sweepStateMachineResource(root).Properties.Definition).replace(
    /\$\{(\w+)\}/g,
    (placeholder, name: string) => ARNS[name] ?? placeholder,
  );
  return JSON.parse(text) as Definition;
}

type Handlers = ReturnType<typeof createHandlers>;
export type Definition = ConstructorParameters<typeof StateMachine>[0];
type Input = Parameters<StateMachine['run']>[0];

/**
 * Runs the sweep state machine locally (aws-local-stepfunctions): its task states call the real
 * Lambda handlers; retries and waits do not pause. `context` is every invocation's Lambda context;
 * `execution` the execution's name (a new one by default, as every StartExecution gets);
 * `definition`, serverless.yml's by default.
 */
export async function runSweepMachine(
  handlers: Pick<Handlers, 'sweepPrepare' | 'sweepAccount' | 'sweepFinish'>,
  input: Input,
  context?: LambdaContext,
  execution: string = randomUUID(),
  definition: Definition = sweepDefinition(),
): Promise<unknown> {
  const machine = new StateMachine(definition);
  // The handlers' own types, as Step Functions would hand them JSON.
  const call =
    <E, R>(handler: (event: E, context?: LambdaContext) => Promise<R>) =>
    async (event: unknown) =>
      JSON.parse(JSON.stringify(await handler(event as E, context)));
  const run = machine.run(input, {
    context: { Execution: { Name: execution } },
    overrides: {
      taskResourceLocalHandlers: {
        Prepare: call(handlers.sweepPrepare),
        Account: call(handlers.sweepAccount),
        Finish: call(handlers.sweepFinish),
      },
      retryIntervalOverrides: { Prepare: 0, Account: 0, Finish: 0 },
      waitTimeOverrides: { AccountsSettle: 0 },
    },
  });
  return run.result;
}
