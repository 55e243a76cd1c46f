import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';

export interface IamClientOptions {
  readonly region: string;
  readonly endpoint?: string;
  /** Absent: the SDK's default chain (the credentials' own account). */
  readonly credentials?: IAMClientConfig['credentials'];
  /** `doctor`: one attempt, each connection and request cut off after this long. */
  readonly requestTimeoutMs?: number;
}

/**
 * Every IAMClient the app talks to AWS with, the home account's and each member account's,
 * so all retry alike. Standard retries (exponential backoff with jitter, 10 attempts) ride out
 * Throttling; adaptive mode adds a client-side rate limiter that made a lightly throttled
 * sweep four times slower (bench/README.md), and with accounts swept side by side each
 * account's limiter would slow only its own client anyway.
 */
export function iamClient(options: IamClientOptions): IAMClient {
  return new IAMClient({
    region: options.region,
    retryMode: 'standard',
    maxAttempts: 10,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : {
          maxAttempts: 1,
          requestHandler: {
            connectionTimeout: options.requestTimeoutMs,
            requestTimeout: options.requestTimeoutMs,
          },
        }),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}
