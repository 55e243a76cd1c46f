import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StartedExecution {
  readonly stateMachineArn: string;
  readonly name: string;
  /** The input as sent: the JSON text, parsed. */
  readonly input: unknown;
  /** The `x-amz-target` header and content type, as the service checks them. */
  readonly target: string;
  readonly contentType: string;
}

export interface FakeStepFunctions {
  readonly url: string;
  /** Every StartExecution, in order. */
  readonly started: StartedExecution[];
  /** What each execution's run settled to (the `run` callback's promise), in order. */
  readonly runs: Promise<unknown>[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Step Functions' JSON 1.0 protocol (`X-Amz-Target: AWSStepFunctions.<Operation>`) for
 * `StartExecution` on the state machines it knows: it answers at once, as the service does, and
 * hands the execution to `run` (a test runs the real definition there) without waiting for it.
 * Another state machine is `StateMachineDoesNotExist`; another operation `UnknownOperationException`.
 */
export async function startStepFunctionsServer(
  machines: readonly string[],
  run: (execution: StartedExecution) => Promise<unknown>,
): Promise<FakeStepFunctions> {
  const started: StartedExecution[] = [];
  const runs: Promise<unknown>[] = [];
  const fail = (status: number, type: string, message: string) => ({
    status,
    body: { __type: `com.amazonaws.states#${type}`, message },
  });

  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const input = JSON.parse((await body(req)) || '{}') as {
      stateMachineArn?: string;
      name?: string;
      input?: string;
    };
    const answer = ((): { status: number; body: unknown } => {
      if (target !== 'AWSStepFunctions.StartExecution')
        return fail(400, 'UnknownOperationException', `not served here: ${target}`);
      const arn = input.stateMachineArn ?? '';
      if (!machines.includes(arn))
        return fail(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      const name = input.name ?? randomUUID();
      const execution: StartedExecution = {
        stateMachineArn: arn,
        name,
        input: JSON.parse(input.input ?? '{}'),
        target,
        contentType,
      };
      started.push(execution);
      // Kept settled-safe: the test awaits it and sees the rejection there.
      const running = run(execution);
      running.catch(() => undefined);
      runs.push(running);
      return {
        status: 200,
        body: {
          executionArn: `${arn.replace(':stateMachine:', ':execution:')}:${name}`,
          startDate: Date.now() / 1000,
        },
      };
    })();
    res
      .writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    started,
    runs,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
