import { type App, ReceiverMultipleAckError } from '@slack/bolt';
import type { Logger } from '../../log';
import { errorMessage } from '../../util/errors';
import type { Inbound } from './inbound';

/** How Bolt's handling of one event ended: acked (the reply went out), nobody took it, or it threw first. */
export type Processed = 'acked' | 'unhandled' | 'failed';

/**
 * Hands a checked event to Bolt; `reply` gets the first ack's response, once. Resolves when
 * every listener is done, which self-hosted includes the work after the ack.
 */
export async function processInbound(
  app: App,
  inbound: Extract<Inbound, { kind: 'event' }>,
  reply: (response: unknown) => void,
  logger: Logger,
): Promise<Processed> {
  let acked = false;
  try {
    await app.processEvent({
      body: inbound.body,
      ...(inbound.retryNum !== undefined ? { retryNum: inbound.retryNum } : {}),
      ...(inbound.retryReason !== undefined ? { retryReason: inbound.retryReason } : {}),
      customProperties: {},
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        reply(response);
      },
    });
  } catch (error) {
    logger.error('slack event failed', { error: errorMessage(error) });
    return acked ? 'acked' : 'failed';
  }
  return acked ? 'acked' : 'unhandled';
}
