import type { App, Receiver } from '@slack/bolt';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { Logger } from '../../log';
import { checkInbound, type Inbound, MAX_BODY_BYTES } from './inbound';
import { processInbound } from './process';

export type { AwsEvent, AwsResponse };

export interface GuardedLambdaReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  readonly nowSeconds?: () => number;
}

const empty = (statusCode: number): AwsResponse => ({ statusCode, body: '' });

function toResponse(response: unknown): AwsResponse {
  if (response === undefined || response === '') return empty(200);
  if (typeof response === 'string')
    return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: response };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response) };
}

/**
 * API Gateway → Bolt with the same gate as the HTTP server: signature and age before any
 * parsing. Bolt's AwsLambdaReceiver parses first, so a bad unsigned body threw. Lambda
 * answers only when the handler returns, so the listener's ack becomes the response once
 * Bolt is done; listeners hand slow work to the worker function.
 */
export class GuardedLambdaReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: GuardedLambdaReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<(event: AwsEvent, context: unknown) => Promise<AwsResponse>> {
    return this.toHandler();
  }

  async stop(): Promise<void> {}

  toHandler(): (event: AwsEvent, context: unknown) => Promise<AwsResponse> {
    return (event) => this.handle(event);
  }

  private async handle(event: AwsEvent): Promise<AwsResponse> {
    const raw = typeof event?.body === 'string' ? event.body : '';
    // API Gateway has already buffered the body; still refuse before decoding a large one.
    if (raw.length > MAX_BODY_BYTES * 2) return empty(413);
    const headers = new Map(
      Object.entries(event?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    const checked = checkInbound(
      {
        header: (name) => headers.get(name),
        body: Buffer.from(raw, event?.isBase64Encoded ? 'base64' : 'utf8'),
      },
      this.options.signingSecret,
      this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000),
    );
    if (!checked.ok) {
      this.options.logger.warn('slack request refused', { status: checked.status, reason: checked.reason });
      return empty(checked.status);
    }
    return this.dispatch(checked.inbound);
  }

  private async dispatch(inbound: Inbound): Promise<AwsResponse> {
    if (inbound.kind === 'ssl-check') return empty(200);
    if (inbound.kind === 'url-verification') return toResponse({ challenge: inbound.challenge });
    if (!this.app) return empty(503);
    let response: AwsResponse = empty(404);
    const processed = await processInbound(
      this.app,
      inbound,
      (ackResponse) => {
        response = toResponse(ackResponse);
      },
      this.options.logger,
    );
    return processed === 'failed' ? empty(500) : response;
  }
}
