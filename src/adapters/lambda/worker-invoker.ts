import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** Sends a payload to a function as an asynchronous ('Event') invocation: Lambda queues it and answers at once. */
export type InvokeAsync = (functionName: string, payload: unknown) => Promise<void>;

export function workerInvoker(endpoint?: string): InvokeAsync {
  const client = new LambdaClient({ ...(endpoint ? { endpoint } : {}) });
  return async (functionName, payload) => {
    await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
  };
}
