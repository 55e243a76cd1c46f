/**
 * Builds inbound requests the way Slack sends them to an app (Events API, interactivity,
 * slash commands), signed with the app's signing secret, so tests can POST them to the real
 * Bolt receiver and exercise its signature and replay checks rather than bypassing them.
 */

import { createHmac } from 'node:crypto';

/** Interactivity payload types, which Slack sends form-encoded as `payload=<json>`. */
const INTERACTION_TYPES: ReadonlySet<string> = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'dialog_suggestion',
]);

export interface SignedRequest {
  /** Lower-case names, ready for `fetch(url, { method: 'POST', ...signed })`. */
  readonly headers: Record<string, string>;
  /** The exact bytes that were signed; re-encoding them would break the signature. */
  readonly body: string;
}

export type InboundBody = string | URLSearchParams | Record<string, unknown>;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function encode(body: InboundBody): { contentType: string; raw: string } {
  if (typeof body === 'string') {
    return { contentType: /^\s*[{[]/.test(body) ? JSON_TYPE : FORM, raw: body };
  }
  if (body instanceof URLSearchParams) return { contentType: FORM, raw: body.toString() };
  if (typeof body.type === 'string' && INTERACTION_TYPES.has(body.type)) {
    return { contentType: FORM, raw: new URLSearchParams({ payload: JSON.stringify(body) }).toString() };
  }
  if (typeof body.command === 'string' && body.type === undefined) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) {
      if (value !== undefined && value !== null) form.append(key, String(value));
    }
    return { contentType: FORM, raw: form.toString() };
  }
  return { contentType: JSON_TYPE, raw: JSON.stringify(body) };
}

/**
 * Signs `body` as Slack does: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with
 * the signing secret. The body is sent as given when it is a string (JSON if it looks like JSON,
 * otherwise form-encoded) or URLSearchParams (form); an object is an interaction payload
 * (`payload=<json>`) when its `type` is an interactivity type, slash-command form fields when it
 * has a `command`, and an Events API envelope (JSON) otherwise. `timestamp` is in seconds and
 * defaults to now; pass an old one to test replay rejection.
 */
export function signedRequest(signingSecret: string, body: InboundBody, timestamp?: number): SignedRequest {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  const { contentType, raw } = encode(body);
  const signature = createHmac('sha256', signingSecret).update(`v0:${ts}:${raw}`).digest('hex');
  return {
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': ts,
      'x-slack-signature': `v0=${signature}`,
    },
    body: raw,
  };
}
