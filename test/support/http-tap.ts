/**
 * A tiny HTTP proxy on 127.0.0.1 in front of one local server (a fake, the IAM simulator or
 * dynalite). It counts requests, measures how long the service was busy, can add latency, and
 * lets a test decide per request whether to pass it on, answer it itself (a 429), or lose it —
 * before the service sees it, or after the service has applied it. The real clients cannot tell
 * it is there: they are pointed at its URL instead of the server's.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TapRequest {
  /** 1-based number of the request on this tap. */
  readonly n: number;
  readonly method: string;
  /** Path and query, as received. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type TapVerdict =
  | { readonly kind: 'forward' }
  /** Answered by the tap; the service never sees the request. */
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body: string;
    }
  /** The connection dies before the service sees the request: nothing was applied. */
  | { readonly kind: 'drop' }
  /** The service applies the request, then the connection dies before the answer gets back. */
  | { readonly kind: 'forward-then-drop' };

export interface TapOptions {
  /** The server behind the tap, e.g. `http://127.0.0.1:4567`. */
  readonly target: string;
  /** Added before forwarding each request. */
  readonly latencyMs?: number;
  /** Names a request in `stats.byLabel` (a DynamoDB operation, a Slack method). */
  readonly label?: (request: TapRequest) => string;
  readonly intercept?: (request: TapRequest) => TapVerdict;
}

export interface TapStats {
  readonly requests: number;
  readonly byLabel: Readonly<Record<string, number>>;
  /** Answered by `intercept` with `reply`, by status code. */
  readonly replied: Readonly<Record<string, number>>;
  /** `drop` and `forward-then-drop`. */
  readonly dropped: number;
  /** Wall time during which at least one request was in flight through the tap. */
  readonly busyMs: number;
  readonly maxInFlight: number;
}

export interface Tap {
  readonly url: string;
  readonly stats: TapStats;
  resetStats(): void;
  close(): Promise<void>;
}

/** Any single exchange taking longer than this is a bug in a test, not a slow service. */
const UPSTREAM_TIMEOUT_MS = 120_000;

export async function startTap(options: TapOptions): Promise<Tap> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let requests = 0;
  let byLabel: Record<string, number> = {};
  let replied: Record<string, number> = {};
  let dropped = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let busyMs = 0;
  let busySince = 0;

  const enter = () => {
    if (inFlight === 0) busySince = performance.now();
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
  };
  const leave = () => {
    inFlight -= 1;
    if (inFlight === 0) busyMs += performance.now() - busySince;
  };

  const forward = (
    request: TapRequest,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          headers: request.headers,
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
      upstream.on('error', reject);
      upstream.end(request.body);
    });

  const server = createServer((req, res) => {
    enter();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      leave();
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      const request: TapRequest = {
        n: requests,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const name = options.label?.(request) ?? 'all';
      byLabel[name] = (byLabel[name] ?? 0) + 1;
      void (async () => {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const verdict = options.intercept?.(request) ?? { kind: 'forward' };
        if (verdict.kind === 'drop') {
          dropped += 1;
          req.socket.destroy();
          return;
        }
        if (verdict.kind === 'reply') {
          replied[verdict.status] = (replied[verdict.status] ?? 0) + 1;
          res.writeHead(verdict.status, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(Buffer.byteLength(verdict.body)),
            ...verdict.headers,
          });
          res.end(verdict.body);
          return;
        }
        const answer = await forward(request);
        if (verdict.kind === 'forward-then-drop') {
          dropped += 1;
          req.socket.destroy();
          return;
        }
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        headers['content-length'] = String(answer.body.length);
        res.writeHead(answer.status, headers);
        res.end(answer.body);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get stats(): TapStats {
      const open = inFlight > 0 ? performance.now() - busySince : 0;
      return {
        requests,
        byLabel: { ...byLabel },
        replied: { ...replied },
        dropped,
        busyMs: busyMs + open,
        maxInFlight,
      };
    },
    resetStats() {
      requests = 0;
      byLabel = {};
      replied = {};
      dropped = 0;
      busyMs = 0;
      maxInFlight = inFlight;
      if (inFlight > 0) busySince = performance.now();
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      });
    },
  };
}
