import { reportWorkerFailures, workerFailureText } from '../../src/slack/worker-failures';
import { messages } from '../../src/text/messages';

/** The record Lambda sends to an on-failure destination, as documented for asynchronous invocation. */
function failureRecord(job: unknown, errorMessage = 'IAM answered Throttling') {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-24T06:00:05.568Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-4000-8880-a18cdf61200e',
      functionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:keywarden-prod-worker:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: { job },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'Error', errorMessage, trace: [] },
  });
}

const en = messages('en');

describe('worker failures for the admins', () => {
  it('names the job, mentions who clicked and gives the last error', () => {
    const text = workerFailureText(failureRecord({ kind: 'delete', caseId: 'AKIA1', user: 'U01YAMADA' }), en);
    expect(text).toBe(
      ':warning: A delete by <@U01YAMADA> failed 3 times and was dropped. Retry it or look into the cause: Error: IAM answered Throttling',
    );
    expect(
      workerFailureText(failureRecord({ kind: 'approve', caseId: 'AKIA1', user: 'U0ADMIN' }), messages('ja')),
    ).toMatch(/<@U0ADMIN> さんの操作（承認）が3回失敗/);
  });

  it('treats the payload as data: no mentions, links or secrets from it reach Slack', () => {
    const text = workerFailureText(
      failureRecord(
        { kind: '<!channel>', user: '<!here>' },
        'bad token xoxb-1234-abcd <https://evil.example|click>',
      ),
      en,
    );
    expect(text).not.toMatch(/<!|<https|xoxb-1234/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('[REDACTED]');
  });

  it('still tells the admins when the record cannot be read', () => {
    expect(workerFailureText('not json', en)).toMatch(/unreadable failure record/);
    expect(
      workerFailureText(
        JSON.stringify({ requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 1 } }),
        en,
      ),
    ).toMatch(/failed once.*EventAgeExceeded/);
  });

  it('hands back only the records it could not post, so the queue retries those alone', async () => {
    const posted: string[] = [];
    const errors: string[] = [];
    const result = await reportWorkerFailures(
      [
        { messageId: 'm1', body: failureRecord({ kind: 'delete', user: 'U1AAA' }) },
        { messageId: 'm2', body: failureRecord({ kind: 'deny', user: 'U2BBB' }) },
      ],
      async (text) => {
        if (text.includes('deny')) throw new Error('ratelimited');
        posted.push(text);
      },
      en,
      (messageId) => errors.push(messageId),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(posted).toHaveLength(1);
    expect(errors).toEqual(['m2']);
  });
});
