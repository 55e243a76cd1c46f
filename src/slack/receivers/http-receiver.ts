import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Receiver } from '@slack/bolt';
import type { Logger } from '../../log';
import { errorMessage } from '../../util/errors';
import { checkInbound, type Inbound, MAX_BODY_BYTES } from './inbound';
import { processInbound } from './process';

export interface GuardedHttpReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  /** Answers GET with 200 for container health checks and load balancers; no signature needed. */
  readonly healthPath?: string;
  /** Only for tests of the replay window. */
  readonly nowSeconds?: () => number;
}

type Read = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly status: 413 | 400 };

/** Reads at most MAX_BODY_BYTES, refusing as soon as a request says or shows it is larger. */
function readBody(req: IncomingMessage): Promise<Read> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES)
    return Promise.resolve({ ok: false, status: 413 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        resolve({ ok: false, status: 413 });
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ ok: false, status: 400 }));
  });
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined || body === '') res.writeHead(status).end();
  else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Bolt's HTTPReceiver buffers whole bodies before checking the signature and trips over
 * bodies such as `payload=null`; this one reads with a limit, verifies, parses and only then
 * hands an object to Bolt. Transport only: acks go back as HTTP, listeners do the rest.
 * Ack as soon as a listener calls ack(): the work goes on after the response.
 */
export class GuardedHttpReceiver implements Receiver {
  private app: App | undefined;
  private server: Server | undefined;
  /** Requests still being handled: listener work self-hosted runs after the ack, inside these. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: GuardedHttpReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      const handled = this.handle(req, res)
        .catch((error: unknown) => {
          this.options.logger.error('slack request failed', { error: errorMessage(error) });
          send(res, 500);
        })
        .finally(() => this.inFlight.delete(handled));
      this.inFlight.add(handled);
    });
    // Slack sends small bodies quickly; a slow-loris client must not hold sockets for minutes.
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
    this.server = server;
    return server;
  }

  /** Stops accepting requests, lets the ones in hand finish (a teardown after its ack), then closes. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
    });
    server.closeIdleConnections();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    server.closeAllConnections();
    await closed;
  }

  /** The port the server listens on, once started. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url?.split('?')[0];
    if (this.options.healthPath !== undefined && path === this.options.healthPath) {
      req.resume();
      if (req.method === 'GET') send(res, 200, { status: 'ok' });
      else send(res, 405);
      return;
    }
    if (req.method !== 'POST' || path !== '/slack/events') {
      req.resume();
      send(res, 404);
      return;
    }
    const read = await readBody(req);
    if (!read.ok) {
      res.setHeader('connection', 'close');
      send(res, read.status);
      return;
    }
    const checked = checkInbound(
      { header: (name) => headerOf(req, name), body: read.body },
      this.options.signingSecret,
      this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000),
    );
    if (!checked.ok) {
      this.options.logger.warn('slack request refused', { status: checked.status, reason: checked.reason });
      send(res, checked.status);
      return;
    }
    await this.dispatch(checked.inbound, res);
  }

  private async dispatch(inbound: Inbound, res: ServerResponse): Promise<void> {
    if (inbound.kind === 'ssl-check') return send(res, 200);
    if (inbound.kind === 'url-verification') return send(res, 200, { challenge: inbound.challenge });
    if (!this.app) return send(res, 503);
    const processed = await processInbound(
      this.app,
      inbound,
      (response) => send(res, 200, response),
      this.options.logger,
    );
    if (processed !== 'acked') send(res, processed === 'failed' ? 500 : 404);
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
