import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SweepStarter } from '../../ports/sweep-starter';

/**
 * The execution's input as the state machine's Prepare reads it: a dry run, for the admin who
 * asked. It can ask for a dry run only: an apply run comes from the deployment's SWEEP_APPLY.
 */
export interface DryRunRequest {
  readonly dryRun: true;
  readonly requestedBy: string;
}

/** Starts executions of the sweep state machine (`StartExecution`; the name is Step Functions' own). */
export class StepFunctionsSweepStarter implements SweepStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async startDryRun(requestedBy: string): Promise<void> {
    const input: DryRunRequest = { dryRun: true, requestedBy };
    await this.client.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, input: JSON.stringify(input) }),
    );
  }
}
