import { z } from 'zod';
import { redactText } from '../log';
import type { Messages } from '../text/messages';
import { escapeText, mention } from '../text/mrkdwn';
import { errorMessage } from '../util/errors';

/**
 * What Lambda sends to an asynchronous function's on-failure destination once it stops
 * retrying: the request (our job) and the last error. Only the fields shown are read.
 */
const invocationRecord = z.object({
  requestContext: z.object({
    condition: z.string(),
    approximateInvokeCount: z.number().int().nonnegative(),
  }),
  requestPayload: z.object({ job: z.object({ kind: z.string(), user: z.string() }) }).nullish(),
  responsePayload: z
    .object({ errorType: z.string().optional(), errorMessage: z.string().optional() })
    .nullish(),
});

/** The part of an SQS record the report reads. */
export interface QueuedRecord {
  readonly messageId: string;
  readonly body: string;
}

export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

const REASON_LIMIT = 300;

/** The admin channel's line for one failed job: what was asked, by whom, and why it stopped. */
export function workerFailureText(body: string, m: Messages): string {
  let record: z.infer<typeof invocationRecord>;
  try {
    record = invocationRecord.parse(JSON.parse(body));
  } catch (error) {
    return m.workerFailed('?', '?', 0, escapeText(m.unreadableFailureRecord(errorMessage(error))));
  }
  const job = record.requestPayload?.job;
  // Payload text is data: `mention` makes a mention of a well-formed user id only.
  const user = job ? mention(job.user) : '?';
  const error = record.responsePayload;
  const reason = error?.errorMessage
    ? `${error.errorType ?? 'Error'}: ${error.errorMessage}`
    : record.requestContext.condition;
  return m.workerFailed(
    escapeText(job?.kind ?? '?'),
    user,
    record.requestContext.approximateInvokeCount,
    escapeText(redactText(reason).slice(0, REASON_LIMIT)),
  );
}

/**
 * Posts each failed job to the admins. A record that could not be posted is handed back to
 * the queue (SQS partial batch response) so that it is retried alone, and the ones already
 * posted are not posted twice.
 */
export async function reportWorkerFailures(
  records: readonly QueuedRecord[],
  post: (text: string) => Promise<void>,
  m: Messages,
  onError: (messageId: string, error: unknown) => void,
): Promise<BatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    try {
      await post(workerFailureText(record.body, m));
    } catch (error) {
      onError(record.messageId, error);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
