import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchFunction } from '@slack/web-api';

/** Statuses whose response has no body: `new Response` refuses one. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function headersOf(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers))
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, one);
  return headers;
}

/**
 * The Slack Web API client's requests sent with node:http(s) instead of Node's fetch. Node's
 * fetch (its built-in undici) compiles its llhttp WebAssembly parser on its first request:
 * measured +17 MB of RSS at once and up to +40 MB while V8 optimizes it, which on the Lambda
 * account step came on top of the sweep's own peak (the AWS SDK already talks node:http). The
 * standard Request and Response still encode the body (a form, or multipart for an upload) and
 * read the answer; only the transport differs. Redirects are refused, as the client asks.
 */
export const httpFetch: FetchFunction = async (url, init = {}) => {
  const request = new Request(url, init);
  const body = Buffer.from(await request.arrayBuffer());
  const target = new URL(request.url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...Object.fromEntries(request.headers), 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    // As fetch: an aborted request rejects with the signal's reason (a TimeoutError for a timeout).
    const fail = (error: unknown) => reject(init.signal?.aborted ? init.signal.reason : error);
    const outgoing = send(
      target,
      { method: request.method, headers, ...(init.signal ? { signal: init.signal } : {}) },
      (incoming) => {
        const status = incoming.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          incoming.resume();
          reject(new TypeError(`${request.url} redirected (${status}); redirects are refused`));
          return;
        }
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', fail);
        incoming.on('end', () => {
          const response = new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), {
            status,
            statusText: incoming.statusMessage ?? '',
            headers: headersOf(incoming),
          });
          // A constructed Response has no URL; the client reads it (admin.analytics.getFile).
          Object.defineProperty(response, 'url', { value: request.url });
          resolve(response);
        });
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
};
