/**
 * A proxy in front of one local server that lets a test see each request before it is passed on
 * and hold it (by returning a promise) until the test has seen what it waits for: a child that
 * took a signal in, a lock renewed. Events, not sleeps.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GateRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Gate {
  readonly url: string;
  close(): Promise<void>;
}

/** `target` may carry a path prefix (Slack's `…/api/`); requests are forwarded under it. */
export async function startGate(
  target: string,
  onRequest: (request: GateRequest) => void | Promise<void>,
): Promise<Gate> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      void (async () => {
        await onRequest({ path: req.url ?? '/', headers: req.headers, body: body.toString('utf8') });
        const forwarded = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: `${upstream.pathname.replace(/\/$/, '')}${req.url ?? '/'}`,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forwarded.on('error', () => res.destroy());
        forwarded.end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
