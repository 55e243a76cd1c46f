import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What every inbound Slack request goes through before Bolt sees it, whichever transport
 * carried it: the signature over the raw bytes first, then the timestamp, then parsing.
 * Nothing here throws on hostile input; every refusal is a value with an HTTP status.
 */

/**
 * The largest body accepted. Slack's biggest payloads to this app carry one of its own
 * messages (≤ 50 blocks) or modals (≤ 100 blocks) back, a few hundred KB even form-encoded
 * in Japanese; 1 MiB leaves room and keeps an unsigned flood from buffering megabytes.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Slack's documented replay window, applied both ways: a clock far ahead is no better. */
export const MAX_SKEW_SECONDS = 300;

export type InboundBody = Record<string, unknown>;

export type Inbound =
  | {
      readonly kind: 'event';
      readonly body: InboundBody;
      readonly retryNum?: number;
      readonly retryReason?: string;
    }
  /** Slack's periodic certificate check and the Events API handshake, answered without Bolt. */
  | { readonly kind: 'ssl-check' }
  | { readonly kind: 'url-verification'; readonly challenge: string };

export type Refusal = { readonly status: 400 | 401 | 413 | 503; readonly reason: string };

export type Checked = { readonly ok: true; readonly inbound: Inbound } | ({ readonly ok: false } & Refusal);

export interface RawRequest {
  /** Header lookup, case-insensitive. */
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
}

function refuse(status: Refusal['status'], reason: string): Checked {
  return { ok: false, status, reason };
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** Verifies Slack's `v0` HMAC-SHA256 signature and the request's age. */
export function verifySignature(
  request: RawRequest,
  signingSecret: string,
  nowSeconds: number,
): Refusal | null {
  // An empty key is one anybody can sign with: without the secret nothing can be verified.
  if (signingSecret === '') return { status: 503, reason: 'no signing secret is configured' };
  const signature = request.header('x-slack-signature');
  const timestamp = request.header('x-slack-request-timestamp');
  if (!signature || !timestamp) return { status: 401, reason: 'unsigned request' };
  if (!/^\d{1,12}$/.test(timestamp)) return { status: 401, reason: 'malformed timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS)
    return { status: 401, reason: 'timestamp outside the 5-minute window' };
  if (!SIGNATURE.test(signature)) return { status: 401, reason: 'malformed signature' };
  const expected = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(request.body)
    .digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return timingSafeEqual(expected, given) ? null : { status: 401, reason: 'bad signature' };
}

const record = z.record(z.string(), z.unknown());
const optionalRecord = record.nullish();

/**
 * The fields Bolt reads while routing, before any listener runs: Bolt assumes their shape
 * (iterating `actions`, reading `view.…`, `event.…`, `team.…`), so a signed body with them
 * null or of another type must be refused here. Listener-level checks come later (payloads.ts).
 */
const ENVELOPE = z.object({
  team: optionalRecord,
  user: z.union([record, z.string()]).nullish(),
  enterprise: optionalRecord,
  channel: optionalRecord,
  message: optionalRecord,
  container: optionalRecord,
  authorizations: z.array(record).nullish(),
});
const ENVELOPES: Readonly<Record<string, z.ZodType>> = {
  event_callback: z.object({ event: z.looseObject({ type: z.string() }) }),
  block_actions: z.object({ actions: z.array(record).max(100) }),
  interactive_message: z.object({ actions: z.array(record).max(100) }),
  view_submission: z.object({ view: record }),
  view_closed: z.object({ view: record }),
};

function isRecord(value: unknown): value is InboundBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retries(request: RawRequest): { retryNum?: number; retryReason?: string } {
  const num = request.header('x-slack-retry-num');
  const reason = request.header('x-slack-retry-reason');
  return {
    ...(num && /^\d{1,3}$/.test(num) ? { retryNum: Number(num) } : {}),
    ...(reason ? { retryReason: reason.slice(0, 100) } : {}),
  };
}

/** Turns the signed bytes into the object Bolt dispatches on: an object, or a refusal. */
export function parseBody(request: RawRequest): Checked {
  const text = request.body.toString('utf8');
  const type = (request.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  let body: unknown;
  if (type === 'application/json') body = parseJson(text);
  else if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    if (form.get('ssl_check') === '1') return { ok: true, inbound: { kind: 'ssl-check' } };
    const payload = form.get('payload');
    body = payload === null ? Object.fromEntries(form) : parseJson(payload);
  } else return refuse(400, 'unsupported content type');
  if (!isRecord(body)) return refuse(400, 'body is not a JSON object');
  if (body.type === 'url_verification')
    return typeof body.challenge === 'string' && body.challenge.length <= 200
      ? { ok: true, inbound: { kind: 'url-verification', challenge: body.challenge } }
      : refuse(400, 'bad url_verification');
  // Bolt dispatches on these; a wrong type there must stop here, not as a TypeError inside Bolt.
  if (body.type !== undefined && typeof body.type !== 'string') return refuse(400, 'type is not a string');
  if (body.type === undefined && typeof body.command !== 'string')
    return refuse(400, 'neither an event, an interaction nor a command');
  if (!ENVELOPE.safeParse(body).success || !(ENVELOPES[String(body.type)]?.safeParse(body).success ?? true))
    return refuse(400, `malformed ${String(body.type ?? 'command')} envelope`);
  return { ok: true, inbound: { kind: 'event', body, ...retries(request) } };
}

/** Signature, age, then parsing: the one gate for both the HTTP server and Lambda. */
export function checkInbound(request: RawRequest, signingSecret: string, nowSeconds: number): Checked {
  if (request.body.length > MAX_BODY_BYTES) return refuse(413, 'body too large');
  const refused = verifySignature(request, signingSecret, nowSeconds);
  return refused ? { ok: false, ...refused } : parseBody(request);
}
